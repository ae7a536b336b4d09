package dev.jtorch.cpu;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.jtorch.cpu.ComposedReference.draw;
import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The side-by-side LSTM stack against the layer-by-layer default ({@code Backend.lstmStack}'s body: the CPU's
 * lstmLayer, then addmm for the next layer's input), bit for bit: the bench's batch-1 shape, hidden sizes below
 * one strip and with a vector tail, batches of 2 and 3 rows, more layers than threads, one thread and a hidden size
 * the kernel leaves to the default, a second call on the kept strips, and a call after a weight changed in place.
 */
class LstmStackKernelTest {
    private static final Backend LAYER_BY_LAYER = ComposedReference.backend(Set.of("lstmStack"));
    private static final int THREADS = IntraOpPool.numThreads();

    /** {layers, steps, batch, hidden, threads}. */
    private static final int[][] CASES = {{2, 30, 1, 64, 2}, {2, 9, 1, 20, 2}, {3, 7, 2, 36, 2}, {3, 7, 2, 36, 3},
            {2, 30, 3, 64, 2}, {4, 8, 1, 12, 2}, {2, 30, 1, 64, 1}, {3, 7, 2, 33, 2}};

    @AfterEach
    void restoreThreads() { IntraOpPool.setNumThreads(THREADS); }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void stackGivesTheLayerByLayerBits(int index) {
        int[] c = CASES[index];
        int layers = c[0], steps = c[1], batch = c[2], hidden = c[3], threads = c[4];
        IntraOpPool.setNumThreads(threads);
        long seed = 7919L * index;
        double bound = 1 / Math.sqrt(hidden);
        Tensor gates = tensor(DType.FLOAT32, new long[] {steps, batch, 4L * hidden}, draw(DType.FLOAT32, steps * batch * 4 * hidden, seed, 1));
        Tensor h0 = tensor(DType.FLOAT32, new long[] {layers, batch, hidden}, draw(DType.FLOAT32, layers * batch * hidden, seed + 1, 1));
        Tensor c0 = tensor(DType.FLOAT32, new long[] {layers, batch, hidden}, draw(DType.FLOAT32, layers * batch * hidden, seed + 2, 1));
        List<Tensor> weightsHh = new ArrayList<>(), weightsIh = new ArrayList<>(), biases = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            weightsHh.add(tensor(DType.FLOAT32, new long[] {4L * hidden, hidden}, draw(DType.FLOAT32, 4 * hidden * hidden, seed + 10 + l, bound)));
            if (l == 0) continue;
            weightsIh.add(tensor(DType.FLOAT32, new long[] {4L * hidden, hidden}, draw(DType.FLOAT32, 4 * hidden * hidden, seed + 20 + l, bound)));
            biases.add(tensor(DType.FLOAT32, new long[] {4L * hidden}, draw(DType.FLOAT32, 4 * hidden, seed + 30 + l, bound)));
        }
        String what = "L=" + layers + " T=" + steps + " B=" + batch + " H=" + hidden + " threads=" + threads;
        // 4H = 132 ends in a partial vector; one thread runs the layers one after the other in the kernel, but a
        // module is told to go layer by layer
        assertTrue(LstmStackKernel.handles(gates, weightsHh, weightsIh, biases, h0, c0,
                empty(DType.FLOAT32, steps, batch, hidden), empty(DType.FLOAT32, layers, batch, hidden), empty(DType.FLOAT32, layers, batch, hidden)),
                what + ": whether the kernel takes it");
        assertEquals(threads > 1, CPU.prefersLstmStack(DType.FLOAT32, steps, batch, hidden, layers),
                what + ": whether a module should call it");
        for (int call = 0; call < 3; call++) {
            if (call == 2) {   // a weight written in place between calls: the kept strips must not be used
                Tensor w = weightsHh.get(layers - 1);
                w.copy_(tensor(DType.FLOAT32, w.shape(), draw(DType.FLOAT32, (int) w.numel(), seed + 99, bound)));
            }
            Tensor[] expected = run(LAYER_BY_LAYER, gates, weightsHh, weightsIh, biases, h0, c0);
            Tensor[] actual = run(CPU, gates, weightsHh, weightsIh, biases, h0, c0);
            String[] names = {"output", "h_n", "c_n"};
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(values(expected[i]), values(actual[i]), 0.0, what + " call " + call + ": " + names[i]);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void productsSgemmSumsInAnotherOrderStayLayerByLayer() {
        // five steps of one row: below AVX-512's 8-row tile Sgemm's direct path forms the default's input projection
        IntraOpPool.setNumThreads(2);
        assertEquals(5 >= PanelProduct.kernel().mr, CPU.prefersLstmStack(DType.FLOAT32, 5, 1, 20, 2));
        assertTrue(!CPU.prefersLstmStack(DType.FLOAT32, 30, 1, 4, 2), "k = 4: Sgemm's direct path");
    }

    private static Tensor[] run(Backend backend, Tensor gates, List<Tensor> weightsHh, List<Tensor> weightsIh, List<Tensor> biases,
                                Tensor h0, Tensor c0) {
        int layers = weightsHh.size(), steps = (int) gates.size(0), batch = (int) gates.size(1), hidden = (int) h0.size(2);
        Tensor out = empty(DType.FLOAT32, steps, batch, hidden);
        Tensor hN = empty(DType.FLOAT32, layers, batch, hidden), cN = empty(DType.FLOAT32, layers, batch, hidden);
        backend.lstmStack(gates, weightsHh, weightsIh, biases, h0, c0, out, hN, cN);
        return new Tensor[] {out, hN, cN};
    }
}
