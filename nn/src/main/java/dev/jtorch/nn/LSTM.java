package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * A long short-term memory network, as {@code nn.LSTM}, with PyTorch's gate order i, f, g, o:
 * {@code c' = σ(f)*c + σ(i)*tanh(g)}, {@code h' = σ(o)*tanh(c')}.
 * {@code forward(x)} returns the output only; {@code forward(x, h0, c0)} returns the output and both final states.
 */
public class LSTM extends RNNBase {
    public LSTM(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1); }
    public LSTM(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, RnnOptions.defaults().numLayers(numLayers)); }
    public LSTM(int inputSize, int hiddenSize, RnnOptions options) { super(RnnMode.LSTM, inputSize, hiddenSize, options); }

    /** The output for every step (as {@code lstm(x)[0]}), starting from zero states. */
    @Override public Tensor forward(Tensor input) { return forward(input, null, null).output(); }

    /** @param h0 the initial hidden states [L*D, B, H] ([L*D, H] unbatched), and c0 alike; both or neither null (zeros) */
    public LstmOutput forward(Tensor input, Tensor h0, Tensor c0) {
        Result r = forwardTensor(input, h0, c0);
        return new LstmOutput(r.output(), r.hN(), r.cN());
    }

    public PackedLstmOutput forward(PackedSequence input) { return forward(input, null, null); }

    public PackedLstmOutput forward(PackedSequence input, Tensor h0, Tensor c0) {
        PackedResult r = forwardPacked(input, h0, c0);
        return new PackedLstmOutput(r.output(), r.hN(), r.cN());
    }
}
