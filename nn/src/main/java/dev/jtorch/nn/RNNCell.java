package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** One step of an Elman RNN, as {@code nn.RNNCell}: {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)} (or relu). */
public class RNNCell extends RNNCellBase {
    public RNNCell(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, true, RNN.Nonlinearity.TANH); }

    public RNNCell(int inputSize, int hiddenSize, boolean bias, RNN.Nonlinearity nonlinearity) {
        super(nonlinearity == RNN.Nonlinearity.RELU ? RnnMode.RNN_RELU : RnnMode.RNN_TANH, inputSize, hiddenSize, bias);
    }

    /** From a zero state. */
    @Override public Tensor forward(Tensor input) { return forward(input, null); }

    /** @param hx [B, H] ([H] unbatched), or null for zeros */
    public Tensor forward(Tensor input, Tensor hx) { return step(input, hx, null).h(); }
}
