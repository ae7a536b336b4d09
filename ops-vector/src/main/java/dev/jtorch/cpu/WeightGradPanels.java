package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;

import java.lang.foreign.MemorySegment;

/**
 * The weight gradient of one group as one product over a chunk of samples, {@code dW (O/g x K) = dy (O/g x N*P) @
 * cols^T (N*P x K)}, on {@link PanelProduct} with no column matrix: the reduction runs over (sample, pixel), the A
 * panels are dy's rows interleaved, and each B panel entry is read from a zero-padded copy of the chunk's input at
 * {@code base[sample, pixel] + tapOffset[tap]} ({@link ImplicitConv.PixelTaps}, the forward's operand with the roles
 * of pixels and taps swapped). Two layouts of that copy:
 * <ul>
 *   <li><b>channel-major</b> ({@code xp[s][c][hp][wp]}), taps in the weight's order (c, ki, kj): a B panel entry is
 *       one scalar read (16 columns at a time, their offsets in registers); the gradient lands in the weight's layout
 *       as it is;
 *   <li><b>channels-last</b> ({@code xp[s][hp][wp][c]}), taps in the order (ki, kj, c): the 16 taps of a panel are
 *       16 neighbouring channels of one pixel, two vector copies; the gradient comes out tap-major and is reordered
 *       once ({@link PixelMajorColumns#toChannelMajor}). Chosen where {@link PixelMajorColumns#suits} says the
 *       reorder is small beside the copies it saves.
 * </ul>
 * The product is split between threads by column panels (taps) when there are enough of them, else by row panels
 * (output channels): each thread owns its part of dW, so no partial sums are added afterwards.
 */
final class WeightGradPanels {
    /** Floats of the padded input copy one chunk of samples may take (16 MiB). */
    static final long CHUNK_FLOATS = 4L << 20;

