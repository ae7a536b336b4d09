package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import static dev.jtorch.cpu.ComposedReference.Layout;
import static dev.jtorch.cpu.ComposedReference.matrix;
import static dev.jtorch.cpu.TestTensors.tensor;

/** An LSTM layer's inputs for the kernel tests: input gates [T, B, 4H] in (-2, 2), W_hh [4H, H], h0 and c0 [B, H]. */
record LstmOperands(Tensor inputGates, Tensor weightHh, Tensor h0, Tensor c0) {
    /** Drawn from seeds seed to seed + 3, W_hh within weightBound; W_hh, h0 and c0 in the given layout. */
    static LstmOperands draw(DType dtype, int steps, int batch, int hidden, long seed, double weightBound, Layout layout) {
        return new LstmOperands(
                tensor(dtype, new long[] {steps, batch, 4 * hidden}, ComposedReference.draw(dtype, steps * batch * 4 * hidden, seed, 2)),
                matrix(dtype, 4 * hidden, hidden, ComposedReference.draw(dtype, 4 * hidden * hidden, seed + 1, weightBound), layout),
                matrix(dtype, batch, hidden, ComposedReference.draw(dtype, batch * hidden, seed + 2, 1), layout),
                matrix(dtype, batch, hidden, ComposedReference.draw(dtype, batch * hidden, seed + 3, 1), layout));
    }
}
