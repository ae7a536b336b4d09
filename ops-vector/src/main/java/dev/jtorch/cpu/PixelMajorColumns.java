package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The columns of one sample transposed, one row per output pixel, for the weight gradient
 * {@code dW (O/g x K) += dy (O/g x P) @ colsT (P x K)}: with colsT row-major, Sgemm packs it with bulk row copies,
 * where the channel-major cols (K x P) read as cols^T would be packed one element at a time (about a third of
 * the product's time at ResNet's layer1 shapes). A row lists the taps in the order (ki, kj, c), channels innermost,
 * so each (pixel, tap) is a copy of the cg contiguous channels of one pixel of a zero-padded channels-last copy
 * of the input; {@link #toChannelMajor} puts a gradient in (ki, kj, c) order back in the weight's (c, ki, kj) order.
 */
final class PixelMajorColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ThreadLocal<float[]> CHANNELS_LAST = ThreadBuffers.floats();

    private PixelMajorColumns() {}

    /**
     * Enough channels per group that a tap's copy is whole vectors rather than a few scalars; more than one tap (a
     * 1x1 kernel's colsT is the input transposed: measured no faster than packing cols^T); and a gradient that is
     * small beside one sample's columns, since {@link #toChannelMajor} moves it element by element (ResNet layer4's
     * 512 x 4608 gradient against 49 pixels: twice slower at 2 threads, each thread reordering its partial sums).
     */
    static boolean suits(int channelsPerGroup, int outPerGroup, Window2d win) {
        return channelsPerGroup >= MIN_CHANNELS && win.kernelH() * win.kernelW() > 1
                && (long) outPerGroup * MIN_PIXELS_PER_GRADIENT_ROW <= win.outH() * win.outW();
    }

    /**
     * Two AVX2 vectors, one AVX-512 vector: a fixed count rather than a multiple of the lane count, so a layer takes
     * the same path on either machine (measured on AVX2).
     */
    private static final int MIN_CHANNELS = 16;

    /** Output pixels per sample per row of the gradient (output channel) below which the reorder costs too much. */
    private static final int MIN_PIXELS_PER_GRADIENT_ROW = 16;

    /**
     * {@code colsT[(rowAt + p)*K + (ki*kW + kj)*cg + c]} = the input under tap (ki, kj) of channel c at output pixel p,
     * 0 in the padding: one sample and group, planes (cg x h x w) contiguous at element xAt of x.
     */
    static void unfold(MemorySegment x, long xAt, int cg, int h, int w, Window2d win, float[] colsT, int rowAt) {
        int pH = win.padH(), pW = win.padW(), hp = h + 2 * pH, wp = w + 2 * pW;
        float[] last = channelsLast(x, xAt, cg, h, w, pH, pW, hp, wp);
        int outH = (int) win.outH(), outW = (int) win.outW(), kH = win.kernelH(), kW = win.kernelW();
        int sH = win.strideH(), sW = win.strideW(), dH = win.dilationH(), dW = win.dilationW();
        int patch = cg * kH * kW;
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                int to = (rowAt + oh * outW + ow) * patch;
                for (int ki = 0; ki < kH; ki++) {
                    int from = ((oh * sH + ki * dH) * wp + ow * sW) * cg;
                    for (int kj = 0; kj < kW; kj++, to += cg, from += dW * cg) copy(last, from, colsT, to, cg);
                }
            }
        }
    }

    /** {@code dst[at + (o*cg + c)*taps + t] = tapMajor[(o*taps + t)*cg + c]}: a gradient from (o, tap, c) to (o, c, tap). */
    static void toChannelMajor(float[] tapMajor, int og, int cg, int taps, float[] dst, int at) {
        for (int o = 0; o < og; o++) {
            for (int t = 0; t < taps; t++) {
                int from = (o * taps + t) * cg, to = at + o * cg * taps + t;
                for (int c = 0; c < cg; c++) dst[to + c * taps] = tapMajor[from + c];
            }
        }
    }

    /** The planes channels-last, {@code last[(i*wp + j)*cg + c]}, with pH/pW zeros around them. */
    private static float[] channelsLast(MemorySegment x, long xAt, int cg, int h, int w, int pH, int pW, int hp, int wp) {
        int size = hp * wp * cg;
        float[] last = ThreadBuffers.atLeast(CHANNELS_LAST, size + (long) h * w);
        // each plane first to the tail of the buffer in one bulk copy, then transposed into place
        int planes = size;
        if (pH > 0 || pW > 0) java.util.Arrays.fill(last, 0, size, 0f);
        for (int c = 0; c < cg; c++) {
            MemorySegment.copy(x, ElementAccess.F32, (xAt + (long) c * h * w) * Float.BYTES, last, planes, h * w);
            for (int i = 0; i < h; i++) {
                int to = ((i + pH) * wp + pW) * cg + c, from = planes + i * w;
                for (int j = 0; j < w; j++, to += cg) last[to] = last[from + j];
            }
        }
        return last;
    }

    /** dst[to : to+n] = src[from : from+n] in whole vectors, then scalars (n is a few vectors: the channels). */
    private static void copy(float[] src, int from, float[] dst, int to, int n) {
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) FloatVector.fromArray(S, src, from + i).intoArray(dst, to + i);
        for (; i < n; i++) dst[to + i] = src[from + i];
    }

    /** The plain loops the unfold is tested against: colsT straight from the definition. */
    static void reference(MemorySegment x, long xAt, int cg, int h, int w, Window2d win, float[] colsT, int rowAt) {
        int outH = (int) win.outH(), outW = (int) win.outW(), kH = win.kernelH(), kW = win.kernelW(), patch = cg * kH * kW;
        for (int oh = 0; oh < outH; oh++) for (int ow = 0; ow < outW; ow++) for (int ki = 0; ki < kH; ki++) for (int kj = 0; kj < kW; kj++) {
            for (int c = 0; c < cg; c++) {
                int ih = oh * win.strideH() - win.padH() + ki * win.dilationH(), iw = ow * win.strideW() - win.padW() + kj * win.dilationW();
                float v = ih < 0 || ih >= h || iw < 0 || iw >= w ? 0f : x.getAtIndex(ElementAccess.F32, xAt + ((long) c * h + ih) * w + iw);
                colsT[(rowAt + oh * outW + ow) * patch + (ki * kW + kj) * cg + c] = v;
            }
        }
    }
}
