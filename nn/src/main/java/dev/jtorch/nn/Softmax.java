package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Softmax along {@code dim}, as {@code nn.Softmax}. */
public class Softmax extends Module {
    private final int dim;

    public Softmax(int dim) { this.dim = dim; }

    @Override public Tensor forward(Tensor input) { return F.softmax(input, dim); }

    @Override public String extraRepr() { return "dim=" + dim; }
}
