package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.F32;
import static dev.jtorch.cpu.ElementAccess.I64;

/**
 * The float32 planes of {@link PoolingKernels}: the same window rules, with the sums in float as PyTorch's CPU
 * kernel keeps them. Each plane is gathered into a heap array first (one bulk copy when it is contiguous), so the
 * window loops are plain array loops instead of a segment access with strides per element; results go back the
 * same way. Each method does one plane; {@link PoolingKernels} splits planes over threads and keeps the generic
 * loops as the reference.
 */
final class Float32Pooling {
    private static final ThreadLocal<float[][]> PLANES = ThreadLocal.withInitial(() -> new float[2][0]);

    private Float32Pooling() {}

    static void maxPlane(MemorySegment s, Nchw in, long sp, Window2d w, MemorySegment d, Nchw out, long dp,
                         MemorySegment id, Nchw ix, long ip) {
        float[] x = gather(s, in, sp, 0), y = buffer(1, (int) (out.h() * out.w()));
        int inW = (int) in.w(), inH = (int) in.h(), dh = w.dilationH(), dw = w.dilationW();
        if (isTwoByTwo(w) && id == null) {
            maxTwoByTwoValues(x, inW, y, (int) out.h(), (int) out.w());
            scatter(y, d, out, dp);
            return;
        }
        if (isTwoByTwo(w) && ix.strideW() == 1 && ix.strideH() == out.w()) {
            maxTwoByTwo(x, inW, y, (int) out.h(), (int) out.w(), id, ip);
            scatter(y, d, out, dp);
            return;
        }
        for (int oh = 0, o = 0; oh < out.h(); oh++) {
            int h0 = oh * w.strideH() - w.padH();
            int h1 = Math.min(h0 + (w.kernelH() - 1) * dh + 1, inH);
            while (h0 < 0) h0 += dh;
            for (int ow = 0; ow < out.w(); ow++, o++) {
                int w0 = ow * w.strideW() - w.padW();
                int w1 = Math.min(w0 + (w.kernelW() - 1) * dw + 1, inW);
                while (w0 < 0) w0 += dw;
                int at = h0 * inW + w0;
                float max = Float.NEGATIVE_INFINITY;
                for (int h = h0; h < h1; h += dh) {
                    for (int c = h * inW + w0, end = h * inW + w1; c < end; c += dw) {
                        float v = x[c];
                        // NaN wins (the last one); tested second, as the rare case
                        if (v > max || v != v) {
                            max = v;
                            at = c;
                        }
                    }
                }
                y[o] = max;
                if (id != null) id.setAtIndex(I64, ip + oh * ix.strideH() + ow * ix.strideW(), (long) at);
            }
        }
        scatter(y, d, out, dp);
    }

    static void maxBackwardPlane(MemorySegment g, Nchw go, long gp, MemorySegment id, Nchw ix, long ip,
                                 MemorySegment d, Nchw gi, long dp) {
        long planeSize = gi.h() * gi.w();
        float[] dx = gather(d, gi, dp, 0);
        for (long oh = 0; oh < go.h(); oh++) {
            for (long ow = 0; ow < go.w(); ow++) {
                long at = id.getAtIndex(I64, ip + oh * ix.strideH() + ow * ix.strideW());
                if (at < 0 || at >= planeSize) {
                    throw new IndexOutOfBoundsException("max_pool2d index " + at + " is out of bounds for an input plane of size " + planeSize);
                }
                dx[(int) at] += g.getAtIndex(F32, gp + oh * go.strideH() + ow * go.strideW());
            }
        }
        scatter(dx, d, gi, dp);
    }

