package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * A convolution of zero-padded planes as an implicit GEMM on {@link PanelProduct}:
 * {@code out (R x pixels) = A (R x K) @ cols (K x pixels)}, K = channels*kH*kW, with cols never built: its B panels
 * are read straight from the padded planes, step (c, ki, kj) and column j at {@code xp[bases[j] + tapOffset]}.
 * At stride 1, {@code tapOffset = (c*hp + ki*dH)*wp + kj*dW}. At stride s the padded planes are stored as their
 * sH*sW phases ({@link #pad}): padded element (r, q) in phase (r % sH, q % sW) at (r / sH, q / sW). Tap (ki, kj) of
 * output (oh, ow) reads padded (sH*oh + ki*dH, sW*ow + kj*dW), which is element (oh + ki*dH / sH, ow + kj*dW / sW)
 * of one phase: a stride-1 window over the phases, so every strided read becomes a contiguous one and the grid
 * below holds as it does at stride 1. Two ways to number the columns:
 * <ul>
 *   <li><b>grid</b>, for wide outputs: column j is position j of the (phase) plane's grid, {@code oh*rowWidth + ow},
 *       so a panel's 16 columns are 16 neighbouring floats of a row (two vector copies per step); the columns past
 *       outW in each row are computed and dropped, (rowWidth - outW) / rowWidth of the work (3% at ResNet layer1's
 *       56 + 2 and layer2's strided 28 + 1);
 *   <li><b>gathered</b>, for narrow outputs (ResNet layer4's 7x7, where a grid would waste 2 columns of 9): the
 *       pixels of a chunk of samples side by side, one scalar read per entry.
 * </ul>
 * The forward is this with A = the weight and the input padded by the window's padding; the stride-1 input gradient
 * is this with A = the weight transposed and flipped and dy padded by {@code dilation*(k-1) - padding}.
 */
final class ImplicitConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final ThreadLocal<float[]> PADDED = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PLANE = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> SHARED_B = ThreadBuffers.floats();
    private static final ThreadLocal<int[]> BASES = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> TAP_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);

    private ImplicitConv() {}

    /**
     * The geometry: channels of hp x wp padded planes, a kH x kW kernel at dilation dH, dW and stride sH, sW,
     * outH x outW outputs.
     */
    record Geometry(int channels, int hp, int wp, int kH, int kW, int dH, int dW, int outH, int outW, int sH, int sW) {
        /** At stride 1. */
        Geometry(int channels, int hp, int wp, int kH, int kW, int dH, int dW, int outH, int outW) {
            this(channels, hp, wp, kH, kW, dH, dW, outH, outW, 1, 1);
        }
        /** Rows and columns of one phase: padded rows r with the same r % sH, columns with the same q % sW. */
        int phaseH() { return Math.ceilDiv(hp, sH); }
        int phaseW() { return Math.ceilDiv(wp, sW); }
        /** Floats of one channel: its sH*sW phases (hp*wp at stride 1). */
        int plane() { return sH * sW * phaseH() * phaseW(); }
        int taps() { return channels * kH * kW; }
        int pixels() { return outH * outW; }
        /** Grid columns of one sample: up to the last output pixel. */
        int gridColumns() { return (outH - 1) * phaseW() + outW; }
        /** The grid when its dropped columns are at most a tenth of the work. */
        boolean grid() { return 10L * gridColumns() <= 11L * pixels(); }
        /** Element (row, col) of the padded plane of channel c, in the layout {@link #pad} writes. */
        int at(int c, int row, int col) {
            return ((c * sH + row % sH) * sW + col % sW) * phaseH() * phaseW() + row / sH * phaseW() + col / sW;
        }
    }

    /**
     * Planes {@code [at + (s*sampleStride + c*h*w)]} for samples [0, samples) and channels [0, channels), h x w each,
     * into a heap copy {@code xp[(s*channels + c)*plane + ...]} with padTop rows and padLeft columns of zeros before
     * them and zeros after them up to hp x wp, each plane in its phases ({@link Geometry#at}); channels in parallel
     * where the copy is large and the pool may read src.
     */
    static float[] pad(MemorySegment src, long at, long sampleStride, int samples, int channels, int h, int w,
                       int padTop, int padLeft, Geometry geo) {
        int plane = geo.plane(), size = samples * channels * plane;
        float[] xp = ThreadBuffers.atLeast(PADDED, size);
        if (padTop == 0 && padLeft == 0 && geo.hp() == h && geo.wp() == w && geo.sH() == 1 && geo.sW() == 1) {
            for (int s = 0; s < samples; s++) {
                MemorySegment.copy(src, ElementAccess.F32, (at + s * sampleStride) * Float.BYTES, xp, s * channels * plane, channels * h * w);
            }
            return xp;
        }
        IntraOpPool.RangeBody planes = (p0, p1) -> {
            for (int p = (int) p0; p < p1; p++) {
                int s = p / channels, c = p % channels;
                padPlane(src, at + s * sampleStride + (long) c * h * w, h, w, padTop, padLeft, geo, xp, p * plane);
            }
        };
        if (size >= PARALLEL_PAD_FLOATS && GemmThreading.accessibleFromPool(src, null, null, null)) {
            IntraOpPool.parallelFor((long) samples * channels, Math.max(1, PARALLEL_PAD_FLOATS / 4 / plane), planes);
        } else {
            planes.run(0, (long) samples * channels);
        }
        return xp;
    }

    /** Copies of at least this many floats split their planes between threads. */
    private static final int PARALLEL_PAD_FLOATS = 1 << 18;

    /**
     * One h x w plane at element {@code from} of src into the padded plane at xp[to], phases and all. The plane is
     * first copied whole to a heap line: a segment copy per row (56 floats in ResNet) costs more than the row.
     */
    private static void padPlane(MemorySegment src, long from, int h, int w, int padTop, int padLeft, Geometry geo, float[] xp, int to) {
        java.util.Arrays.fill(xp, to, to + geo.plane(), 0f);
        float[] plane = ThreadBuffers.atLeast(PLANE, h * w);
        MemorySegment.copy(src, ElementAccess.F32, from * Float.BYTES, plane, 0, h * w);
        int sW = geo.sW(), phase = geo.phaseH() * geo.phaseW();
        for (int i = 0, row = 0; i < h; i++, row += w) {
            int r = i + padTop, j = 0;
            if (sW == 1) {
                System.arraycopy(plane, row, xp, to + geo.at(0, r, padLeft), w);
                continue;
            }
            if (sW == 2 && w >= 2 * L) {
                // the even and the odd elements of two vectors go to the two column phases, as WinogradConv splits
                // columns; the last pair moved back to an even element, rewriting a few with the same values
                int even = to + geo.at(0, r, padLeft), odd = to + geo.at(0, r, padLeft + 1);
                for (int last = (w - 2 * L) & ~1; j <= last; j = j < last && j + 2 * L > last ? last : j + 2 * L) {
                    FloatVector lo = FloatVector.fromArray(S, plane, row + j), hi = FloatVector.fromArray(S, plane, row + j + L);
                    WinogradConv.evenLanes(lo, hi).intoArray(xp, even + j / 2);
                    WinogradConv.oddLanes(lo, hi).intoArray(xp, odd + j / 2);
                }
                j = ((w - 2 * L) & ~1) + 2 * L;
            }
            // padded column q = j + padLeft is element q / sW of column phase q % sW, both counted along
            int rowStart = to + geo.at(0, r, 0), col = j + padLeft, ph = col % sW, at = col / sW;
            for (; j < w; j++) {
                xp[rowStart + ph * phase + at] = plane[row + j];
                if (++ph == sW) {
                    ph = 0;
                    at++;
                }
            }
        }
    }

    /**
     * {@code out[s*outSampleStride + r*pixels + p] (+ bias[biasAt + r]) = sum_t A[r, t] * cols_s[t, p]} for samples [0, samples)
     * of the padded planes xp (from {@link #pad}), rows r < R; bias may be null; aSource is the segment A
     * reads, if any. Threads split the columns of every sample's product in one parallel section, or the rows where
     * A is the larger operand (B then packed once for all); each thread adds the bias to, and copies out, the part
     * of the product it computed, while that part is in its cache.
     */
    static void compute(PanelProduct.Operand a, MemorySegment aSource, int rows, float[] xp, int samples, Geometry geo,
                        float[] bias, int biasAt, MemorySegment out, long outAt, long outSampleStride) {
        SgemmMicroKernel kern = PanelProduct.kernel();
        int k = geo.taps(), nr = kern.nr;
        int[] tapOffsets = tapOffsets(geo);
        boolean grid = geo.grid();
        int n = grid ? geo.gridColumns() : samples * geo.pixels(), products = grid ? samples : 1;
        int[] bases = grid ? gridBases(n) : gatheredBases(geo, samples);
        MemorySegment c = PanelProduct.productBuffer((long) products * rows * n);
        int rowPanels = Math.ceilDiv(rows, kern.mr), colPanels = Math.ceilDiv(n, nr);
        int threads = IntraOpPool.inParallelRegion() || !GemmThreading.accessibleFromPool(out, aSource, null, null) ? 1 : IntraOpPool.numThreads();
        var product = new Product(geo, rows, n, bias, biasAt, c, out, outAt, outSampleStride);
        // each thread packs all of the operand it does not split: split the larger one
        if (n >= rows || rowPanels < 2 * threads) {
            IntraOpPool.RangeBody columns = (u0, u1) -> {
                for (int u = (int) u0; u < u1; ) {
                    int sample = u / colPanels, q0 = u % colPanels, q1 = (int) Math.min(colPanels, q0 + (u1 - u));
                    var taps = new PixelTaps(xp, bases, tapOffsets, n, grid ? sample * geo.channels() * geo.plane() : 0);
                    long at = (long) sample * rows * n;
                    PanelProduct.multiply(a, taps, rows, n, k, 0, rowPanels, q0, q1, false, c, at, n);
                    product.copyOut(sample, 0, rows, q0 * nr, Math.min(n, q1 * nr));
                    u += q1 - q0;
                }
            };
            if (threads == 1) columns.run(0, (long) products * colPanels);
            else IntraOpPool.parallelFor((long) products * colPanels, 1, columns);
            return;
        }
        for (int sample = 0; sample < products; sample++) {
            var taps = new PixelTaps(xp, bases, tapOffsets, n, grid ? sample * geo.channels() * geo.plane() : 0);
            PanelProduct.Operand b = threads == 1 ? taps : packedOnce(taps, colPanels, k, nr);
            long at = (long) sample * rows * n;
            int productSample = sample, mr = kern.mr;
            IntraOpPool.RangeBody rowRange = (r0, r1) -> {
                PanelProduct.multiply(a, b, rows, n, k, (int) r0, (int) r1, 0, colPanels, false, c, at, n);
                product.copyOut(productSample, (int) r0 * mr, (int) Math.min(rows, r1 * mr), 0, n);
            };
            if (threads == 1) rowRange.run(0, rowPanels);
            else IntraOpPool.parallelFor(rowPanels, 1, rowRange);
        }
    }

    /**
     * The products (rows x n each, one per sample on the grid, one for all samples gathered) in c, and where their
     * columns go in out.
     */
    private record Product(Geometry geo, int rows, int n, float[] bias, int biasAt, MemorySegment c, MemorySegment out,
                           long outAt, long outSampleStride) {
        /**
         * Rows [r0, r1) and columns [j0, j1) of product {@code sample}, plus the bias, into out: on the grid, dropping
         * the columns past outW in each row; gathered, into each sample's output planes.
         */
        void copyOut(int sample, int r0, int r1, int j0, int j1) {
            int pixels = geo.pixels();
            long cAt = (long) sample * rows * n;
            for (int r = r0; r < r1; r++) {
                float z = bias == null ? 0f : bias[biasAt + r];
                long from = cAt + (long) r * n;
                if (geo.grid()) {
                    int width = geo.phaseW(), outW = geo.outW();
                    long to = outAt + sample * outSampleStride + (long) r * pixels;
                    for (int oh = j0 / width; oh * width < j1 && oh < geo.outH(); oh++) {
                        int lo = Math.max(j0, oh * width), hi = Math.min(j1, oh * width + outW);
                        if (lo < hi) run(from + lo, to + (long) oh * outW + lo - (long) oh * width, hi - lo, z);
                    }
                } else {
                    for (int i = j0 / pixels; i * pixels < j1; i++) {
                        int lo = Math.max(j0, i * pixels), hi = Math.min(j1, (i + 1) * pixels);
                        run(from + lo, outAt + i * outSampleStride + (long) r * pixels + lo - (long) i * pixels, hi - lo, z);
                    }
                }
            }
        }

        /** out[to, to + count) = c[from, from + count) + z, in elements. */
        private void run(long from, long to, int count, float z) {
            if (bias == null) {
                MemorySegment.copy(c, ElementAccess.F32, from * Float.BYTES, out, ElementAccess.F32, to * Float.BYTES, count);
                return;
            }
            FloatVector zv = FloatVector.broadcast(S, z);
            ByteOrder order = ByteOrder.nativeOrder();
            int i = 0;
            for (; i <= count - L; i += L) {
                FloatVector.fromMemorySegment(S, c, (from + i) * Float.BYTES, order).add(zv).intoMemorySegment(out, (to + i) * Float.BYTES, order);
            }
            if (i < count) {
                VectorMask<Float> m = S.indexInRange(i, count);
                FloatVector.fromMemorySegment(S, c, (from + i) * Float.BYTES, order, m).add(zv)
                        .intoMemorySegment(out, (to + i) * Float.BYTES, order, m);
            }
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

    /**
     * An operand read from a zero-padded copy: step p, column j is {@code xp[shift + columnOffsets[j] +
     * stepOffsets[p]]}, for j below {@code columns}; both offset lists increasing. Here B = cols, columns the pixels
     * (their bases) and steps the taps; {@link WeightGradPanels}' B = cols^T, columns the taps and steps the pixels.
     */
    record PixelTaps(float[] xp, int[] columnOffsets, int[] stepOffsets, int columns, int shift) implements PanelProduct.Operand {
        @Override
        public void pack(float[] dst, int to, int first, int count, int k0, int kc, int width) {
            for (int q = 0; q < count; q++) {
                int j0 = (first + q) * width, cols = Math.min(width, columns - j0), d = to + q * kc * width;
                if (cols == width && width == 2 * S.length() && columnOffsets[j0 + width - 1] - columnOffsets[j0] == width - 1) {
                    // neighbouring elements (positions of a grid row, channels of a channels-last pixel): two vector
                    // copies per step
                    int from0 = shift + columnOffsets[j0];
                    for (int p = 0; p < kc; p++, d += width) {
                        int from = from0 + stepOffsets[k0 + p];
                        FloatVector.fromArray(S, xp, from).intoArray(dst, d);
                        FloatVector.fromArray(S, xp, from + S.length()).intoArray(dst, d + S.length());
                    }
                    continue;
                }
                if (cols % 16 == 0 && width % 16 == 0) {
                    // blocks of 16 scattered columns; a panel of 32 (AVX-512) may hold one block and 16 zero columns
                    for (int block = 0; block < width; block += 16) {
                        if (block < cols) {
                            gather16(dst, d + block, k0, kc, j0 + block, width);
                            continue;
                        }
                        for (int p = 0, e = d + block; p < kc; p++, e += width) java.util.Arrays.fill(dst, e, e + 16, 0f);
                    }
                    continue;
                }
                for (int p = 0; p < kc; p++, d += width) {
                    int from = shift + stepOffsets[k0 + p];
                    for (int j = 0; j < cols; j++) dst[d + j] = xp[from + columnOffsets[j0 + j]];
                    for (int j = cols; j < width; j++) dst[d + j] = 0f;
                }
            }
        }

        /**
         * 16 scattered columns from j0 into a panel {@code width} wide at dst[d], the column offsets held in registers
         * across the steps.
         */
        private void gather16(float[] dst, int d, int k0, int kc, int j0, int width) {
            int[] c = columnOffsets;
            int b0 = shift + c[j0], b1 = shift + c[j0 + 1], b2 = shift + c[j0 + 2], b3 = shift + c[j0 + 3];
            int b4 = shift + c[j0 + 4], b5 = shift + c[j0 + 5], b6 = shift + c[j0 + 6], b7 = shift + c[j0 + 7];
            int b8 = shift + c[j0 + 8], b9 = shift + c[j0 + 9], b10 = shift + c[j0 + 10], b11 = shift + c[j0 + 11];
            int b12 = shift + c[j0 + 12], b13 = shift + c[j0 + 13], b14 = shift + c[j0 + 14], b15 = shift + c[j0 + 15];
            for (int p = 0; p < kc; p++, d += width) {
                int t = stepOffsets[k0 + p];
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
                for (int kj = 0; kj < geo.kW(); kj++) offsets[t++] = geo.at(c, ki * geo.dH(), kj * geo.dW());
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
                for (int ow = 0; ow < geo.outW(); ow++) bases[j++] = s * sample + oh * geo.phaseW() + ow;
            }
        }
        return bases;
    }
}
