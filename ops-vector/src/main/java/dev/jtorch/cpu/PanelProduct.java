package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * {@code C (m x n) = A (m x k) @ B (k x n) [+ C]} on the calling thread with {@link Sgemm}'s micro-kernel, for
 * operands that write their own panels. A convolution's columns handed to Sgemm are written once by the unfold and
 * copied again by the packing, element by element when they are read transposed; an {@link Operand} here packs
 * straight from the input, so the column matrix never exists. The blocking is Sgemm's: KC steps of k per block, a
 * block of B panels in L2 and one B micro-panel in L1 while the A panels of an MC-row block stream past it.
 * Callers split the work between threads by ranges of row or column panels.
 */
final class PanelProduct {
    /**
     * Column panels packed together: a B block of KC x 16 panels (256 KiB at 256 bits) and an MC-row A block (144
     * KiB) share L2, so each A block streams in once per B block; ResNet layer4's 196 columns are one block.
     */
    private static final int BLOCK_PANELS = 16;
    /**
     * k per block: 256 at every width. Each thread packs A for all of its rows per block, so Sgemm's 1024 at 512 bits
     * (A blocks of 1 MiB per thread at ResNet layer4) measured 1.03x the time there.
     */
    static final int KC = 256;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final ThreadLocal<float[]> PACKED_A = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PACKED_B = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> TILE = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> LINE = ThreadBuffers.floats();

    private PanelProduct() {}

    /** A GEMM operand that writes its own panels. */
    interface Operand {
        /**
         * Panels {@code [first, first + count)}, each {@code width} lines (rows of A, columns of B) wide, over k steps
         * {@code [k0, k0 + kc)}: {@code dst[at + (q*kc + p)*width + r] = element(line (first + q)*width + r, step k0 + p)},
         * 0 for lines past the operand's end.
         */
        void pack(float[] dst, int at, int first, int count, int k0, int kc, int width);
    }

    private static final ThreadLocal<NativeScratch> PRODUCT = NativeScratch.perThread();

    /** This thread's native buffer for a product of at least {@code floats} elements, contents undefined. */
    static MemorySegment productBuffer(long floats) { return PRODUCT.get().floats(floats); }

    /** The micro-kernel Sgemm uses now (tests switch its width). */
    static SgemmMicroKernel kernel() { return SgemmMicroKernel.forBits(Sgemm.vectorBits()); }

