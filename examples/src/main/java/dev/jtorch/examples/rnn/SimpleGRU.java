package dev.jtorch.examples.rnn;

import dev.jtorch.nn.GRU;
import dev.jtorch.nn.Linear;
import dev.jtorch.nn.Module;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.Tensor;

/** The seed's SimpleGRU forecaster: MultiStepLSTM's shape with a GRU. */
public final class SimpleGRU extends Module {
    final GRU gru;
    final Linear fc;

    public SimpleGRU(int hiddenSize, int numLayers, double dropout, int horizon) {
        gru = new GRU(1, hiddenSize, RnnOptions.defaults().numLayers(numLayers).batchFirst(true).dropout(dropout));
        fc = new Linear(hiddenSize, horizon);
    }

    /** [B, T, 1] to [B, horizon]. */
    @Override public Tensor forward(Tensor x) {
        Tensor out = gru.forward(x);
        return fc.forward(out.select(1, out.size(1) - 1));
    }
}
