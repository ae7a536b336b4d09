package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The product {@code C (m x n) = A (m x k) @ B (k x n) [+ bias per row]} for a convolution with few output channels
 * (LeNet's 6 and 16) on heap arrays, without packing: B's rows (column-matrix rows, one pixel per lane) are
 * already contiguous, and with k and m small a 4 x 2-vector tile of C reads a B block that stays in L1. Sgemm's
 * packing would copy all of B once per product for only m uses of each element, which costs as much as the
 * product itself at m = 6. A is read through strides (a weight or its transpose), one broadcast per row and step.
 */
final class ConvGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final LaneFolds<Float> FOLDS = LaneFolds.of(S);

    private ConvGemm() {}

    /** Products this kernel is meant for: few rows of C and a short reduction, so a B block stays in L1. */
    static boolean suits(int m, int k) { return m <= 16 && k <= 512 || k <= 16; }

    /** n rounded up to whole vectors: a row length at which {@link #multiply} runs no scalar tail. */
    static int wholeVectors(int n) { return Math.ceilDiv(n, V) * V; }

    /**
     * {@code c[ci + i*ldc + j] = bias[zi + i] + sum_p a[ai + i*aRow + p*aCol] * b[bi + p*ldb + j]}; bias may be null.
     */
    static void multiply(int m, int n, int k, float[] a, int ai, int aRow, int aCol, float[] b, int bi, int ldb,
                         float[] bias, int zi, float[] c, int ci, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) fourRows(i, n, k, a, ai, aRow, aCol, b, bi, ldb, bias, zi, c, ci, ldc);
        for (; i < m; i++) oneRow(i, n, k, a, ai, aRow, aCol, b, bi, ldb, bias, zi, c, ci, ldc);
    }

    private static void fourRows(int i, int n, int k, float[] a, int ai, int aRow, int aCol, float[] b, int bi, int ldb,
                                 float[] bias, int zi, float[] c, int ci, int ldc) {
        int a0 = ai + i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        float z0 = bias == null ? 0 : bias[zi + i], z1 = bias == null ? 0 : bias[zi + i + 1];
        float z2 = bias == null ? 0 : bias[zi + i + 2], z3 = bias == null ? 0 : bias[zi + i + 3];
        int c0 = ci + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        int j = 0;
        for (; j + 2 * V <= n; j += 2 * V) {
            FloatVector s00 = FloatVector.broadcast(S, z0), s01 = s00, s10 = FloatVector.broadcast(S, z1), s11 = s10;
            FloatVector s20 = FloatVector.broadcast(S, z2), s21 = s20, s30 = FloatVector.broadcast(S, z3), s31 = s30;
            for (int p = 0, bp = bi + j, ap = 0; p < k; p++, bp += ldb, ap += aCol) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + V);
                FloatVector w0 = FloatVector.broadcast(S, a[a0 + ap]), w1 = FloatVector.broadcast(S, a[a1 + ap]);
                FloatVector w2 = FloatVector.broadcast(S, a[a2 + ap]), w3 = FloatVector.broadcast(S, a[a3 + ap]);
                s00 = w0.fma(b0, s00); s01 = w0.fma(b1, s01);
                s10 = w1.fma(b0, s10); s11 = w1.fma(b1, s11);
                s20 = w2.fma(b0, s20); s21 = w2.fma(b1, s21);
                s30 = w3.fma(b0, s30); s31 = w3.fma(b1, s31);
            }
            s00.intoArray(c, c0 + j); s01.intoArray(c, c0 + j + V);
            s10.intoArray(c, c1 + j); s11.intoArray(c, c1 + j + V);
            s20.intoArray(c, c2 + j); s21.intoArray(c, c2 + j + V);
            s30.intoArray(c, c3 + j); s31.intoArray(c, c3 + j + V);
        }
        for (; j + V <= n; j += V) {
            FloatVector s0 = FloatVector.broadcast(S, z0), s1 = FloatVector.broadcast(S, z1);
            FloatVector s2 = FloatVector.broadcast(S, z2), s3 = FloatVector.broadcast(S, z3);
            for (int p = 0, bp = bi + j, ap = 0; p < k; p++, bp += ldb, ap += aCol) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                s0 = FloatVector.broadcast(S, a[a0 + ap]).fma(b0, s0);
                s1 = FloatVector.broadcast(S, a[a1 + ap]).fma(b0, s1);
                s2 = FloatVector.broadcast(S, a[a2 + ap]).fma(b0, s2);
                s3 = FloatVector.broadcast(S, a[a3 + ap]).fma(b0, s3);
            }
            s0.intoArray(c, c0 + j); s1.intoArray(c, c1 + j); s2.intoArray(c, c2 + j); s3.intoArray(c, c3 + j);
        }
        for (; j < n; j++) {
            float s0 = z0, s1 = z1, s2 = z2, s3 = z3;
            for (int p = 0, bp = bi + j, ap = 0; p < k; p++, bp += ldb, ap += aCol) {
                float bv = b[bp];
                s0 += a[a0 + ap] * bv; s1 += a[a1 + ap] * bv; s2 += a[a2 + ap] * bv; s3 += a[a3 + ap] * bv;
            }
            c[c0 + j] = s0; c[c1 + j] = s1; c[c2 + j] = s2; c[c3 + j] = s3;
        }
    }

    private static void oneRow(int i, int n, int k, float[] a, int ai, int aRow, int aCol, float[] b, int bi, int ldb,
                               float[] bias, int zi, float[] c, int ci, int ldc) {
        int a0 = ai + i * aRow, c0 = ci + i * ldc;
        float z = bias == null ? 0 : bias[zi + i];
        int j = 0;
        for (; j + V <= n; j += V) {
            FloatVector s = FloatVector.broadcast(S, z);
            for (int p = 0, bp = bi + j, ap = a0; p < k; p++, bp += ldb, ap += aCol) {
                s = FloatVector.broadcast(S, a[ap]).fma(FloatVector.fromArray(S, b, bp), s);
            }
            s.intoArray(c, c0 + j);
        }
        for (; j < n; j++) {
            float s = z;
            for (int p = 0, bp = bi + j, ap = a0; p < k; p++, bp += ldb, ap += aCol) s += a[ap] * b[bp];
            c[c0 + j] = s;
        }
    }

    /**
     * {@code c[ci + i*ldc + j] += sum_p a[ai + i*lda + p] * b[bi + j*ldb + p]}: C += A @ B^T with both operands'
     * rows contiguous along the reduction, as a weight gradient (dy rows against column rows) is. Tiles of 4 x 2
     * dot products share their loads; lanes are reduced once per tile.
     */
    static void accumulateDots(int m, int n, int k, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 2 <= n; j += 2) dots4x2(i, j, k, a, ai, lda, b, bi, ldb, c, ci, ldc);
            for (; j < n; j++) {
                for (int r = 0; r < 4; r++) c[ci + (i + r) * ldc + j] += dot(a, ai + (i + r) * lda, b, bi + j * ldb, k);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) c[ci + i * ldc + j] += dot(a, ai + i * lda, b, bi + j * ldb, k);
        }
    }

    private static void dots4x2(int i, int j, int k, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        int a0 = ai + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, b0 = bi + j * ldb, b1 = b0 + ldb;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        int p = 0;
        for (int end = S.loopBound(k); p < end; p += V) {
            FloatVector x0 = FloatVector.fromArray(S, b, b0 + p), x1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector r0 = FloatVector.fromArray(S, a, a0 + p), r1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector r2 = FloatVector.fromArray(S, a, a2 + p), r3 = FloatVector.fromArray(S, a, a3 + p);
            s00 = r0.fma(x0, s00); s01 = r0.fma(x1, s01);
            s10 = r1.fma(x0, s10); s11 = r1.fma(x1, s11);
            s20 = r2.fma(x0, s20); s21 = r2.fma(x1, s21);
            s30 = r3.fma(x0, s30); s31 = r3.fma(x1, s31);
        }
        for (int w = V / 2; w > 0; w >>= 1) { // lane sums in one fixed order (LaneFolds)
            VectorShuffle<Float> swap = FOLDS.swap(w);
            s00 = s00.add(s00.rearrange(swap)); s01 = s01.add(s01.rearrange(swap));
            s10 = s10.add(s10.rearrange(swap)); s11 = s11.add(s11.rearrange(swap));
            s20 = s20.add(s20.rearrange(swap)); s21 = s21.add(s21.rearrange(swap));
            s30 = s30.add(s30.rearrange(swap)); s31 = s31.add(s31.rearrange(swap));
        }
        float t00 = s00.lane(0), t01 = s01.lane(0), t10 = s10.lane(0), t11 = s11.lane(0);
        float t20 = s20.lane(0), t21 = s21.lane(0), t30 = s30.lane(0), t31 = s31.lane(0);
        for (; p < k; p++) {
            float x0 = b[b0 + p], x1 = b[b1 + p];
            t00 += a[a0 + p] * x0; t01 += a[a0 + p] * x1;
            t10 += a[a1 + p] * x0; t11 += a[a1 + p] * x1;
            t20 += a[a2 + p] * x0; t21 += a[a2 + p] * x1;
            t30 += a[a3 + p] * x0; t31 += a[a3 + p] * x1;
        }
        int c0 = ci + i * ldc + j;
        c[c0] += t00; c[c0 + 1] += t01;
        c[c0 + ldc] += t10; c[c0 + ldc + 1] += t11;
        c[c0 + 2 * ldc] += t20; c[c0 + 2 * ldc + 1] += t21;
        c[c0 + 3 * ldc] += t30; c[c0 + 3 * ldc + 1] += t31;
    }

    private static float dot(float[] a, int ai, float[] b, int bi, int k) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (int end = S.loopBound(k); p < end; p += V) s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), s);
        for (int w = V / 2; w > 0; w >>= 1) s = s.add(s.rearrange(FOLDS.swap(w))); // lane sums in one fixed order (LaneFolds)
        float t = s.lane(0);
        for (; p < k; p++) t += a[ai + p] * b[bi + p];
        return t;
    }

    /** The plain triple loop the kernel is tested against. */
    static void reference(int m, int n, int k, float[] a, int ai, int aRow, int aCol, float[] b, int bi, int ldb,
                          float[] bias, int zi, float[] c, int ci, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = bias == null ? 0 : bias[zi + i];
                for (int p = 0; p < k; p++) s += a[ai + i * aRow + p * aCol] * b[bi + p * ldb + j];
                c[ci + i * ldc + j] = s;
            }
        }
    }
}