    static void avgPlane(MemorySegment s, Nchw in, long sp, Window2d w, MemorySegment d, Nchw out, long dp) {
        float[] x = gather(s, in, sp, 0), y = buffer(1, (int) (out.h() * out.w()));
        int inW = (int) in.w();
        int inH = (int) in.h();
        if (isTwoByTwo(w)) {
            avgTwoByTwo(x, inW, y, (int) out.h(), (int) out.w());
            scatter(y, d, out, dp);
            return;
        }
        for (int oh = 0; oh < out.h(); oh++) {
            for (int ow = 0; ow < out.w(); ow++) {
                // the window rules of PoolingKernels.AvgWindow, in locals: a record per window is not always scalarised
                int h0 = oh * w.strideH() - w.padH(), w0 = ow * w.strideW() - w.padW();
                int h1 = Math.min(h0 + w.kernelH(), inH + w.padH()), w1 = Math.min(w0 + w.kernelW(), inW + w.padW());
                int padded = (h1 - h0) * (w1 - w0);
                h0 = Math.max(h0, 0); w0 = Math.max(w0, 0); h1 = Math.min(h1, inH); w1 = Math.min(w1, inW);
                float sum = 0;
                for (int h = h0; h < h1; h++) {
                    for (int c = h * inW + w0, end = h * inW + w1; c < end; c++) sum += x[c];
                }
                boolean empty = h0 >= h1 || w0 >= w1;
                int divisor = w.countIncludePad() ? padded : (h1 - h0) * (w1 - w0);
                y[(int) (oh * out.w() + ow)] = empty ? 0 : sum / divisor;
            }
        }
        scatter(y, d, out, dp);
    }

    static void avgBackwardPlane(MemorySegment g, Nchw go, long gp, Window2d w, MemorySegment d, Nchw gi, long dp) {
        float[] dy = gather(g, go, gp, 1), dx = gather(d, gi, dp, 0);
        int inW = (int) gi.w();
        int inH = (int) gi.h();
        if (isTwoByTwo(w)) {
            avgBackwardTwoByTwo(dy, (int) go.h(), (int) go.w(), dx, inW);
            scatter(dx, d, gi, dp);
            return;
        }
        for (int oh = 0; oh < go.h(); oh++) {
            for (int ow = 0; ow < go.w(); ow++) {
                int h0 = oh * w.strideH() - w.padH(), w0 = ow * w.strideW() - w.padW();
                int h1 = Math.min(h0 + w.kernelH(), inH + w.padH()), w1 = Math.min(w0 + w.kernelW(), inW + w.padW());
                int padded = (h1 - h0) * (w1 - w0);
                h0 = Math.max(h0, 0); w0 = Math.max(w0, 0); h1 = Math.min(h1, inH); w1 = Math.min(w1, inW);
                if (h0 >= h1 || w0 >= w1) continue;
                int divisor = w.countIncludePad() ? padded : (h1 - h0) * (w1 - w0);
                float share = dy[(int) (oh * go.w() + ow)] / divisor;
                for (int h = h0; h < h1; h++) {
                    for (int c = h * inW + w0, end = h * inW + w1; c < end; c++) dx[c] += share;
                }
            }
        }
        scatter(dx, d, gi, dp);
    }

    /**
     * LeNet's and ResNet's 2 x 2 window at stride 2 with no padding, every window inside the input (in ceil mode an
     * odd input's last window would hang over its edge).
     */
    private static boolean isTwoByTwo(Window2d w) {
        return w.kernelH() == 2 && w.kernelW() == 2 && w.strideH() == 2 && w.strideW() == 2 && w.padH() == 0 && w.padW() == 0
                && w.dilationH() == 1 && w.dilationW() == 1 && 2 * w.outH() <= w.inH() && 2 * w.outW() <= w.inW();
    }

    /**
     * {@link #avgPlane} for {@link #isTwoByTwo} windows: four taps summed in the general loop's order from 0, then
     * divided by 4 (every window is whole, so the divisor is 4 with or without countIncludePad).
     */
    private static void avgTwoByTwo(float[] x, int inW, float[] y, int outH, int outW) {
        for (int oh = 0, o = 0; oh < outH; oh++) {
            for (int ow = 0, c = 2 * oh * inW; ow < outW; ow++, o++, c += 2) {
                y[o] = (0f + x[c] + x[c + 1] + x[c + inW] + x[c + inW + 1]) / 4;
            }
        }
    }

