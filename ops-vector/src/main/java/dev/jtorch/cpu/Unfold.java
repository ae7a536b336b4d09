package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * im2col and col2im of one float32 sample (a block of channels of contiguous CHW planes) into and out of a heap
 * column buffer, for {@link ConvolutionKernels}. Column row {@code (ch*kH + ki)*kW + kj} holds, for each output
 * pixel, the input under tap (ki, kj) of channel ch, or 0 in the padding; element (row, pixel) lives at
 * {@code base + row*rowStride + pixel}, so one sample's columns can sit beside other samples' in a wider matrix.
 * The pixels whose tap lands inside the input form one run per output line ({@link WindowKernels.Run}),
 * so the inner loops neither test bounds nor, at strides 1 and 2, move one element at a time.
 */
final class Unfold {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Unfold() {}

    /** The planes' geometry: channels x h x w, contiguous, starting at element {@code offset} of a segment. */
    record Planes(MemorySegment data, long offset, int channels, int h, int w) {}

    /**
     * Columns of {@code in}. The planes are first copied to a heap array in one bulk copy, because a
     * segment-to-array copy per run costs more than the run itself when runs are short (28 floats in LeNet).
     */
    static void im2col(Planes in, Window2d win, float[] cols, int base, int rowStride) {
        float[] src = planeBuffer(in);
        MemorySegment.copy(in.data(), F32, in.offset() * Float.BYTES, src, 0, in.channels() * in.h() * in.w());
        int outH = (int) win.outH(), outW = (int) win.outW(), kH = win.kernelH(), kW = win.kernelW();
        int h = in.h(), w = in.w(), sH = win.strideH(), sW = win.strideW();
        for (int ch = 0; ch < in.channels(); ch++) {
            for (int ki = 0; ki < kH; ki++) {
                for (int kj = 0; kj < kW; kj++) {
                    int row = base + ((ch * kH + ki) * kW + kj) * rowStride;
                    WindowKernels.Run run = WindowKernels.Run.of(outW, w, sW, win.padW(), kj * win.dilationW());
                    int lo = (int) run.lo(), hi = (int) run.hi();
                    int iw0 = lo * sW - win.padW() + kj * win.dilationW();
                    for (int oh = 0; oh < outH; oh++) {
                        int line = row + oh * outW;
                        int ih = oh * sH - win.padH() + ki * win.dilationH();
                        if (ih < 0 || ih >= h || lo == hi) {
                            java.util.Arrays.fill(cols, line, line + outW, 0f);
                            continue;
                        }
                        for (int ow = 0; ow < lo; ow++) cols[line + ow] = 0f;
                        for (int ow = hi; ow < outW; ow++) cols[line + ow] = 0f;
                        int at = (ch * h + ih) * w + iw0;
                        if (sW == 1) {
                            copyRun(src, at, cols, line + lo, hi - lo);
                            continue;
                        }
                        int ow = lo;
                        if (sW == 2) {
                            // every other element: the even lanes of two vectors, as WinogradConv splits columns
                            // (ResNet layer2's strided 3x3 had 23% of its forward's samples in im2col, most of them
                            // in the element loop below)
                            for (int end = src.length - 2 * L; ow + L <= hi && at <= end; ow += L, at += 2 * L) {
                                FloatVector first = FloatVector.fromArray(S, src, at), second = FloatVector.fromArray(S, src, at + L);
                                WinogradConv.evenLanes(first, second).intoArray(cols, line + ow);
                            }
                        }
                        for (; ow < hi; ow++, at += sW) cols[line + ow] = src[at];
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: sums every column entry into the input position it came from. The sums
     * build up in a heap array that then overwrites {@code grad}'s planes in one bulk copy, so grad need not be zeroed.
     * Taps kj run outermost: the runs of neighbouring kj overlap shifted by one element, and a vector load that
     * overlaps a recent store only in part waits for it to retire; this order puts a whole channel sweep between them.
     */
    static void col2im(float[] cols, int base, int rowStride, Window2d win, Planes grad) {
        int h = grad.h(), w = grad.w(), size = grad.channels() * h * w;
        float[] dst = planeBuffer(grad);
        java.util.Arrays.fill(dst, 0, size, 0f);
        int outH = (int) win.outH(), outW = (int) win.outW(), kH = win.kernelH(), kW = win.kernelW();
        int sH = win.strideH(), sW = win.strideW();
        for (int kj = 0; kj < kW; kj++) {
            WindowKernels.Run run = WindowKernels.Run.of(outW, w, sW, win.padW(), kj * win.dilationW());
            int lo = (int) run.lo(), hi = (int) run.hi();
            int iw0 = lo * sW - win.padW() + kj * win.dilationW();
            for (int ch = 0; ch < grad.channels(); ch++) {
                for (int ki = 0; ki < kH; ki++) {
                    int row = base + ((ch * kH + ki) * kW + kj) * rowStride;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * sH - win.padH() + ki * win.dilationH();
                        if (ih < 0 || ih >= h) continue;
                        int line = row + oh * outW;
                        int at = (ch * h + ih) * w + iw0;
                        if (sW == 1) {
                            addRun(cols, line + lo, dst, at, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++, at += sW) dst[at] += cols[line + ow];
                        }
                    }
                }
            }
        }
        MemorySegment.copy(dst, 0, grad.data(), F32, grad.offset() * Float.BYTES, size);
    }

    private static final ThreadLocal<float[]> PLANES = ThreadBuffers.floats();

    /**
     * dst[to : to+n] += cols[from : from+n], whole vectors then scalars: runs are output lines (10 floats in LeNet's
     * conv2, 1500 of them per sample), short enough that a call to a shared helper costs more than the adds.
     */
    private static void addRun(float[] cols, int from, float[] dst, int to, int n) {
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector.fromArray(S, dst, to + i).add(FloatVector.fromArray(S, cols, from + i)).intoArray(dst, to + i);
        }
        for (; i < n; i++) dst[to + i] += cols[from + i];
    }

    private static float[] planeBuffer(Planes p) {
        return ThreadBuffers.atLeast(PLANES, p.channels() * p.h() * p.w());
    }

    /**
     * cols[to : to+n] = src[from : from+n], in vectors with a masked last one: runs are output lines (10 to 56
     * floats in LeNet and ResNet), where a System.arraycopy call costs more than the copy.
     */
    private static void copyRun(float[] src, int from, float[] cols, int to, int n) {
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) FloatVector.fromArray(S, src, from + i).intoArray(cols, to + i);
        if (i < n) {
            VectorMask<Float> tail = S.indexInRange(i, n);
            FloatVector.fromArray(S, src, from + i, tail).intoArray(cols, to + i, tail);
        }
    }
}
