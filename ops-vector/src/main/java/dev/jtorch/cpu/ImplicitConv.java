package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * A stride-1 convolution of zero-padded planes as an implicit GEMM on {@link PanelProduct}:
 * {@code out (R x pixels) = A (R x K) @ cols (K x pixels)}, K = channels*kH*kW, with cols never built: its B panels
 * are read straight from the padded planes, step (c, ki, kj) and column j at {@code xp[bases[j] + tapOffset]},
 * {@code tapOffset = (c*hp + ki*dH)*wp + kj*dW}. Two ways to number the columns:
 * <ul>
 *   <li><b>grid</b>, for wide outputs: column j is position j of the padded plane's grid, {@code oh*wp + ow}, so a
 *       panel's 16 columns are 16 neighbouring floats of a row (two vector copies per step); the columns past outW
 *       in each row are computed and dropped, (wp - outW) / wp of the work (3% at ResNet layer1's 56 + 2);
 *   <li><b>gathered</b>, for narrow outputs (ResNet layer4's 7x7, where a grid would waste 2 columns of 9): the
 *       pixels of a chunk of samples side by side, one scalar read per entry.
 * </ul>
 * The forward is this with A = the weight and the input padded by the window's padding; the input gradient is this
 * with A = the weight transposed and flipped and dy padded by {@code dilation*(k-1) - padding}.
 */
final class ImplicitConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final ThreadLocal<float[]> PADDED = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> BIAS_LINE = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> SHARED_B = ThreadBuffers.floats();
    private static final ThreadLocal<int[]> BASES = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> TAP_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);

    private ImplicitConv() {}

    /** The geometry: channels of hp x wp padded planes, a kH x kW kernel at dilation dH, dW, outH x outW outputs. */
    record Geometry(int channels, int hp, int wp, int kH, int kW, int dH, int dW, int outH, int outW) {
        int plane() { return hp * wp; }
        int taps() { return channels * kH * kW; }
        int pixels() { return outH * outW; }
        /** Grid columns of one sample: up to the last output pixel. */
        int gridColumns() { return (outH - 1) * wp + outW; }
        /** The grid when its dropped columns are at most a tenth of the work. */
        boolean grid() { return 10L * gridColumns() <= 11L * pixels(); }
    }

    /**
     * Planes {@code [at + (s*sampleStride + c*h*w)]} for samples [0, samples) and channels [0, channels), h x w each,
     * into a heap copy {@code xp[(s*channels + c)*hp*wp + ...]} with padTop rows and padLeft columns of zeros before
     * them and zeros after them up to hp x wp.
     */
    static float[] pad(MemorySegment src, long at, long sampleStride, int samples, int channels, int h, int w,
                       int padTop, int padLeft, Geometry geo) {
        int hp = geo.hp(), wp = geo.wp(), size = samples * channels * hp * wp;
        float[] xp = ThreadBuffers.atLeast(PADDED, size);
        boolean same = padTop == 0 && padLeft == 0 && hp == h && wp == w;
        if (!same) java.util.Arrays.fill(xp, 0, size, 0f);
        for (int s = 0; s < samples; s++) {
            long from = at + s * sampleStride;
            int to = s * channels * hp * wp;
            if (same) {
                MemorySegment.copy(src, ElementAccess.F32, from * Float.BYTES, xp, to, channels * h * w);
                continue;
            }
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < h; i++) {
                    MemorySegment.copy(src, ElementAccess.F32, (from + ((long) c * h + i) * w) * Float.BYTES,
                            xp, to + (c * hp + i + padTop) * wp + padLeft, w);
                }
            }
        }
        return xp;
    }

    /**
     * {@code out[s*outSampleStride + r*pixels + p] (+ bias[biasAt + r]) = sum_t A[r, t] * cols_s[t, p]} for samples [0, samples)
     * of the padded planes xp (from {@link #pad}), rows r < R; bias may be null; aSource is the segment A
     * reads, if any. Threads split the columns, or the rows where A is the larger operand (B then packed once for all).
     */
    static void compute(PanelProduct.Operand a, MemorySegment aSource, int rows, float[] xp, int samples, Geometry geo,
                        float[] bias, int biasAt, MemorySegment out, long outAt, long outSampleStride) {
        SgemmMicroKernel kern = PanelProduct.kernel();
        int k = geo.taps(), pixels = geo.pixels();
        int[] tapOffsets = tapOffsets(geo);
        boolean grid = geo.grid();
        int n = grid ? geo.gridColumns() : samples * pixels;
        int[] bases = grid ? gridBases(n) : gatheredBases(geo, samples);
        MemorySegment c = PanelProduct.productBuffer((long) rows * n);
        int rowPanels = Math.ceilDiv(rows, kern.mr), colPanels = Math.ceilDiv(n, kern.nr);
        int threads = IntraOpPool.inParallelRegion() || !GemmThreading.accessibleFromPool(out, aSource, null, null) ? 1 : IntraOpPool.numThreads();
        // each thread packs all of the operand it does not split: split the larger one
        boolean byColumns = n >= rows || rowPanels < 2 * threads;
        for (int s = 0; s < (grid ? samples : 1); s++) {
            PixelTaps taps = new PixelTaps(xp, bases, tapOffsets, n, grid ? s * geo.channels() * geo.plane() : 0);
            PanelProduct.Operand b = threads > 1 && !byColumns ? packedOnce(taps, colPanels, k, kern.nr) : taps;
            if (bias != null) {
                float[] line = ThreadBuffers.atLeast(BIAS_LINE, n);
                for (int r = 0; r < rows; r++) {
                    java.util.Arrays.fill(line, 0, n, bias[biasAt + r]);
                    MemorySegment.copy(line, 0, c, ElementAccess.F32, (long) r * n * Float.BYTES, n);
                }
            }
            boolean accumulate = bias != null;
            if (threads == 1) {
                PanelProduct.multiply(a, b, rows, n, k, 0, rowPanels, 0, colPanels, accumulate, c, 0, n);
            } else {
                IntraOpPool.parallelFor(byColumns ? colPanels : rowPanels, 1, (p0, p1) -> {
                    if (byColumns) PanelProduct.multiply(a, b, rows, n, k, 0, rowPanels, (int) p0, (int) p1, accumulate, c, 0, n);
                    else PanelProduct.multiply(a, b, rows, n, k, (int) p0, (int) p1, 0, colPanels, accumulate, c, 0, n);
                });
            }
            if (grid) copyGridOut(c, n, rows, geo, out, outAt + s * outSampleStride);
            else copyGatheredOut(c, n, rows, samples, pixels, out, outAt, outSampleStride);
        }
    }

    /**
     * B packed into panels over all of k once, the threads each packing a share of the column panels, for products
     * split by rows: each thread would otherwise gather all of B itself (ResNet layer4's 196 columns by 4608 taps,
     * about 7% of each thread's samples in the product).
     */
    private static PanelProduct.Panels packedOnce(PanelProduct.Operand b, int colPanels, int k, int nr) {
        float[] panels = ThreadBuffers.atLeast(SHARED_B, (long) colPanels * k * nr);
        IntraOpPool.parallelFor(colPanels, 1, (q0, q1) -> b.pack(panels, (int) q0 * k * nr, (int) q0, (int) (q1 - q0), 0, k, nr));
        return new PanelProduct.Panels(panels, 0, k);
    }

    /** One sample's product over grid columns into its output planes, dropping the columns past outW in each row. */
    private static void copyGridOut(MemorySegment c, int n, int rows, Geometry geo, MemorySegment out, long at) {
        for (int r = 0; r < rows; r++) {
            for (int oh = 0; oh < geo.outH(); oh++) {
                MemorySegment.copy(c, ElementAccess.F32, ((long) r * n + (long) oh * geo.wp()) * Float.BYTES, out, ElementAccess.F32,
                        (at + (long) r * geo.pixels() + (long) oh * geo.outW()) * Float.BYTES, geo.outW());
            }
        }
    }

    /** The product of samples side by side into each sample's output planes. */
    private static void copyGatheredOut(MemorySegment c, int n, int rows, int samples, int pixels, MemorySegment out, long at,
                                        long sampleStride) {
        for (int i = 0; i < samples; i++) {
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(c, ElementAccess.F32, ((long) r * n + (long) i * pixels) * Float.BYTES, out, ElementAccess.F32,
                        (at + i * sampleStride + (long) r * pixels) * Float.BYTES, pixels);
            }
        }
    }

    /** B = cols: step t, column j is {@code xp[shift + bases[j] + tapOffsets[t]]}, for j below {@code columns}. */
    record PixelTaps(float[] xp, int[] bases, int[] tapOffsets, int columns, int shift) implements PanelProduct.Operand {
        @Override
        public void pack(float[] dst, int to, int first, int count, int k0, int kc, int width) {
            for (int q = 0; q < count; q++) {
                int j0 = (first + q) * width, cols = Math.min(width, columns - j0), d = to + q * kc * width;
                if (cols == width && width == 2 * S.length() && bases[j0 + width - 1] - bases[j0] == width - 1) {
                    // neighbouring positions of one row (the grid): two vector copies per step
                    int from0 = shift + bases[j0];
                    for (int p = 0; p < kc; p++, d += width) {
                        int from = from0 + tapOffsets[k0 + p];
                        FloatVector.fromArray(S, xp, from).intoArray(dst, d);
                        FloatVector.fromArray(S, xp, from + S.length()).intoArray(dst, d + S.length());
                    }
                    continue;
                }
                if (cols == 16) {
                    gather16(dst, d, k0, kc, j0);
                    continue;
                }
                for (int p = 0; p < kc; p++, d += width) {
                    int from = shift + tapOffsets[k0 + p];
                    for (int j = 0; j < cols; j++) dst[d + j] = xp[from + bases[j0 + j]];
                    for (int j = cols; j < width; j++) dst[d + j] = 0f;
                }
            }
        }

        /** A whole 16-column panel of scattered columns, the column bases held in registers across the steps. */
        private void gather16(float[] dst, int d, int k0, int kc, int j0) {
            int b0 = shift + bases[j0], b1 = shift + bases[j0 + 1], b2 = shift + bases[j0 + 2], b3 = shift + bases[j0 + 3];
            int b4 = shift + bases[j0 + 4], b5 = shift + bases[j0 + 5], b6 = shift + bases[j0 + 6], b7 = shift + bases[j0 + 7];
            int b8 = shift + bases[j0 + 8], b9 = shift + bases[j0 + 9], b10 = shift + bases[j0 + 10], b11 = shift + bases[j0 + 11];
            int b12 = shift + bases[j0 + 12], b13 = shift + bases[j0 + 13], b14 = shift + bases[j0 + 14], b15 = shift + bases[j0 + 15];
            for (int p = 0; p < kc; p++, d += 16) {
                int t = tapOffsets[k0 + p];
                dst[d] = xp[t + b0]; dst[d + 1] = xp[t + b1]; dst[d + 2] = xp[t + b2]; dst[d + 3] = xp[t + b3];
                dst[d + 4] = xp[t + b4]; dst[d + 5] = xp[t + b5]; dst[d + 6] = xp[t + b6]; dst[d + 7] = xp[t + b7];
                dst[d + 8] = xp[t + b8]; dst[d + 9] = xp[t + b9]; dst[d + 10] = xp[t + b10]; dst[d + 11] = xp[t + b11];
                dst[d + 12] = xp[t + b12]; dst[d + 13] = xp[t + b13]; dst[d + 14] = xp[t + b14]; dst[d + 15] = xp[t + b15];
            }
        }
    }

    /**
     * A of the input gradient: one group's weight transposed and flipped, from a heap copy w of the weight. Row c (an
     * input channel), step (o, ki, kj) is {@code w[wAt + (o*cg + c)*taps + taps-1 - (ki*kW + kj)]}, taps = kH*kW.
     */
    record FlippedWeights(float[] w, int wAt, int cg, int taps) implements PanelProduct.Operand {
        @Override
        public void pack(float[] dst, int to, int first, int count, int k0, int kc, int width) {
            for (int q = 0; q < count; q++) {
                for (int r = 0; r < width; r++) {
                    int c = (first + q) * width + r, d = to + q * kc * width + r;
                    if (c >= cg) {
                        for (int p = 0; p < kc; p++) dst[d + p * width] = 0f;
                        continue;
                    }
                    int o = k0 / taps, t = k0 % taps;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * width] = w[wAt + (o * cg + c) * taps + taps - 1 - t];
                        if (++t == taps) {
                            t = 0;
                            o++;
                        }
                    }
                }
            }
        }
    }

    private static int[] tapOffsets(Geometry geo) {
        int[] offsets = TAP_OFFSETS.get();
        if (offsets.length < geo.taps()) TAP_OFFSETS.set(offsets = new int[geo.taps()]);
        int t = 0;
        for (int c = 0; c < geo.channels(); c++) {
            for (int ki = 0; ki < geo.kH(); ki++) {
                for (int kj = 0; kj < geo.kW(); kj++) offsets[t++] = (c * geo.hp() + ki * geo.dH()) * geo.wp() + kj * geo.dW();
            }
        }
        return offsets;
    }

    private static int[] gridBases(int n) {
        int[] bases = BASES.get();
        if (bases.length < n) BASES.set(bases = new int[n]);
        for (int j = 0; j < n; j++) bases[j] = j;
        return bases;
    }

    private static int[] gatheredBases(Geometry geo, int samples) {
        int[] bases = BASES.get();
        if (bases.length < samples * geo.pixels()) BASES.set(bases = new int[samples * geo.pixels()]);
        int sample = geo.channels() * geo.plane();
        for (int s = 0, j = 0; s < samples; s++) {
            for (int oh = 0; oh < geo.outH(); oh++) {
                for (int ow = 0; ow < geo.outW(); ow++) bases[j++] = s * sample + oh * geo.wp() + ow;
            }
        }
        return bases;
    }
}
