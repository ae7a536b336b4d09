package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jtorch.nn.Tensors.assertShape;
import static dev.jtorch.nn.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter and buffer names, shapes, order and initialisation; state dict round trips. */
class ModuleStateTest {

    static final class ResidualBlock extends Module {
        final Conv2d conv1 = Conv2d.builder(2, 2, 3).padding(1).bias(false).build();
        final BatchNorm2d bn1 = new BatchNorm2d(2);
        final Linear fc = new Linear(2, 3);

        @Override public Tensor forward(Tensor x) {
            Tensor y = F.relu(bn1.forward(conv1.forward(x))).add(x);
            return fc.forward(F.adaptiveAvgPool2d(y, 1).flatten(1, -1));
        }
    }

    @Test
    void sequentialParameterNames() {
        Sequential seq = ModuleReprTest.leNetLike();
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "10.weight", "10.bias", "12.weight"),
                List.copyOf(seq.namedParameters().keySet()));
        assertShape(seq.namedParameters().get("0.weight"), 6, 1, 5, 5);
        assertShape(seq.namedParameters().get("7.weight"), 120, 400);
        assertEquals(14, seq.size());
        assertTrue(seq.get(-1) instanceof LogSoftmax);
        assertShape(seq.forward(Tensor.randn(2, 1, 28, 28)), 2, 10);
    }

    @Test
    void customModuleStateDictKeysInPyTorchOrder() {
        ModuleReprTest.Net net = new ModuleReprTest.Net();
        assertEquals(List.of("features.0.weight", "features.1.weight", "features.1.bias",
                        "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
                        "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "blocks.2.weight", "blocks.2.bias",
                        "head.cls.weight", "head.cls.bias", "norm.weight", "norm.bias"),
                List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked"),
                List.copyOf(net.namedBuffers().keySet()));
        assertShape(net.forward(Tensor.randn(2, 3, 4, 4)), 2, 10);
    }

    @Test
    void bufferNamesAndInitialValues() {
        ResidualBlock block = new ResidualBlock();
        Map<String, Tensor> state = block.stateDict();
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked", "fc.weight", "fc.bias"),
                List.copyOf(state.keySet()));
        assertArrayEquals(new double[] {1, 1}, state.get("bn1.weight").toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, state.get("bn1.bias").toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, state.get("bn1.running_mean").toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, state.get("bn1.running_var").toDoubleArray());
        Tensor tracked = state.get("bn1.num_batches_tracked");
        assertEquals(DType.INT64, tracked.dtype());
        assertEquals(0, tracked.dim());
        assertEquals(0, tracked.item());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "fc.weight", "fc.bias"), List.copyOf(block.namedParameters().keySet()));
    }

    @Test
    void stateDictRoundTripCopiesValuesAndRunningStats() {
        ResidualBlock source = new ResidualBlock(), target = new ResidualBlock();
        source.forward(Tensor.randn(4, 2, 3, 3)); // moves the running statistics away from their initial values
        Map<String, Tensor> saved = source.stateDict();
        target.loadStateDict(saved);
        for (var e : target.stateDict().entrySet()) {
            assertArrayEquals(saved.get(e.getKey()).toDoubleArray(), e.getValue().toDoubleArray(), e.getKey());
        }
        assertEquals(1, target.bn1.numBatchesTracked().item());
        source.eval();
        target.eval();
        Tensor x = Tensor.randn(2, 2, 3, 3);
        assertArrayEquals(source.forward(x).toFloatArray(), target.forward(x).toFloatArray());
        // loading writes into the live parameters: the module keeps the tensors it had
        assertSame(target.fc.weight(), target.namedParameters().get("fc.weight"));
        assertTrue(target.fc.weight().requiresGrad());
    }

    @Test
    void strictLoadListsMissingAndUnexpectedKeys() {
        ResidualBlock block = new ResidualBlock();
        Map<String, Tensor> state = new HashMap<>(block.stateDict());
        state.remove("bn1.running_var");
        state.put("fc2.weight", Tensor.zeros(3, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> block.loadStateDict(state));
        assertTrue(e.getMessage().startsWith("Error(s) in loading state_dict for ResidualBlock:"), e.getMessage());
        assertTrue(e.getMessage().contains("Missing key(s) in state_dict: \"bn1.running_var\"."), e.getMessage());
        assertTrue(e.getMessage().contains("Unexpected key(s) in state_dict: \"fc2.weight\"."), e.getMessage());

        Module.IncompatibleKeys keys = block.loadStateDict(state, false);
        assertEquals(List.of("bn1.running_var"), keys.missingKeys());
        assertEquals(List.of("fc2.weight"), keys.unexpectedKeys());
    }

    @Test
    void defaultInitialisationBounds() {
        Generator.defaultGenerator().manualSeed(0);
        Linear linear = new Linear(50, 40);
        double bound = 1 / Math.sqrt(50);
        checkWithin(linear.weight(), bound);
        checkWithin(linear.bias(), bound);
        Conv2d conv = new Conv2d(3, 8, 3);
        checkWithin(conv.weight(), 1 / Math.sqrt(27));
        for (double v : conv.bias().toDoubleArray()) assertTrue(Math.abs(v) <= 1 / Math.sqrt(27));
        assertTrue(linear.weight().isLeaf() && linear.weight().requiresGrad());
        // uniform on [-b, b] has standard deviation b / sqrt(3)
        assertEquals(bound / Math.sqrt(3), linear.weight().toDouble().std().item(), bound * 0.05);
    }

    private static void checkWithin(Tensor t, double bound) {
        double max = 0;
        for (double v : t.toDoubleArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= bound && max > bound * 0.8, "max |value| " + max + " vs bound " + bound);
    }

    @Test
    void initFunctions() {
        Generator.defaultGenerator().manualSeed(1);
        Tensor w = Tensor.empty(200, 100).requiresGrad(true);
        Init.kaimingNormal_(w, 0, Init.FanMode.FAN_IN, "relu");
        assertEquals(Math.sqrt(2.0 / 100), w.toDouble().std().item(), 0.003);
        assertTrue(w.isLeaf());
        Init.kaimingUniform_(w, 0, "fan_out", "relu");
        assertEquals(Math.sqrt(2.0 / 200), w.toDouble().std().item(), 0.003);
        Init.xavierUniform_(w, 2);
        double xavierBound = 2 * Math.sqrt(6.0 / 300);
        checkWithin(w, xavierBound);
        Init.xavierNormal_(w);
        assertEquals(Math.sqrt(2.0 / 300), w.toDouble().std().item(), 0.003);
        Init.normal_(w, 3, 0.5);
        assertEquals(3, w.toDouble().mean().item(), 0.02);
        Init.uniform_(w, -1, 2);
        checkWithin(Init.uniform_(w, -1, 2).sub(0.5), 1.5);
        assertArrayEquals(new double[] {2.5, 2.5}, Init.constant_(Tensor.empty(2), 2.5).toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, Init.zeros_(Tensor.empty(2)).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, Init.ones_(Tensor.empty(2)).toDoubleArray());

        Generator.defaultGenerator().manualSeed(5);
        double[] first = Init.kaimingUniform_(Tensor.empty(3, 3)).toDoubleArray();
        Generator.defaultGenerator().manualSeed(5);
        assertArrayEquals(first, Init.kaimingUniform_(Tensor.empty(3, 3)).toDoubleArray());
    }

    @Test
    void gains() {
        assertEquals(1, Init.calculateGain("conv2d"));
        assertEquals(5.0 / 3, Init.calculateGain("tanh"));
        assertEquals(Math.sqrt(2), Init.calculateGain("relu"));
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain("leaky_relu"));
        assertEquals(Math.sqrt(1.0 / 3), Init.calculateGain("leaky_relu", Math.sqrt(5)), 1e-15);
        assertEquals(0.75, Init.calculateGain("selu"));
        assertEquals("Unsupported nonlinearity swish", assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("swish")).getMessage());
        assertEquals(new Init.Fans(3 * 25, 6 * 25), Init.calculateFanInAndFanOut(Tensor.empty(6, 3, 5, 5)));
        assertThrows(IllegalArgumentException.class, () -> Init.calculateFanInAndFanOut(Tensor.empty(4)));
    }

    @Test
    void containers() {
        ModuleDict dict = new ModuleDict();
        dict.put("b", new ReLU()).put("a", new Tanh());
        assertEquals(List.of("b", "a"), List.copyOf(dict.keys()));
        assertTrue(dict.get("a") instanceof Tanh);
        ModuleList list = new ModuleList().append(new Linear(1, 1)).append(new ReLU());
        assertEquals(2, list.size());
        assertTrue(list.get(-1) instanceof ReLU);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(list.namedParameters().keySet()));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(2));
        Sequential seq = new Sequential().add(new Linear(2, 3)).add(new ReLU());
        assertEquals(List.of("0", "1"), List.copyOf(seq.namedChildren().keySet()));
        Sequential named = new Sequential(ModuleReprTest.orderedOf("fc", new Linear(2, 2), "act", new ReLU()));
        assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(named.namedParameters().keySet()));
        named.eval();
        assertFalse(named.get(0).isTraining());
    }

    @Test
    void forwardChainsCallSoHooksRun() {
        Sequential seq = new Sequential(new Identity(), new Identity());
        int[] calls = {0};
        seq.get(1).registerForwardHook((m, in, out) -> {
            calls[0]++;
            return out.mul(2);
        });
        Tensor x = randn(1, 3);
        assertArrayEquals(x.mul(2).toDoubleArray(), seq.forward(x).toDoubleArray());
        assertEquals(1, calls[0]);
    }
}
