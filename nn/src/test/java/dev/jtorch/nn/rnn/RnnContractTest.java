package dev.jtorch.nn.rnn;

import dev.jtorch.nn.GRU;
import dev.jtorch.nn.GRUCell;
import dev.jtorch.nn.LSTM;
import dev.jtorch.nn.LSTMCell;
import dev.jtorch.nn.RNN;
import dev.jtorch.nn.RNNCell;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PyTorch's parameter names, shapes, init range and reprs, and its error messages for wrong inputs and state dicts. */
class RnnContractTest {

    @Test
    void parameterNamesAndShapesArePyTorchs() {
        var lstm = new LSTM(3, 5, RnnOptions.defaults().numLayers(2).bidirectional(true));
        Map<String, Tensor> sd = lstm.stateDict();
        assertEquals(List.of(
                "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"), List.copyOf(sd.keySet()));
        assertArrayEquals(new long[] {20, 3}, sd.get("weight_ih_l0").shape());
        assertArrayEquals(new long[] {20, 5}, sd.get("weight_hh_l0").shape());
        assertArrayEquals(new long[] {20, 10}, sd.get("weight_ih_l1_reverse").shape());
        assertArrayEquals(new long[] {20}, sd.get("bias_hh_l1").shape());
        assertArrayEquals(new long[] {15, 3}, new GRU(3, 5).stateDict().get("weight_ih_l0").shape());
        assertArrayEquals(new long[] {5, 3}, new RNN(3, 5).stateDict().get("weight_ih_l0").shape());
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0"), List.copyOf(new GRU(3, 5, RnnOptions.defaults().bias(false)).stateDict().keySet()));
        assertEquals(List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh"), List.copyOf(new LSTMCell(3, 5).stateDict().keySet()));
        assertArrayEquals(new long[] {15, 5}, new GRUCell(3, 5).stateDict().get("weight_hh").shape());
    }

    /**
     * At inference two or more LSTM layers run as one {@code lstmStack} (side by side on two threads at batch 1);
     * with autograd recording they run layer by layer. Both give the same bits, with initial states given or not.
     */
    @Test
    void stackedInferenceGivesTheLayerByLayerBits() {
        int threads = dev.jtorch.Torch.getNumThreads();
        dev.jtorch.Torch.setNumThreads(2);
        try {
            Generator.defaultGenerator().manualSeed(5);
            var lstm = new LSTM(3, 64, RnnOptions.defaults().numLayers(3).dropout(0.3));
            lstm.eval();
            Tensor x = Tensor.randn(new long[] {30, 1, 3}, dev.jtorch.tensor.DType.FLOAT32, dev.jtorch.tensor.Device.CPU, new Generator(6));
            Tensor h0 = Tensor.randn(new long[] {3, 1, 64}, dev.jtorch.tensor.DType.FLOAT32, dev.jtorch.tensor.Device.CPU, new Generator(7));
            Tensor c0 = Tensor.randn(new long[] {3, 1, 64}, dev.jtorch.tensor.DType.FLOAT32, dev.jtorch.tensor.Device.CPU, new Generator(8));
            for (boolean states : new boolean[] {false, true}) {
                var recorded = lstm.forward(x, states ? h0 : null, states ? c0 : null);
                assertTrue(recorded.output().requiresGrad(), "layer by layer, with a graph for backward");
                dev.jtorch.nn.LstmOutput stacked;
                try (var noGrad = dev.jtorch.tensor.GradMode.noGrad()) {
                    stacked = lstm.forward(x, states ? h0 : null, states ? c0 : null);
                }
                assertArrayEquals(recorded.output().toFloatArray(), stacked.output().toFloatArray(), 0f, "output");
                assertArrayEquals(recorded.hN().toFloatArray(), stacked.hN().toFloatArray(), 0f, "h_n");
                assertArrayEquals(recorded.cN().toFloatArray(), stacked.cN().toFloatArray(), 0f, "c_n");
            }
        } finally {
            dev.jtorch.Torch.setNumThreads(threads);
        }
    }

    @Test
    void lstmStackRefusesMisuseByName() {
        var f32 = dev.jtorch.tensor.DType.FLOAT32;
        var cpu = dev.jtorch.tensor.Device.CPU;
        Tensor gates = Tensor.zeros(new long[] {5, 1, 16}, f32, cpu), state = Tensor.zeros(new long[] {2, 1, 4}, f32, cpu);
        Tensor w = Tensor.zeros(new long[] {16, 4}, f32, cpu), b = Tensor.zeros(new long[] {16}, f32, cpu);
        try (var noGrad = dev.jtorch.tensor.GradMode.noGrad()) {
            var e = assertThrows(IllegalArgumentException.class, () -> dev.jtorch.tensor.Recurrent.lstmStack(gates, List.of(w, w), List.of(), List.of(b), state, state));
            assertTrue(e.getMessage().contains("weights_ih and biases for layers 1..L-1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> dev.jtorch.tensor.Recurrent.lstmStack(gates, List.of(w, w), List.of(w), List.of(b),
                    Tensor.zeros(new long[] {3, 1, 4}, f32, cpu), state));
            assertTrue(e.getMessage().contains("expected h0 and c0 of shape [2, 1, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> dev.jtorch.tensor.Recurrent.lstmStack(gates, List.of(w, Tensor.zeros(new long[] {16, 5}, f32, cpu)),
                    List.of(w), List.of(b), state, state));
            assertTrue(e.getMessage().contains("expected weights of shape [16, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> dev.jtorch.tensor.Recurrent.lstmStack(gates, List.of(w, w), List.of(w),
                    List.of(Tensor.zeros(new long[] {16}, dev.jtorch.tensor.DType.FLOAT64, cpu)), state, state));
            assertTrue(e.getMessage().contains("expected all tensors to be torch.float32, got torch.float64"), e.getMessage());
        }
        Tensor trained = Tensor.zeros(new long[] {16, 4}, f32, cpu).requiresGrad(true);
        var e = assertThrows(IllegalStateException.class, () -> dev.jtorch.tensor.Recurrent.lstmStack(gates, List.of(trained, w), List.of(w), List.of(b), state, state));
        assertTrue(e.getMessage().contains("runs without autograd"), e.getMessage());
    }

    @Test
    void initIsUniformOnPlusMinusOneOverSqrtHidden() {
        Generator.defaultGenerator().manualSeed(0);
        var lstm = new LSTM(4, 16);
        double bound = 1 / Math.sqrt(16), max = 0;
        for (Tensor p : lstm.parameters()) for (double v : p.toDoubleArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= bound && max > 0.9 * bound, "max |w| = " + max + ", bound " + bound);
    }

    @Test
    void reprIsPyTorchs() {
        assertEquals("LSTM(1, 64, num_layers=2, batch_first=True, dropout=0.2)", new LSTM(1, 64, RnnOptions.defaults().numLayers(2).batchFirst(true).dropout(0.2)).toString());
        assertEquals("GRU(3, 5, bias=False, bidirectional=True)", new GRU(3, 5, RnnOptions.defaults().bias(false).bidirectional(true)).toString());
        assertEquals("RNN(2, 3)", new RNN(2, 3, RNN.Nonlinearity.RELU, RnnOptions.defaults()).toString());
        assertEquals("RNNCell(2, 3, nonlinearity=relu)", new RNNCell(2, 3, true, RNN.Nonlinearity.RELU).toString());
        assertEquals("LSTMCell(2, 3, bias=False)", new LSTMCell(2, 3, false).toString());
        assertEquals("GRUCell(2, 3)", new GRUCell(2, 3).toString());
    }

    @Test
    void wrongFeatureSizeNamesBothSizes() {
        var lstm = new LSTM(3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(7, 2, 5)));
        assertEquals("input.size(-1) must be equal to input_size. Expected 3, got 5", e.getMessage());
        var gru = new GRU(3, 4);
        var packed = dev.jtorch.nn.PackedSequences.packPaddedSequence(Tensor.zeros(7, 2, 5), new long[] {7, 3}, false, true);
        assertEquals("input.size(-1) must be equal to input_size. Expected 3, got 5",
                assertThrows(IllegalArgumentException.class, () -> gru.forward(packed)).getMessage());
    }

