package dev.jtorch.cpu;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Recurrent;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.jtorch.cpu.ComposedReference.Layout;
import static dev.jtorch.cpu.ComposedReference.draw;
import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole-layer LSTM kernel and its backward against the composed form (the {@link Backend} defaults: a step
 * loop of matmul and the composed cell), in float32 and float64, forward and reverse, on batches that take the
 * GEMV-like and the tiled step products and a split over threads, with odd hidden sizes (vector rows with and
 * without a tail), and initial states and weights laid out as views (the weight's gather transpose and its
 * element-wise fallback).
 */
class LstmLayerKernelTest {
    private static final Set<String> COMPOSED_METHODS = Set.of("lstmLayer", "lstmLayerBackward", "lstmCell", "lstmCellBackward");

    /** The CPU backend with the recurrent primitives left at the interface's composed defaults. */
    private static final Backend COMPOSED = ComposedReference.backend(COMPOSED_METHODS);

    /**
     * {steps, batch, hidden}: one step; batches below and above a 4-row tile; a hidden size of 1023 (a long vector row
     * with a tail, a wide weight); batches of 8+ rows, whose float32 steps run against W_hh in panels, with partial
     * panels (4H = 68) and a backward reduction of two k blocks (4H = 260); and 40x64, big enough to be split over
     * threads (the last entry, see below).
     */
    private static final int[][] SHAPES = {{1, 1, 1}, {3, 1, 7}, {5, 3, 17}, {4, 7, 7}, {3, 17, 17}, {2, 5, 33}, {2, 2, 1023},
            {2, 9, 65}, {4, 40, 64}};

    private static double rtol(DType dtype) { return dtype == DType.FLOAT32 ? 1e-4 : 1e-11; }
    private static double atol(DType dtype) { return dtype == DType.FLOAT32 ? 1e-5 : 1e-12; }

