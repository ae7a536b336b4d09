package dev.jtorch.cpu;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Set;

import static dev.jtorch.cpu.ComposedReference.Layout;
import static dev.jtorch.cpu.ComposedReference.draw;
import static dev.jtorch.cpu.ComposedReference.matrix;
import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The fused LSTM and GRU cells and their gradients against the composed form (the {@link Backend} interface's
 * defaults: chunk, sigmoid, tanh, mul, add), in float32 and float64, on odd batch and hidden sizes (vector
 * rows with and without a tail, tail only, threaded rows) and on views: unit-stride rows with a gap between
 * them (vector path) and transposed operands (plain path).
 */
class RecurrentKernelsTest {
    private static final Set<String> FUSED = Set.of("lstmCell", "lstmCellBackward", "gruCell", "gruCellBackward");

    /** The CPU backend with the recurrent primitives left at the interface's composed defaults. */
    private static final Backend COMPOSED = ComposedReference.backend(FUSED);

    private static final int[][] SHAPES = {{1, 1}, {1, 7}, {7, 17}, {17, 7}, {17, 17}, {3, 1023}, {17, 1023}};

    private static double rtol(DType dtype) { return dtype == DType.FLOAT32 ? 2e-5 : 1e-12; }
    private static double atol(DType dtype) { return dtype == DType.FLOAT32 ? 2e-6 : 1e-13; }

    @Test
    void lstmCellMatchesTheComposedForm() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] bh : SHAPES) {
                for (Layout layout : Layout.values()) {
                    int batch = bh[0], hidden = bh[1];
                    String what = "lstm " + dtype + " B=" + batch + " H=" + hidden + " " + layout;
                    long seed = batch * 31L + hidden;
                    Tensor ig = matrix(dtype, batch, 4 * hidden, draw(dtype, batch * 4 * hidden, seed, 3), layout);
                    Tensor hg = matrix(dtype, batch, 4 * hidden, draw(dtype, batch * 4 * hidden, seed + 1, 3), layout);
                    Tensor c = matrix(dtype, batch, hidden, draw(dtype, batch * hidden, seed + 2, 2), layout);

                    Tensor fused = empty(dtype, 2, batch, hidden), composed = empty(dtype, 2, batch, hidden);
                    CPU.lstmCell(ig, hg, c, fused);
                    COMPOSED.lstmCell(ig, hg, c, composed);
                    assertClose(values(composed), values(fused), rtol(dtype), atol(dtype), what + " forward");

                    Tensor gradOut = stacked(dtype, batch, hidden, draw(dtype, 2 * batch * hidden, seed + 3, 1), layout);
                    Tensor gradGates = empty(dtype, batch, 4 * hidden), gradC = empty(dtype, batch, hidden);
                    Tensor refGates = empty(dtype, batch, 4 * hidden), refC = empty(dtype, batch, hidden);
                    CPU.lstmCellBackward(ig, hg, c, gradOut, gradGates, gradC);
                    COMPOSED.lstmCellBackward(ig, hg, c, gradOut, refGates, refC);
                    assertClose(values(refGates), values(gradGates), rtol(dtype), atol(dtype), what + " gradGates");
                    assertClose(values(refC), values(gradC), rtol(dtype), atol(dtype), what + " gradC");
                }
            }
        }
    }

    @Test
    void gruCellMatchesTheComposedForm() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] bh : SHAPES) {
                for (Layout layout : Layout.values()) {
                    int batch = bh[0], hidden = bh[1];
                    String what = "gru " + dtype + " B=" + batch + " H=" + hidden + " " + layout;
                    long seed = batch * 37L + hidden;
                    Tensor gi = matrix(dtype, batch, 3 * hidden, draw(dtype, batch * 3 * hidden, seed, 3), layout);
                    Tensor gh = matrix(dtype, batch, 3 * hidden, draw(dtype, batch * 3 * hidden, seed + 1, 3), layout);
                    Tensor h = matrix(dtype, batch, hidden, draw(dtype, batch * hidden, seed + 2, 1), layout);

                    Tensor fused = empty(dtype, batch, hidden), composed = empty(dtype, batch, hidden);
                    CPU.gruCell(gi, gh, h, fused);
                    COMPOSED.gruCell(gi, gh, h, composed);
                    assertClose(values(composed), values(fused), rtol(dtype), atol(dtype), what + " forward");

                    Tensor gradOut = matrix(dtype, batch, hidden, draw(dtype, batch * hidden, seed + 3, 1), layout);
                    Tensor gradGi = empty(dtype, batch, 3 * hidden), gradGh = empty(dtype, batch, 3 * hidden), gradH = empty(dtype, batch, hidden);
                    Tensor refGi = empty(dtype, batch, 3 * hidden), refGh = empty(dtype, batch, 3 * hidden), refH = empty(dtype, batch, hidden);
                    CPU.gruCellBackward(gi, gh, h, gradOut, gradGi, gradGh, gradH);
                    COMPOSED.gruCellBackward(gi, gh, h, gradOut, refGi, refGh, refH);
                    assertClose(values(refGi), values(gradGi), rtol(dtype), atol(dtype), what + " gradInputGates");
                    assertClose(values(refGh), values(gradGh), rtol(dtype), atol(dtype), what + " gradHiddenGates");
                    assertClose(values(refH), values(gradH), rtol(dtype), atol(dtype), what + " gradH");
                }
            }
        }
    }

    /** The test would pass vacuously if the fused and the composed form were one code path: they are not. */
    @Test
    void theReferenceIsTheComposedDefault() throws NoSuchMethodException {
        Method fused = CpuBackend.class.getMethod("lstmCell", Tensor.class, Tensor.class, Tensor.class, Tensor.class);
        assertNotEquals(Backend.class, fused.getDeclaringClass());
    }

    /** A [2, rows, cols] gradient whose two slices are laid out as asked. */
    private static Tensor stacked(DType dtype, int rows, int cols, double[] v, Layout layout) {
        int n = rows * cols;
        return switch (layout) {
            case CONTIGUOUS -> tensor(dtype, new long[] {2, rows, cols}, v);
            case ROW_STRIDED -> {
                int wide = cols + 3;
                double[] w = new double[2 * rows * wide];
                for (int r = 0; r < 2 * rows; r++) System.arraycopy(v, r * cols, w, r * wide + 2, cols);
                yield tensor(dtype, new long[] {2, rows, wide}, w).narrow(2, 2, cols);
            }
            case TRANSPOSED -> {
                double[] t = new double[v.length];
                for (int s = 0; s < 2; s++)
                    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[s * n + c * rows + r] = v[s * n + r * cols + c];
                yield tensor(dtype, new long[] {2, cols, rows}, t).transpose(1, 2);
            }
        };
    }
}
