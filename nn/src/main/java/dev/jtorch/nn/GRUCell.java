package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** One step of a GRU, as {@code nn.GRUCell}; the equations are {@link GRU}'s. */
public class GRUCell extends RNNCellBase {
    public GRUCell(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, true); }
    public GRUCell(int inputSize, int hiddenSize, boolean bias) { super(RnnMode.GRU, inputSize, hiddenSize, bias); }

    /** From a zero state. */
    @Override public Tensor forward(Tensor input) { return forward(input, null); }

    /** @param hx [B, H] ([H] unbatched), or null for zeros */
    public Tensor forward(Tensor input, Tensor hx) { return step(input, hx, null).h(); }
}
