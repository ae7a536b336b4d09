package dev.jtorch.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Single-precision GEMM: {@code C = alpha * A @ B + beta * C} for A (m x k) and B (k x n) of any strides
 * (a transpose is a swap of row and column stride), C row-major with leading dimension ldc.
 * Offsets and strides count elements, not bytes.
 */
public final class Sgemm {
    private Sgemm() {}

    public static void gemm(int m, int n, int k, float alpha,
                            MemorySegment a, long aOff, long aRowStride, long aColStride,
                            MemorySegment b, long bOff, long bRowStride, long bColStride,
                            float beta, MemorySegment c, long cOff, long ldc) {
        reference(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc);
    }

    /** The plain triple loop every fast path is tested against. */
    public static void reference(int m, int n, int k, float alpha,
                                 MemorySegment a, long aOff, long aRowStride, long aColStride,
                                 MemorySegment b, long bOff, long bRowStride, long bColStride,
                                 float beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += a.getAtIndex(ValueLayout.JAVA_FLOAT, aOff + i * aRowStride + p * aColStride)
                         * b.getAtIndex(ValueLayout.JAVA_FLOAT, bOff + p * bRowStride + j * bColStride);
                }
                long ci = cOff + i * ldc + j;
                float prev = beta == 0 ? 0 : beta * c.getAtIndex(ValueLayout.JAVA_FLOAT, ci);
                c.setAtIndex(ValueLayout.JAVA_FLOAT, ci, alpha * acc + prev);
            }
        }
    }
}
