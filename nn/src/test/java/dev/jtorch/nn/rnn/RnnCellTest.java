package dev.jtorch.nn.rnn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.nn.GRU;
import dev.jtorch.nn.GRUCell;
import dev.jtorch.nn.LSTM;
import dev.jtorch.nn.LSTMCell;
import dev.jtorch.nn.RNN;
import dev.jtorch.nn.RNNCell;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jtorch.nn.rnn.RnnFixtures.leaf;
import static dev.jtorch.nn.rnn.RnnFixtures.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cells: the equations, agreement with a one-layer module over the same weights, and gradcheck through 3 unrolled steps. */
class RnnCellTest {
    static final int B = 2, IN = 2, H = 3;

    @Test
    void cellsMatchTheEquations() {
        Generator.defaultGenerator().manualSeed(1);
        Tensor x = randn(1, B, IN), h = randn(2, B, H), c = randn(3, B, H);
        var rnn = (RNNCell) new RNNCell(IN, H, true, RNN.Nonlinearity.RELU).to(DType.FLOAT64);
        var gru = (GRUCell) new GRUCell(IN, H).to(DType.FLOAT64);
        var lstm = (LSTMCell) new LSTMCell(IN, H, false).to(DType.FLOAT64);
        check(RnnReference.Kind.RNN_RELU, rnn.stateDict(), x, h, c, rnn.forward(x, h), null);
        check(RnnReference.Kind.GRU, gru.stateDict(), x, h, c, gru.forward(x, h), null);
        LSTMCell.State s = lstm.forward(x, h, c);
        check(RnnReference.Kind.LSTM, lstm.stateDict(), x, h, c, s.h(), s.c());
    }

    private static void check(RnnReference.Kind kind, java.util.Map<String, Tensor> sd, Tensor x, Tensor h, Tensor c, Tensor gotH, Tensor gotC) {
        double[] wih = sd.get("weight_ih").toDoubleArray(), whh = sd.get("weight_hh").toDoubleArray();
        double[] bih = sd.containsKey("bias_ih") ? sd.get("bias_ih").toDoubleArray() : null, bhh = sd.containsKey("bias_hh") ? sd.get("bias_hh").toDoubleArray() : null;
        double[] xs = x.toDoubleArray(), hs = h.toDoubleArray(), cs = c.toDoubleArray(), gh = gotH.toDoubleArray(), gc = gotC == null ? null : gotC.toDoubleArray();
        for (int b = 0; b < B; b++) {
            double[][] want = RnnReference.cell(kind, java.util.Arrays.copyOfRange(xs, b * IN, b * IN + IN), java.util.Arrays.copyOfRange(hs, b * H, b * H + H),
                    java.util.Arrays.copyOfRange(cs, b * H, b * H + H), wih, whh, bih, bhh, H);
            assertArrayEquals(want[0], java.util.Arrays.copyOfRange(gh, b * H, b * H + H), 1e-12, kind + " h");
            if (gc != null) assertArrayEquals(want[1], java.util.Arrays.copyOfRange(gc, b * H, b * H + H), 1e-12, kind + " c");
        }
    }

    /** A module over one step equals the cell holding its weights. */
    @Test
    void cellsAgreeWithOneLayerModules() {
        Generator.defaultGenerator().manualSeed(2);
        Tensor x = randn(4, 1, B, IN), h = randn(5, 1, B, H), c = randn(6, 1, B, H);
        var lstm = (LSTM) new LSTM(IN, H).to(DType.FLOAT64);
        var lstmCell = (LSTMCell) new LSTMCell(IN, H).to(DType.FLOAT64);
        lstmCell.loadStateDict(renamed(lstm.stateDict()));
        assertArrayEquals(lstm.forward(x, h, c).cN().toDoubleArray(), lstmCell.forward(x.select(0, 0), h.select(0, 0), c.select(0, 0)).c().toDoubleArray(), 1e-12);
        var gru = (GRU) new GRU(IN, H, RnnOptions.defaults().bias(false)).to(DType.FLOAT64);
        var gruCell = (GRUCell) new GRUCell(IN, H, false).to(DType.FLOAT64);
        gruCell.loadStateDict(renamed(gru.stateDict()));
        assertArrayEquals(gru.forward(x, h).hN().toDoubleArray(), gruCell.forward(x.select(0, 0), h.select(0, 0)).toDoubleArray(), 1e-12);
    }

    private static java.util.Map<String, Tensor> renamed(java.util.Map<String, Tensor> layer) {
        java.util.Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        layer.forEach((k, v) -> m.put(k.replace("_l0", ""), v));
        return m;
    }

    @Test
    void gradcheckThroughThreeUnrolledSteps() {
        Generator.defaultGenerator().manualSeed(3);
        var rnn = (RNNCell) new RNNCell(IN, H).to(DType.FLOAT64);
        var gru = (GRUCell) new GRUCell(IN, H).to(DType.FLOAT64);
        var lstm = (LSTMCell) new LSTMCell(IN, H, false).to(DType.FLOAT64);
        Tensor x = leaf(7, 3, B, IN), h0 = leaf(8, B, H), c0 = leaf(9, B, H);
        assertTrue(GradCheck.gradcheck(a -> {
            Tensor h = h0;
            for (int t = 0; t < 3; t++) h = rnn.forward(x.select(0, t), h);
            return h;
        }, inputs(List.of(x, h0), rnn.parameters())));
        assertTrue(GradCheck.gradcheck(a -> {
            Tensor h = h0;
            for (int t = 0; t < 3; t++) h = gru.forward(x.select(0, t), h);
            return h;
        }, inputs(List.of(x, h0), gru.parameters())));
        assertTrue(GradCheck.gradcheck(a -> {
            LSTMCell.State s = new LSTMCell.State(h0, c0);
            for (int t = 0; t < 3; t++) s = lstm.forward(x.select(0, t), s);
            return Tensor.cat(List.of(s.h(), s.c()), 1);
        }, inputs(List.of(x, h0, c0), lstm.parameters())));
    }

    private static Tensor[] inputs(List<Tensor> data, List<Tensor> params) {
        List<Tensor> all = new ArrayList<>(data);
        all.addAll(params);
        return all.toArray(Tensor[]::new);
    }
}