    @Test
    void layerMatchesTheComposedStepLoop() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] tbh : SHAPES) {
                for (Layout layout : Layout.values()) {
                    for (boolean reverse : new boolean[] {false, true}) {
                        int steps = tbh[0], batch = tbh[1], hidden = tbh[2];
                        String what = "lstm layer " + dtype + " T=" + steps + " B=" + batch + " H=" + hidden + " " + layout + (reverse ? " reverse" : "");
                        long seed = steps * 1009L + batch * 31L + hidden;
                        LstmOperands in = LstmOperands.draw(dtype, steps, batch, hidden, seed, 1 / Math.sqrt(hidden), layout);
                        Tensor gates = in.inputGates(), weight = in.weightHh(), h0 = in.h0(), c0 = in.c0();

                        Tensor out = empty(dtype, 2, steps, batch, hidden), act = empty(dtype, steps, batch, 4 * hidden);
                        Tensor refOut = empty(dtype, 2, steps, batch, hidden), refAct = empty(dtype, steps, batch, 4 * hidden);
                        CPU.lstmLayer(gates, weight, h0, c0, reverse, out, act);
                        COMPOSED.lstmLayer(gates, weight, h0, c0, reverse, refOut, refAct);
                        assertClose(values(refOut), values(out), rtol(dtype), atol(dtype), what + " states");
                        assertClose(values(refAct), values(act), rtol(dtype), atol(dtype), what + " activated gates");
                        int first = reverse ? steps - 1 : 0;
                        List<Tensor> pre = gates.select(0, first).add(h0.matmul(weight.t())).chunk(4, 1);
                        Tensor expected = Tensor.cat(1, pre.get(0).sigmoid(), pre.get(1).sigmoid(), pre.get(2).tanh(), pre.get(3).sigmoid());
                        assertClose(values(expected), values(act.select(0, first)), rtol(dtype), atol(dtype), what + " first step's gates by definition");
                        // inference keeps no gates: the same states, from each thread's scratch block (within the
                        // tolerance: a product into scratch may take another GEMM path than one into the gates)
                        Tensor bare = empty(dtype, 2, steps, batch, hidden), composedBare = empty(dtype, 2, steps, batch, hidden);
                        CPU.lstmLayer(gates, weight, h0, c0, reverse, bare, null);
                        COMPOSED.lstmLayer(gates, weight, h0, c0, reverse, composedBare, null);
                        assertClose(values(out), values(bare), rtol(dtype), atol(dtype), what + " states without the gates kept");
                        assertClose(values(refOut), values(composedBare), rtol(dtype), atol(dtype), what + " composed states without the gates kept");

                        Tensor gradOut = tensor(dtype, new long[] {2, steps, batch, hidden}, draw(dtype, 2 * steps * batch * hidden, seed + 4, 1));
                        Tensor gradGates = empty(dtype, steps, batch, 4 * hidden), gradH0 = empty(dtype, batch, hidden), gradC0 = empty(dtype, batch, hidden);
                        Tensor refGates = empty(dtype, steps, batch, 4 * hidden), refH0 = empty(dtype, batch, hidden), refC0 = empty(dtype, batch, hidden);
                        CPU.lstmLayerBackward(refAct, weight, c0, refOut, reverse, gradOut, gradGates, gradH0, gradC0);
                        COMPOSED.lstmLayerBackward(refAct, weight, c0, refOut, reverse, gradOut, refGates, refH0, refC0);
                        assertClose(values(refGates), values(gradGates), rtol(dtype), atol(dtype), what + " gradGates");
                        assertClose(values(refH0), values(gradH0), rtol(dtype), atol(dtype), what + " gradH0");
                        assertClose(values(refC0), values(gradC0), rtol(dtype), atol(dtype), what + " gradC0");
                    }
                }
            }
        }
    }

    /**
     * W_hh's transpose is kept between calls ({@link TransposedWeights}); a weight written between two calls without
     * a version bump, as a captured graph's replay or an optimizer writes it, is still read as it is at the call.
     */
    @Test
    void weightWrittenBetweenCallsIsReadAsItIsNow() {
        DType dtype = DType.FLOAT32;
        int steps = 3, batch = 1, hidden = 17;
        LstmOperands in = LstmOperands.draw(dtype, steps, batch, hidden, 1, 0.25, Layout.CONTIGUOUS);
        Tensor gates = in.inputGates(), weight = in.weightHh(), h0 = in.h0(), c0 = in.c0();
        Tensor out = empty(dtype, 2, steps, batch, hidden), hg = empty(dtype, steps, batch, 4 * hidden);
        Tensor refOut = empty(dtype, 2, steps, batch, hidden), refHg = empty(dtype, steps, batch, 4 * hidden);
        CPU.lstmLayer(gates, weight, h0, c0, false, out, hg);
        double[] before = values(out);
        java.lang.foreign.MemorySegment w = ElementAccess.segment(weight);
        for (long i = 0; i < 4L * hidden * hidden; i += 5) ElementAccess.setDouble(w, dtype, weight.storageOffset() + i, 0.5);
        CPU.lstmLayer(gates, weight, h0, c0, false, out, hg);
        COMPOSED.lstmLayer(gates, weight, h0, c0, false, refOut, refHg);
        assertClose(values(refOut), values(out), rtol(dtype), atol(dtype), "states after the weight was written");
        assertNotEquals(before[before.length - 1], values(out)[before.length - 1], "the written weight changes the last state");
    }

    /** Each misuse of {@code Recurrent.lstmLayer} is refused with a message that names the shapes involved. */
    @Test
    void misuseIsRefusedWithTheShapes() {
        Tensor gates = empty(DType.FLOAT32, 3, 2, 8), weight = empty(DType.FLOAT32, 8, 2), state = empty(DType.FLOAT32, 2, 2);
        var flat = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstmLayer(empty(DType.FLOAT32, 2, 8), weight, state, state, false));
        assertTrue(flat.getMessage().contains("3-D") && flat.getMessage().contains("[2, 8]"), flat.getMessage());
        var noSteps = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstmLayer(empty(DType.FLOAT32, 0, 2, 8), weight, state, state, false));
        assertTrue(noSteps.getMessage().contains("at least one step"), noSteps.getMessage());
        var badWeight = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstmLayer(gates, empty(DType.FLOAT32, 2, 8), state, state, false));
        assertTrue(badWeight.getMessage().contains("weight_hh") && badWeight.getMessage().contains("[8, 2]"), badWeight.getMessage());
        var badGates = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstmLayer(empty(DType.FLOAT32, 3, 2, 6), weight, state, state, false));
        assertTrue(badGates.getMessage().contains("[2, 8]") && badGates.getMessage().contains("[2, 6]"), badGates.getMessage());
        var mismatched = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstmLayer(gates, weight, empty(DType.FLOAT32, 1, 2), state, false));
        assertTrue(mismatched.getMessage().contains("same shape"), mismatched.getMessage());
        var dtypes = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstmLayer(gates, empty(DType.FLOAT64, 8, 2), state, state, false));
        assertTrue(dtypes.getMessage().contains("float") || dtypes.getMessage().contains("FLOAT"), dtypes.getMessage());
    }

    /**
     * The largest shape above is big enough to be split over threads, so that path is the one compared, with rows
     * enough per thread for the panel products; shapes on one thread take both step forms.
     */
    @Test
    void theThreadedShapeIsAboveTheThreshold() {
        int[] last = SHAPES[SHAPES.length - 1];
        long work = (long) last[0] * last[1] * 4 * last[2] * last[2];
        assertTrue(work >= LstmLayerKernel.PARALLEL_MIN_WORK && last[1] >= 2 * LstmLayerKernel.MIN_ROWS_PER_THREAD, "work " + work);
        assertTrue(last[1] / 2 >= LstmLayerKernel.PANEL_MIN_ROWS);
        assertTrue(java.util.Arrays.stream(SHAPES).anyMatch(s -> s[1] < LstmLayerKernel.PANEL_MIN_ROWS));
        assertTrue(java.util.Arrays.stream(SHAPES).anyMatch(s -> s[1] >= LstmLayerKernel.PANEL_MIN_ROWS && 4 * s[2] > PanelProduct.KC));
    }

    /** The test would pass vacuously if the kernel and the composed form were one code path: they are not. */
    @Test
    void theReferenceIsTheComposedDefault() throws NoSuchMethodException {
        var kernel = CpuBackend.class.getMethod("lstmLayer", Tensor.class, Tensor.class, Tensor.class, Tensor.class, boolean.class, Tensor.class, Tensor.class);
        assertNotEquals(Backend.class, kernel.getDeclaringClass());
    }
}
