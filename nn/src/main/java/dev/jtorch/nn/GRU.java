package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * A gated recurrent unit, as {@code nn.GRU}, with PyTorch's gate order r, z, n:
 * {@code r = σ(W_ir x + b_ir + W_hr h + b_hr)}, {@code z = σ(W_iz x + b_iz + W_hz h + b_hz)},
 * {@code n = tanh(W_in x + b_in + r*(W_hn h + b_hn))}, {@code h' = (1-z)*n + z*h}.
 */
public class GRU extends RNNBase {
    public GRU(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1); }
    public GRU(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, RnnOptions.defaults().numLayers(numLayers)); }
    public GRU(int inputSize, int hiddenSize, RnnOptions options) { super(RnnMode.GRU, inputSize, hiddenSize, options); }

    /** The output for every step (as {@code gru(x)[0]}), starting from zero states. */
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