    /**
     * {@code C[rows, cols] = A @ B}, plus C when {@code accumulate}, for the row panels {@code [r0, r1)} and column
     * panels {@code [q0, q1)} of the kernel's tile ({@link #kernel()}); C row-major at element cOff with leading
     * dimension ldc.
     */
    static void multiply(Operand a, Operand b, int m, int n, int k, int r0, int r1, int q0, int q1, boolean accumulate,
                         MemorySegment c, long cOff, long ldc) {
        SgemmMicroKernel kern = kernel();
        int mr = kern.mr, nr = kern.nr, kcMax = Math.min(KC, k), blockRows = Sgemm.MC / mr;
        float[] packedA = ThreadBuffers.atLeast(PACKED_A, (long) (r1 - r0) * mr * kcMax);
        float[] packedB = ThreadBuffers.atLeast(PACKED_B, (long) BLOCK_PANELS * nr * kcMax);
        float[] tile = ThreadBuffers.atLeast(TILE, (long) mr * nr);
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            boolean add = accumulate || k0 > 0;
            a.pack(packedA, 0, r0, r1 - r0, k0, kc, mr);
            for (int qb = q0; qb < q1; qb += BLOCK_PANELS) {
                int panels = Math.min(BLOCK_PANELS, q1 - qb);
                // B already in panels of nr over all of k (an LSTM's W_hh, the same every step; a convolution's taps
                // packed once for all threads) is read in place: a panel's k block is one run
                float[] bPanels = packedB;
                int bBase = 0, bStride = kc * nr;
                if (b instanceof Panels given && given.k() == k) {
                    bPanels = given.v();
                    bBase = given.at() + (qb * k + k0) * nr;
                    bStride = k * nr;
                } else {
                    b.pack(packedB, 0, qb, panels, k0, kc, nr);
                }
                for (int rb = r0; rb < r1; rb += blockRows) {
                    int rbEnd = Math.min(r1, rb + blockRows);
                    for (int q = qb; q < qb + panels; q++) {
                        int j = q * nr, cols = Math.min(nr, n - j), bAt = bBase + (q - qb) * bStride;
                        for (int r = rb; r < rbEnd; r++) {
                            int i = r * mr, rows = Math.min(mr, m - i), aAt = (r - r0) * kc * mr;
                            long cAt = cOff + i * ldc + j;
                            boolean full = rows == mr && cols == nr;
                            if (full && kern.multiplyInto(kc, packedA, aAt, bPanels, bAt, c, cAt, ldc, add)) continue;
                            if (cols <= nr / 2) kern.multiplyFirstVector(kc, packedA, aAt, bPanels, bAt, tile);
                            else kern.multiply(kc, packedA, aAt, bPanels, bAt, tile);
                            if (full) kern.storeTile(tile, c, cAt, ldc, add ? 1f : 0f);
                            else kern.storePartialTile(tile, rows, cols, c, cAt, ldc, add ? 1f : 0f);
                        }
                    }
                }
            }
        }
    }

    /**
     * An operand already in panels over all of k: panel q's step p, line r at {@code v[at + q*k*width + p*width + r]};
     * a k block of a panel is one copy, and as B of width nr over the product's k, {@link #multiply} reads it in place.
     */
    record Panels(float[] v, int at, int k) implements Operand {
        @Override
        public void pack(float[] dst, int to, int first, int count, int k0, int kc, int width) {
            for (int q = 0; q < count; q++) {
                System.arraycopy(v, at + ((first + q) * k + k0) * width, dst, to + q * kc * width, kc * width);
            }
        }
    }

    /**
     * A matrix in a heap array: line l (a row of A, a column of B), step p at {@code v[at + l*lineStride + p*stepStride]},
     * for lines below {@code lines}. Lines next to each other (lineStride 1) are copied a panel row at a time.
     */
    record HeapMatrix(float[] v, int at, int lineStride, int stepStride, int lines) implements Operand {
        @Override
        public void pack(float[] dst, int to, int first, int count, int k0, int kc, int width) {
            for (int q = 0; q < count; q++) {
                int l0 = (first + q) * width, valid = Math.max(0, Math.min(width, lines - l0)), d = to + q * kc * width;
                if (lineStride == 1 && valid == width && width == 2 * L) {
                    for (int p = 0, from = at + l0 + k0 * stepStride; p < kc; p++, from += stepStride, d += width) {
                        FloatVector.fromArray(S, v, from).intoArray(dst, d);
                        FloatVector.fromArray(S, v, from + L).intoArray(dst, d + L);
                    }
                    continue;
                }
                if (lineStride == 1) {
                    for (int p = 0, from = at + l0 + k0 * stepStride; p < kc; p++, from += stepStride, d += width) {
                        System.arraycopy(v, from, dst, d, valid);
                        if (valid < width) java.util.Arrays.fill(dst, d + valid, d + width, 0f);
                    }
                    continue;
                }
                for (int r = 0; r < width; r++) {
                    int from = at + (l0 + r) * lineStride + k0 * stepStride;
                    for (int p = 0; p < kc; p++) dst[d + p * width + r] = r < valid ? v[from + p * stepStride] : 0f;
                }
            }
        }
    }

    /**
     * Rows of a segment over steps that run on across samples (dy of a chunk of samples, or a weight as one
     * sample): row o, step (s, p) at element {@code at + s*sampleStride + o*steps + p}.
     */
    record SegmentRows(MemorySegment data, long at, long sampleStride, int steps, int rows) implements Operand {
        @Override
        public void pack(float[] dst, int to, int first, int count, int k0, int kc, int width) {
            int valid = Math.min(count * width, rows - first * width);
            // the steps lie in one run of every row (a weight): Sgemm's packing of row-major A, which writes its
            // panels from dst[0], as multiply asks
            if (to == 0 && k0 / steps == (k0 + kc - 1) / steps && kc <= SgemmPacking.LINE && valid > 0) {
                float[] scratch = ThreadBuffers.atLeast(LINE, (long) Math.max(width, 8) * SgemmPacking.LINE);   // packA: max(mr, its band of 8) lines
                long from = at + (long) (k0 / steps) * sampleStride + (long) first * width * steps + k0 % steps;
                SgemmPacking.packA(dst, width, 1f, data, from, steps, 1, valid, kc, scratch);
                int packed = Math.ceilDiv(valid, width) * width * kc;
                java.util.Arrays.fill(dst, packed, count * width * kc, 0f);
                return;
            }
            // the panel's rows to a scratch block (row r at r*kc), then interleaved: dst is written in order
            float[] lines = ThreadBuffers.atLeast(LINE, (long) width * kc);
            for (int q = 0; q < count; q++) {
                for (int r = 0; r < width; r++) {
                    int o = (first + q) * width + r;
                    if (o >= rows) {
                        java.util.Arrays.fill(lines, r * kc, (r + 1) * kc, 0f);
                        continue;
                    }
                    // the steps [k0, k0 + kc) of row o, one bulk copy per sample they touch
                    for (int kk = k0; kk < k0 + kc; ) {
                        int sample = kk / steps, p = kk % steps, run = Math.min(steps - p, k0 + kc - kk);
                        long from = at + sample * sampleStride + (long) o * steps + p;
                        MemorySegment.copy(data, ElementAccess.F32, from * Float.BYTES, lines, r * kc + kk - k0, run);
                        kk += run;
                    }
                }
                int d = to + q * kc * width;
                if (width == 4) {
                    for (int p = 0; p < kc; p++, d += 4) {
                        dst[d] = lines[p];
                        dst[d + 1] = lines[kc + p];
                        dst[d + 2] = lines[2 * kc + p];
                        dst[d + 3] = lines[3 * kc + p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        for (int r = 0; r < width; r++) dst[d++] = lines[r * kc + p];
                    }
                }
            }
        }
    }
}