    @Test
    void wrongHiddenShapeNamesBothShapes() {
        var gru = new GRU(8, 16, 2);
        Tensor x = Tensor.zeros(5, 4, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> gru.forward(x, Tensor.zeros(1, 4, 16)));
        assertEquals("Expected hidden size (2, 4, 16), got [1, 4, 16]", e.getMessage());
        var lstm = new LSTM(8, 16, 2);
        assertEquals("Expected hidden[0] size (2, 4, 16), got [1, 4, 16]",
                assertThrows(IllegalArgumentException.class, () -> lstm.forward(x, Tensor.zeros(1, 4, 16), Tensor.zeros(2, 4, 16))).getMessage());
        assertEquals("Expected hidden[1] size (2, 4, 16), got [2, 3, 16]",
                assertThrows(IllegalArgumentException.class, () -> lstm.forward(x, Tensor.zeros(2, 4, 16), Tensor.zeros(2, 3, 16))).getMessage());
        assertEquals("For batched 3-D input, hx should also be 3-D but got 2-D tensor",
                assertThrows(IllegalArgumentException.class, () -> gru.forward(x, Tensor.zeros(2, 16))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lstm.forward(x, Tensor.zeros(2, 4, 16), null)).getMessage().contains("both"));
    }

    @Test
    void otherInputErrorsArePyTorchs() {
        var rnn = new RNN(3, 4);
        assertEquals("RNN: Expected input to be 2D or 3D, got 4D instead",
                assertThrows(IllegalArgumentException.class, () -> rnn.forward(Tensor.zeros(1, 2, 3, 3))).getMessage());
        assertEquals("input must have the type torch.float32, got type torch.float64",
                assertThrows(IllegalArgumentException.class, () -> rnn.forward(Tensor.zeros(new long[] {2, 2, 3}, dev.jtorch.tensor.DType.FLOAT64))).getMessage());
        assertEquals("input has inconsistent input_size: got 5 expected 3",
                assertThrows(IllegalArgumentException.class, () -> new GRUCell(3, 4).forward(Tensor.zeros(2, 5))).getMessage());
        assertEquals("Input batch size 2 doesn't match hidden0 batch size 3",
                assertThrows(IllegalArgumentException.class, () -> new RNNCell(3, 4).forward(Tensor.zeros(2, 3), Tensor.zeros(3, 4))).getMessage());
        assertEquals("hidden1 has inconsistent hidden_size: got 5, expected 4",
                assertThrows(IllegalArgumentException.class, () -> new LSTMCell(3, 4).forward(Tensor.zeros(2, 3), Tensor.zeros(2, 4), Tensor.zeros(2, 5))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LSTM(3, 0));
        assertThrows(IllegalArgumentException.class, () -> RnnOptions.defaults().numLayers(0));
        assertThrows(IllegalArgumentException.class, () -> RnnOptions.defaults().dropout(1.5));
    }

    @Test
    void stateDictWithWrongShapesNamesTheParameter() {
        var source = new LSTM(3, 4, 2);
        var target = new LSTM(3, 5, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(source.stateDict()));
        assertTrue(e.getMessage().contains("size mismatch for weight_ih_l0: copying a param with shape torch.Size([16, 3]) from checkpoint, the shape in current model is torch.Size([20, 3])"), e.getMessage());
        assertTrue(e.getMessage().contains("size mismatch for weight_hh_l1"), e.getMessage());
        var gru = new GRU(3, 4, 2);
        var missing = assertThrows(IllegalArgumentException.class, () -> gru.loadStateDict(new GRU(3, 4, 1).stateDict()));
        assertTrue(missing.getMessage().contains("Missing key(s) in state_dict: \"weight_ih_l1\", \"weight_hh_l1\", \"bias_ih_l1\", \"bias_hh_l1\""), missing.getMessage());
        var grus = new GRU(3, 4, RnnOptions.defaults().bidirectional(true));
        var unexpected = assertThrows(IllegalArgumentException.class, () -> new GRU(3, 4).loadStateDict(grus.stateDict()));
        assertTrue(unexpected.getMessage().contains("Unexpected key(s) in state_dict: \"weight_ih_l0_reverse\""), unexpected.getMessage());
    }

    @Test
    void stateDictRoundTripsIntoAFreshModel() {
        Generator.defaultGenerator().manualSeed(1);
        var a = new GRU(3, 4, RnnOptions.defaults().numLayers(2).bidirectional(true));
        var b = new GRU(3, 4, RnnOptions.defaults().numLayers(2).bidirectional(true));
        Map<String, Tensor> copy = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> copy.put(k, v.clone()));
        b.loadStateDict(copy);
        Tensor x = Tensor.randn(4, 2, 3);
        assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray(), 0f);
    }

    @Test
    void dropoutActsBetweenLayersInTrainingOnly() {
        Generator.defaultGenerator().manualSeed(2);
        var lstm = new LSTM(3, 8, RnnOptions.defaults().numLayers(2).dropout(0.5));
        Tensor x = Tensor.randn(6, 2, 3);
        lstm.eval();
        float[] e1 = lstm.forward(x).toFloatArray(), e2 = lstm.forward(x).toFloatArray();
        assertArrayEquals(e1, e2, 0f);
        lstm.train();
        float[] t1 = lstm.forward(x).toFloatArray();
        assertNotEquals(java.util.Arrays.toString(e1), java.util.Arrays.toString(t1));
        // one layer has nothing to drop between: training changes nothing
        var single = new LSTM(3, 8, RnnOptions.defaults().dropout(0.5));
        single.train();
        float[] s1 = single.forward(x).toFloatArray();
        single.eval();
        assertArrayEquals(s1, single.forward(x).toFloatArray(), 0f);
    }

    @Test
    void outputShapesArePyTorchs() {
        var lstm = new LSTM(3, 4, RnnOptions.defaults().numLayers(2).bidirectional(true).batchFirst(true));
        var out = lstm.forward(Tensor.zeros(2, 7, 3), null, null);
        assertArrayEquals(new long[] {2, 7, 8}, out.output().shape());
        assertArrayEquals(new long[] {4, 2, 4}, out.hN().shape());
        assertArrayEquals(new long[] {4, 2, 4}, out.cN().shape());
        var cell = new LSTMCell(3, 4).forward(Tensor.zeros(3), (LSTMCell.State) null);
        assertArrayEquals(new long[] {4}, cell.h().shape());
        assertArrayEquals(new long[] {4}, cell.c().shape());
    }
}
