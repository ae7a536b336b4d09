package dev.jtorch.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PanelProduct} against {@link Sgemm#reference} on odd sizes, with operands read through strides (A
 * transposed, B with a row pitch wider than its columns), over sub-ranges of panels, overwriting and accumulating.
 */
class PanelProductTest {

    /** An operand over a strided heap matrix: element (line, step) at {@code at + line*lineStride + step*stepStride}. */
    private static float[] values(int count, int seed) {
        float[] v = new float[count];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextDouble(-1, 1);
        return v;
    }

    @Test
    void matchesTheReferenceOnOddSizesThroughStrides() {
        int[] sizes = {1, 7, 17, 1023};
        SgemmMicroKernel kern = PanelProduct.kernel();
        for (int m : sizes) for (int n : sizes) for (int k : sizes) {
            if ((long) m * n * k > 20_000_000L) continue;
            // A (m x k) stored transposed (k x m) after 3 leading floats; B (k x n) row-major with a pitch of n + 5
            float[] a = values(3 + k * m, 1), b = values(k * (n + 5), 2), start = values(m * n, 3);
            var aOp = new PanelProduct.HeapMatrix(a, 3, 1, m, m);
            var bOp = new PanelProduct.HeapMatrix(b, 0, 1, n + 5, n);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] c = start.clone(), expected = start.clone();
                Sgemm.reference(m, n, k, 1f, MemorySegment.ofArray(a), 3, 1, m, MemorySegment.ofArray(b), 0, n + 5, 1,
                        accumulate ? 1f : 0f, MemorySegment.ofArray(expected), 0, n);
                int rowPanels = Math.ceilDiv(m, kern.mr), colPanels = Math.ceilDiv(n, kern.nr);
                // in two column ranges, as two threads would take them
                int split = colPanels / 2;
                PanelProduct.multiply(aOp, bOp, m, n, k, 0, rowPanels, 0, split, accumulate, MemorySegment.ofArray(c), 0, n);
                PanelProduct.multiply(aOp, bOp, m, n, k, 0, rowPanels, split, colPanels, accumulate, MemorySegment.ofArray(c), 0, n);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(expected[i], c[i], 1e-4 * Math.sqrt(k) + 1e-5 * Math.abs(expected[i]),
                            m + "x" + n + "x" + k + (accumulate ? " accumulating" : "") + " element " + i);
                }
            }
        }
    }

    @Test
    void rowRangesLeaveTheOtherRowsAlone() {
        int m = 17, n = 7, k = 9;
        SgemmMicroKernel kern = PanelProduct.kernel();
        float[] a = values(m * k, 4), b = values(k * n, 5), c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        // only the second row panel: rows [mr, 2*mr)
        PanelProduct.multiply(new PanelProduct.HeapMatrix(a, 0, k, 1, m), new PanelProduct.HeapMatrix(b, 0, 1, n, n), m, n, k, 1, 2, 0, 1, false,
                MemorySegment.ofArray(c), 0, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                boolean inside = i >= kern.mr && i < 2 * kern.mr;
                double dot = 0;
                for (int p = 0; p < k; p++) dot += a[i * k + p] * b[p * n + j];
                if (inside) assertEquals(dot, c[i * n + j], 1e-5, "row " + i + " column " + j);
                else assertTrue(Float.isNaN(c[i * n + j]), "row " + i + " was written");
            }
        }
    }
}
