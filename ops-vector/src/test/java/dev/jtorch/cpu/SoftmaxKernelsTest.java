package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.jtorch.cpu.TestTensors.*;

/** The fused float32 softmax rows against the definition in double, on odd row lengths and through views. */
class SoftmaxKernelsTest {

    private static double[] reference(double[] x, int rows, int n, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < n; i++) max = Math.max(max, x[r * n + i]);
            for (int i = 0; i < n; i++) sum += Math.exp(x[r * n + i] - max);
            for (int i = 0; i < n; i++) y[r * n + i] = log ? x[r * n + i] - max - Math.log(sum) : Math.exp(x[r * n + i] - max) / sum;
        }
        return y;
    }

    @Test
    void fusedRowsMatchTheDefinition() {
        for (int n : new int[] {1, 7, 17, 1023}) {
            for (boolean log : new boolean[] {false, true}) {
                int rows = 3;
                double[] x = asStored(DType.FLOAT32, uniform(rows * n, n, -30, 30));
                Tensor src = tensor(DType.FLOAT32, new long[] {rows, n}, x), dst = empty(DType.FLOAT32, rows, n);
                CPU.softmax(src, 1, log, dst);
                assertClose(reference(x, rows, n, log), values(dst), 1e-5, 1e-6, (log ? "log_softmax " : "softmax ") + n);
            }
        }
    }

    @Test
    void otherDimsAndViewsTakeTheComposedPath() {
        int rows = 7, n = 17;
        double[] x = asStored(DType.FLOAT32, uniform(rows * n, 3, -5, 5));
        // softmax over dim 0 of the transposed [n, rows] view is softmax over the rows of x
        Tensor t = tensor(DType.FLOAT32, new long[] {rows, n}, x).transpose(0, 1);
        for (boolean log : new boolean[] {false, true}) {
            Tensor dst = empty(DType.FLOAT32, n, rows);
            CPU.softmax(t, 0, log, dst);
            double[] want = reference(x, rows, n, log), got = values(dst.transpose(0, 1));
            assertClose(want, got, 1e-5, 1e-6, "softmax over a view, log=" + log);
        }
    }
}