    /** {@link #avgBackwardPlane} for {@link #isTwoByTwo} windows: each input of a window gets a quarter of its gradient. */
    private static void avgBackwardTwoByTwo(float[] dy, int outH, int outW, float[] dx, int inW) {
        for (int oh = 0, o = 0; oh < outH; oh++) {
            for (int ow = 0, c = 2 * oh * inW; ow < outW; ow++, o++, c += 2) {
                float share = dy[o] / 4;
                dx[c] += share;
                dx[c + 1] += share;
                dx[c + inW] += share;
                dx[c + inW + 1] += share;
            }
        }
    }

    /**
     * {@link #maxPlane} for {@link #isTwoByTwo} windows, with the general loop's order and NaN rule (the last NaN
     * wins) written out for four taps; the indices, contiguous in their plane, go out in one bulk copy.
     */
    private static void maxTwoByTwo(float[] x, int inW, float[] y, int outH, int outW, MemorySegment id, long ip) {
        long[] at = indexBuffer(outH * outW);
        for (int oh = 0, o = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++, o++) {
                int c = 2 * oh * inW + 2 * ow, best = c;
                float max = x[c];
                if (x[c + 1] > max || x[c + 1] != x[c + 1]) { max = x[c + 1]; best = c + 1; }
                if (x[c + inW] > max || x[c + inW] != x[c + inW]) { max = x[c + inW]; best = c + inW; }
                if (x[c + inW + 1] > max || x[c + inW + 1] != x[c + inW + 1]) { max = x[c + inW + 1]; best = c + inW + 1; }
                y[o] = max;
                at[o] = best;
            }
        }
        MemorySegment.copy(at, 0, id, I64, ip * Long.BYTES, outH * outW);
    }

    /** {@link #maxTwoByTwo}'s values without the argmax (inference): the same comparisons, in the same order. */
    private static void maxTwoByTwoValues(float[] x, int inW, float[] y, int outH, int outW) {
        for (int oh = 0, o = 0; oh < outH; oh++) {
            for (int ow = 0, c = 2 * oh * inW; ow < outW; ow++, o++, c += 2) {
                float max = x[c], v;
                if ((v = x[c + 1]) > max || v != v) max = v;
                if ((v = x[c + inW]) > max || v != v) max = v;
                if ((v = x[c + inW + 1]) > max || v != v) max = v;
                y[o] = max;
            }
        }
    }

    private static final ThreadLocal<long[]> INDICES = ThreadLocal.withInitial(() -> new long[0]);

    private static long[] indexBuffer(int size) {
        long[] a = INDICES.get();
        if (a.length < size) {
            a = new long[size];
            INDICES.set(a);
        }
        return a;
    }

    /** The plane at {@code p0} as a row-major heap array (this thread's buffer {@code slot}). */
    private static float[] gather(MemorySegment s, Nchw t, long p0, int slot) {
        int h = (int) t.h(), w = (int) t.w();
        float[] a = buffer(slot, h * w);
        if (t.strideW() == 1 && t.strideH() == w) {
            MemorySegment.copy(s, F32, p0 * Float.BYTES, a, 0, h * w);
        } else {
            for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) a[i * w + j] = s.getAtIndex(F32, p0 + i * t.strideH() + j * t.strideW());
        }
        return a;
    }

    /** Writes a row-major heap plane back to the plane at {@code p0}. */
    private static void scatter(float[] a, MemorySegment d, Nchw t, long p0) {
        int h = (int) t.h(), w = (int) t.w();
        if (t.strideW() == 1 && t.strideH() == w) {
            MemorySegment.copy(a, 0, d, F32, p0 * Float.BYTES, h * w);
        } else {
            for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) d.setAtIndex(F32, p0 + i * t.strideH() + j * t.strideW(), a[i * w + j]);
        }
    }

    private static float[] buffer(int slot, int size) {
        float[][] slots = PLANES.get();
        if (slots[slot].length < size) slots[slot] = new float[size];
        return slots[slot];
    }
}
