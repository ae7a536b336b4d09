package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jtorch.cpu.TestTensors.*;

class MatmulKernelsTest {

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64", "INT32"})
    void batchedProductOfTransposedAndBroadcastOperands(DType t) {
        int[][] sizes = {{1, 1, 1, 1}, {2, 7, 17, 5}, {3, 17, 7, 17}, {2, 3, 0, 4}};
        for (int[] s : sizes) {
            int batches = s[0], m = s[1], k = s[2], n = s[3];
            // a: [B, M, K] read transposed out of a [B, K, M] storage
            double[] aStore = asStored(t, smallInts(batches * k * m, m));
            Tensor a = tensor(t, new long[]{Math.max(1, aStore.length)}, aStore.length == 0 ? new double[1] : aStore)
                    .asStrided(new long[]{batches, m, k}, new long[]{(long) k * m, 1, m}, 0);
            // b: one [K, N] matrix broadcast over the batch (stride 0)
            double[] bStore = asStored(t, smallInts(k * n, n + 1));
            Tensor b = tensor(t, new long[]{Math.max(1, bStore.length)}, bStore.length == 0 ? new double[1] : bStore)
                    .asStrided(new long[]{batches, k, n}, new long[]{0, n, 1}, 0);
            Tensor out = empty(t, batches, m, n);
            CPU.fill(out, 99);
            CPU.matmul(a, b, out);
            double[] expected = new double[batches * m * n];
            for (int bi = 0; bi < batches; bi++) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) acc += aStore[bi * k * m + p * m + i] * bStore[p * n + j];
                expected[(bi * m + i) * n + j] = acc;
            }
            assertClose(expected, values(out), t == DType.FLOAT32 ? 1e-6 : 1e-12, 0, "matmul " + t + " " + java.util.Arrays.toString(s));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64", "INT32"})
    void addmmAddsTheBiasToEveryRow(DType t) {
        // floats through the GEMM's epilogue, integers through Backend's default; an empty reduction leaves the bias
        int[][] sizes = {{1, 1, 1}, {7, 17, 1023}, {17, 7, 17}, {3, 0, 4}, {0, 5, 3}};
        for (int[] s : sizes) {
            int m = s[0], k = s[1], n = s[2];
            // a: [1, M, K] read transposed out of a [K, M] storage, as F.linear's weight^T is
            double[] aStore = asStored(t, smallInts(k * m, m));
            Tensor a = tensor(t, new long[]{Math.max(1, aStore.length)}, aStore.length == 0 ? new double[1] : aStore)
                    .asStrided(new long[]{1, m, k}, new long[]{(long) k * m, 1, m}, 0);
            double[] bStore = asStored(t, smallInts(k * n, n + 1));
            Tensor b = tensor(t, new long[]{Math.max(1, bStore.length)}, bStore.length == 0 ? new double[1] : bStore)
                    .asStrided(new long[]{1, k, n}, new long[]{(long) k * n, n, 1}, 0);
            double[] biasStore = asStored(t, smallInts(n, 5));
            Tensor bias = tensor(t, new long[]{n}, biasStore);
            Tensor out = empty(t, 1, m, n);
            CPU.fill(out, 99);
            CPU.addmm(bias, a, b, out);
            double[] expected = new double[m * n];
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double acc = biasStore[j];
                for (int p = 0; p < k; p++) acc += aStore[p * m + i] * bStore[p * n + j];
                expected[i * n + j] = acc;
            }
            assertClose(expected, values(out), t == DType.FLOAT32 ? 1e-6 : 1e-12, 0, "addmm " + t + " " + java.util.Arrays.toString(s));
        }
    }
}
