package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jtorch.cpu.ComposedReference.Layout;
import static dev.jtorch.cpu.ComposedReference.draw;
import static dev.jtorch.cpu.ComposedReference.matrix;
import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recurrent kernels' steady-state heap allocation (in the allocation tests' own JVM, see the build). */
class RecurrentAllocationTest {
    /**
     * A training batch's layer, forward then backward, allocates next to nothing per call once compiled (a record per
     * step's product). A vector that a call C2 did not inline boxes is a heap object per vector: the backward's cell
     * rows once allocated about 1 MB per call of this size that way, the float64 rows 2.0 MB.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void forwardAndBackwardAllocateNextToNothingInSteadyState(DType dtype) {
        int steps = 30, batch = 16, hidden = 64;
        LstmOperands in = LstmOperands.draw(dtype, steps, batch, hidden, 5, 0.125, Layout.CONTIGUOUS);
        Tensor gates = in.inputGates(), weight = in.weightHh(), h0 = in.h0(), c0 = in.c0();
        Tensor out = empty(dtype, 2, steps, batch, hidden), act = empty(dtype, steps, batch, 4 * hidden);
        Tensor gradOut = tensor(dtype, new long[] {2, steps, batch, hidden}, draw(dtype, 2 * steps * batch * hidden, 9, 1));
        Tensor gradGates = empty(dtype, steps, batch, 4 * hidden), gradH0 = empty(dtype, batch, hidden), gradC0 = empty(dtype, batch, hidden);
        Runnable call = () -> {
            CPU.lstmLayer(gates, weight, h0, c0, false, out, act);
            CPU.lstmLayerBackward(act, weight, c0, out, false, gradOut, gradGates, gradH0, gradC0);
        };
        int saved = IntraOpPool.numThreads();
        IntraOpPool.setNumThreads(1);
        try {
            long bound = 4096L * SteadyStateAllocation.CALLS_PER_WINDOW, least = SteadyStateAllocation.leastBytesPerWindow(1500, bound, call);
            assertTrue(least <= bound, dtype + ": " + least / SteadyStateAllocation.CALLS_PER_WINDOW + " bytes per forward and backward");
        } finally {
            IntraOpPool.setNumThreads(saved);
        }
    }

    /**
     * A GRU cell's step, forward then backward, at a training batch, allocates nothing once compiled (the GRU runs
     * a cell per step, so a layer calls these 2 x steps times per training step).
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void gruCellForwardAndBackwardAllocateNothingInSteadyState(DType dtype) {
        int batch = 64, hidden = 64;
        Tensor gi = matrix(dtype, batch, 3 * hidden, draw(dtype, batch * 3 * hidden, 10, 2), Layout.CONTIGUOUS);
        Tensor gh = matrix(dtype, batch, 3 * hidden, draw(dtype, batch * 3 * hidden, 11, 2), Layout.CONTIGUOUS);
        Tensor h = matrix(dtype, batch, hidden, draw(dtype, batch * hidden, 12, 1), Layout.CONTIGUOUS);
        Tensor gradOut = matrix(dtype, batch, hidden, draw(dtype, batch * hidden, 13, 1), Layout.CONTIGUOUS);
        Tensor out = empty(dtype, batch, hidden), gradGi = empty(dtype, batch, 3 * hidden), gradGh = empty(dtype, batch, 3 * hidden);
        Tensor gradH = empty(dtype, batch, hidden);
        int saved = IntraOpPool.numThreads();
        IntraOpPool.setNumThreads(1);
        try {
            SteadyStateAllocation.assertAllocatesNothing(dtype + " GRU cell", () -> {
                CPU.gruCell(gi, gh, h, out);
                CPU.gruCellBackward(gi, gh, h, gradOut, gradGi, gradGh, gradH);
            });
        } finally {
            IntraOpPool.setNumThreads(saved);
        }
    }
}