    private static final ThreadLocal<float[]> PADDED = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> TAP_MAJOR = ThreadBuffers.floats();
    private static final ThreadLocal<int[]> BASES = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> TAP_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);

    private WeightGradPanels() {}

    /**
     * Where the panels beat unfold + Sgemm: more output channels than {@link ConvGemm} and {@link ChannelVectorConv}
     * take, more than one pixel per sample (one pixel reads dy and the input in place), and the padded chunk bounded.
     */
    static boolean suits(ConvolutionKernels.Shape s) {
        return s.outPerGroup() > 16 && s.pixels() > 1 && paddedFloats(s) <= CHUNK_FLOATS;
    }

    /**
     * dW[group g] = the gradient over every sample, written at element dkAt of dk (the weight's layout, K = patch
     * per output channel).
     */
    static void compute(ConvolutionKernels.Shape s, int g, MemorySegment dy, long dyOff, MemorySegment x, long xOff,
                        MemorySegment dk, long dkAt) {
        Window2d win = s.win();
        int og = s.outPerGroup(), cg = s.channelsPerGroup(), patch = s.patch(), pixels = s.pixels();
        boolean channelsLast = PixelMajorColumns.suits(cg, og, win);
        int chunk = (int) Math.max(1, Math.min(s.n(), CHUNK_FLOATS / paddedFloats(s)));
        SgemmMicroKernel kern = PanelProduct.kernel();
        int rowPanels = Math.ceilDiv(og, kern.mr), colPanels = Math.ceilDiv(patch, kern.nr);
        MemorySegment c = channelsLast ? PanelProduct.productBuffer((long) og * patch) : dk;
        long cAt = channelsLast ? 0 : dkAt;
        int threads = IntraOpPool.inParallelRegion() || !GemmThreading.accessibleFromPool(dy, x, dk, null) ? 1 : IntraOpPool.numThreads();
        // each thread packs all of the operand it does not split: split the larger one (the input's taps, but dy
        // where it has more output channels than the input has taps, as a 1x1 expansion)
        boolean byColumns = patch >= og && colPanels >= threads || rowPanels < threads;
        int[] tapOffsets = tapOffsets(s, channelsLast);
        for (int first = 0; first < s.n(); first += chunk) {
            int samples = Math.min(chunk, s.n() - first);
            float[] xp = channelsLast ? channelsLast(s, x, xOff, first, samples, g) : channelMajor(s, x, xOff, first, samples, g);
            int[] bases = bases(s, samples, channelsLast);
            PanelProduct.SegmentRows a = new PanelProduct.SegmentRows(dy, dyOff + ((long) first * s.o() + (long) g * og) * pixels, (long) s.o() * pixels, pixels, og);
            var b = new ImplicitConv.PixelTaps(xp, tapOffsets, bases, patch, 0);
            int k = samples * pixels;
            boolean accumulate = first > 0;
            IntraOpPool.parallelFor(byColumns ? colPanels : rowPanels, 1, (p0, p1) -> {
                if (byColumns) PanelProduct.multiply(a, b, og, patch, k, 0, rowPanels, (int) p0, (int) p1, accumulate, c, cAt, patch);
                else PanelProduct.multiply(a, b, og, patch, k, (int) p0, (int) p1, 0, colPanels, accumulate, c, cAt, patch);
            });
        }
        if (channelsLast) {
            float[] tapMajor = ThreadBuffers.atLeast(TAP_MAJOR, (long) og * patch), sums = ThreadBuffers.atLeast(PADDED, (long) og * patch);
            MemorySegment.copy(c, ElementAccess.F32, 0, tapMajor, 0, og * patch);
            PixelMajorColumns.toChannelMajor(tapMajor, og, cg, win.kernelH() * win.kernelW(), sums, 0);
            MemorySegment.copy(sums, 0, dk, ElementAccess.F32, dkAt * Float.BYTES, og * patch);
        }
    }

    /** Floats of one sample's zero-padded input planes. */
    private static long paddedFloats(ConvolutionKernels.Shape s) {
        Window2d win = s.win();
        return (long) s.channelsPerGroup() * (s.h() + 2L * win.padH()) * (s.w() + 2L * win.padW());
    }

    /** Offset of each tap from a pixel's base: (c, ki, kj) order channel-major, (ki, kj, c) channels-last. */
    private static int[] tapOffsets(ConvolutionKernels.Shape s, boolean channelsLast) {
        Window2d win = s.win();
        int cg = s.channelsPerGroup(), kH = win.kernelH(), kW = win.kernelW();
        int hp = s.h() + 2 * win.padH(), wp = s.w() + 2 * win.padW();
        int[] offsets = TAP_OFFSETS.get();
        if (offsets.length < s.patch()) TAP_OFFSETS.set(offsets = new int[s.patch()]);
        for (int c = 0; c < cg; c++) {
            for (int ki = 0; ki < kH; ki++) {
                for (int kj = 0; kj < kW; kj++) {
                    int shift = ki * win.dilationH() * wp + kj * win.dilationW();
                    if (channelsLast) offsets[(ki * kW + kj) * cg + c] = shift * cg + c;
                    else offsets[(c * kH + ki) * kW + kj] = c * hp * wp + shift;
                }
            }
        }
        return offsets;
    }

    /** The element of the padded copy under tap offset 0 for each (sample, pixel) of a chunk. */
    private static int[] bases(ConvolutionKernels.Shape s, int samples, boolean channelsLast) {
        Window2d win = s.win();
        int outH = (int) win.outH(), outW = (int) win.outW(), wp = s.w() + 2 * win.padW();
        int sample = (int) paddedFloats(s), scale = channelsLast ? s.channelsPerGroup() : 1;
        int[] bases = BASES.get();
        if (bases.length < samples * s.pixels()) BASES.set(bases = new int[samples * s.pixels()]);
        for (int n = 0, kk = 0; n < samples; n++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) bases[kk++] = n * sample + (oh * win.strideH() * wp + ow * win.strideW()) * scale;
            }
        }
        return bases;
    }

    /** Group g's input planes of samples [first, first+samples), zero-padded: {@code xp[s][c][hp][wp]}. */
    private static float[] channelMajor(ConvolutionKernels.Shape s, MemorySegment x, long xOff, int first, int samples, int g) {
        Window2d win = s.win();
        int cg = s.channelsPerGroup(), h = s.h(), w = s.w(), pH = win.padH(), pW = win.padW(), hp = h + 2 * pH, wp = w + 2 * pW;
        int size = samples * cg * hp * wp;
        float[] xp = ThreadBuffers.atLeast(PADDED, size);
        boolean padded = pH > 0 || pW > 0;
        for (int n = 0; n < samples; n++) {
            long from = s.inputOffset(xOff, first + n, g);
            int to = n * cg * hp * wp;
            if (!padded) {
                MemorySegment.copy(x, ElementAccess.F32, from * Float.BYTES, xp, to, cg * h * w);
                continue;
            }
            java.util.Arrays.fill(xp, to, to + cg * hp * wp, 0f);
            for (int c = 0; c < cg; c++) {
                for (int i = 0; i < h; i++) {
                    MemorySegment.copy(x, ElementAccess.F32, (from + ((long) c * h + i) * w) * Float.BYTES, xp, to + (c * hp + i + pH) * wp + pW, w);
                }
            }
        }
        return xp;
    }

    /** Group g's input of samples [first, first+samples), zero-padded and channels-last: {@code xp[s][hp][wp][c]}. */
    private static float[] channelsLast(ConvolutionKernels.Shape s, MemorySegment x, long xOff, int first, int samples, int g) {
        Window2d win = s.win();
        int cg = s.channelsPerGroup(), h = s.h(), w = s.w(), pH = win.padH(), pW = win.padW(), wp = w + 2 * pW;
        int sample = (int) paddedFloats(s), size = samples * sample;
        float[] xp = ThreadBuffers.atLeast(PADDED, size + (long) h * w);
        java.util.Arrays.fill(xp, 0, size, 0f);
        // each plane first to the tail of the buffer in one bulk copy, then transposed into place
        int plane = size;
        for (int n = 0; n < samples; n++) {
            long from = s.inputOffset(xOff, first + n, g);
            for (int c = 0; c < cg; c++) {
                MemorySegment.copy(x, ElementAccess.F32, (from + (long) c * h * w) * Float.BYTES, xp, plane, h * w);
                for (int i = 0; i < h; i++) {
                    int to = n * sample + ((i + pH) * wp + pW) * cg + c, at = plane + i * w;
                    for (int j = 0; j < w; j++, to += cg) xp[to] = xp[at + j];
                }
            }
        }
        return xp;
    }
}
