package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * An Elman RNN, as {@code nn.RNN}: {@code h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)} (or relu).
 * {@code forward(x)} returns the output only; {@code forward(x, h0)} returns both the output and {@code h_n}.
 */
public class RNN extends RNNBase {
    /** The non-linearity of the recurrence, PyTorch's {@code nonlinearity='tanh'|'relu'}. */
    public enum Nonlinearity { TANH, RELU }

    private final Nonlinearity nonlinearity;

    public RNN(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1); }
    public RNN(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, Nonlinearity.TANH, RnnOptions.defaults().numLayers(numLayers)); }
    public RNN(int inputSize, int hiddenSize, RnnOptions options) { this(inputSize, hiddenSize, Nonlinearity.TANH, options); }

    public RNN(int inputSize, int hiddenSize, Nonlinearity nonlinearity, RnnOptions options) {
        super(nonlinearity == Nonlinearity.RELU ? RnnMode.RNN_RELU : RnnMode.RNN_TANH, inputSize, hiddenSize, options);
        this.nonlinearity = nonlinearity;
    }

    public Nonlinearity nonlinearity() { return nonlinearity; }

    /** The output for every step (as {@code rnn(x)[0]}), starting from zero states. */
    @Override public Tensor forward(Tensor input) { return forward(input, null).output(); }

    /** @param h0 the initial hidden states [L*D, B, H] ([L*D, H] unbatched), or null for zeros */
    public RnnOutput forward(Tensor input, Tensor h0) {
        Result r = forwardTensor(input, h0, null);
        return new RnnOutput(r.output(), r.hN());
    }

    public PackedRnnOutput forward(PackedSequence input) { return forward(input, null); }

    public PackedRnnOutput forward(PackedSequence input, Tensor h0) {
        PackedResult r = forwardPacked(input, h0, null);
        return new PackedRnnOutput(r.output(), r.hN());
    }
}
