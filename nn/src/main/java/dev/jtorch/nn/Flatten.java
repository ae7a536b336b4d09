package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Flattens dims {@code startDim..endDim} into one, as {@code nn.Flatten} (defaults 1 and -1: keep the batch). */
public class Flatten extends Module {
    private final int startDim, endDim;

    public Flatten() { this(1, -1); }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override public Tensor forward(Tensor input) { return F.flatten(input, startDim, endDim); }

    @Override public String extraRepr() { return "start_dim=" + startDim + ", end_dim=" + endDim; }
}
