package dev.jtorch.examples.rnn;

import dev.jtorch.nn.LSTM;
import dev.jtorch.nn.Linear;
import dev.jtorch.nn.Module;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.Tensor;

/** The seed's MultiStepLSTM: a 2-layer LSTM (dropout between layers) reads the window, a linear head emits all future steps at once. */
public final class MultiStepLSTM extends Module {
    final LSTM lstm;
    final Linear fc;

    public MultiStepLSTM(int hiddenSize, int numLayers, double dropout, int horizon) {
        lstm = new LSTM(1, hiddenSize, RnnOptions.defaults().numLayers(numLayers).batchFirst(true).dropout(dropout));
        fc = new Linear(hiddenSize, horizon);
    }

    /** [B, T, 1] to [B, horizon]. */
    @Override public Tensor forward(Tensor x) {
        Tensor out = lstm.forward(x);
        return fc.forward(out.select(1, out.size(1) - 1));
    }
}
