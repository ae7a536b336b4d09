package dev.jtorch.examples.rnn;

import dev.jtorch.nn.Linear;
import dev.jtorch.nn.Module;
import dev.jtorch.nn.RNN;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.Tensor;

/**
 * The seed's SimpleRNN: a one-layer tanh RNN over [B, T, in] (batch first) and a linear head on the last
 * step's output: many-to-one, for next-value regression or sequence classification.
 */
public final class SimpleRNN extends Module {
    final RNN rnn;
    final Linear fc;
    private final int hiddenSize;

    public SimpleRNN(int inputSize, int hiddenSize, int outputSize) {
        this.hiddenSize = hiddenSize;
        this.rnn = new RNN(inputSize, hiddenSize, RnnOptions.defaults().batchFirst(true));
        this.fc = new Linear(hiddenSize, outputSize);
    }

    /** From zero states. */
    @Override public Tensor forward(Tensor x) { return forward(x, null); }

    /** @param h0 the initial hidden state [1, B, hidden], or null for zeros */
    public Tensor forward(Tensor x, Tensor h0) {
        Tensor out = rnn.forward(x, h0).output();             // [B, T, hidden]
        return fc.forward(out.select(1, out.size(1) - 1));    // the last step: [B, out]
    }

    public int hiddenSize() { return hiddenSize; }
}
