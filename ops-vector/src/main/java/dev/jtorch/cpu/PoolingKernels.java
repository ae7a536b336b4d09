package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * 2-d max and average pooling and their backward passes, with PyTorch's window rules: padding is never the
 * max, a NaN in a window wins it (the last NaN's index, as PyTorch's {@code val > max || isnan(val)} gives),
 * and the average divides by the window clipped to input-plus-padding, or to the input alone without
 * {@code countIncludePad}. Average pooling has no dilation, as in PyTorch. Work is split by (n, c) plane.
 */
final class PoolingKernels {
    private PoolingKernels() {}

    static void maxPool2d(Tensor input, Window2d w, Tensor output, Tensor indices) {
        // indices == null: inference, values only
        Nchw in = Nchw.of(input), out = Nchw.of(output), ix = indices == null ? null : Nchw.of(indices);
        MemorySegment s = segment(input), d = segment(output), id = indices == null ? null : segment(indices);
        DType st = input.dtype(), dt = output.dtype(), it = indices == null ? DType.INT64 : indices.dtype();
        long outH = out.h(), outW = out.w();
        boolean f32 = st == DType.FLOAT32 && dt == DType.FLOAT32 && it == DType.INT64;
        if (f32 && runsSerially(out, (long) w.kernelH() * w.kernelW())) {
            // no lambda on the single-threaded path: batch-1 inference allocates nothing here
            for (long p = 0; p < out.planes(); p++) {
                Float32Pooling.maxPlane(s, in, in.plane(p), w, d, out, out.plane(p), id, ix, ix == null ? 0 : ix.plane(p));
            }
            return;
        }
        parallelOverPlanes(out, (long) w.kernelH() * w.kernelW(), p -> {
            long sp = in.plane(p), dp = out.plane(p), ip = ix == null ? 0 : ix.plane(p);
            if (f32) {
                Float32Pooling.maxPlane(s, in, sp, w, d, out, dp, id, ix, ip);
                return;
            }
            for (long oh = 0; oh < outH; oh++) {
                long h0 = oh * w.strideH() - w.padH();
                long h1 = Math.min(h0 + (long) (w.kernelH() - 1) * w.dilationH() + 1, in.h());
                while (h0 < 0) h0 += w.dilationH();
                for (long ow = 0; ow < outW; ow++) {
                    long w0 = ow * w.strideW() - w.padW();
                    long w1 = Math.min(w0 + (long) (w.kernelW() - 1) * w.dilationW() + 1, in.w());
                    while (w0 < 0) w0 += w.dilationW();
                    long best = h0 * in.w() + w0;
                    double max = Double.NEGATIVE_INFINITY;
                    for (long h = h0; h < h1; h += w.dilationH()) {
                        for (long x = w0; x < w1; x += w.dilationW()) {
                            double v = getDouble(s, st, sp + h * in.strideH() + x * in.strideW());
                            if (v > max || Double.isNaN(v)) {
                                max = v;
                                best = h * in.w() + x;
                            }
                        }
                    }
                    setDouble(d, dt, dp + oh * out.strideH() + ow * out.strideW(), max);
                    if (id != null) setLong(id, it, ip + oh * ix.strideH() + ow * ix.strideW(), best);
                }
            }
        });
    }

    static void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        Nchw go = Nchw.of(gradOut), ix = Nchw.of(indices), gi = Nchw.of(gradIn);
        MemorySegment g = segment(gradOut), id = segment(indices), d = segment(gradIn);
        DType gt = gradOut.dtype(), it = indices.dtype(), dt = gradIn.dtype();
        long planeSize = gi.h() * gi.w();
        boolean f32 = gt == DType.FLOAT32 && dt == DType.FLOAT32 && it == DType.INT64;
        parallelOverPlanes(go, 1, p -> {
            long gp = go.plane(p), ip = ix.plane(p), dp = gi.plane(p);
            if (f32) {
                Float32Pooling.maxBackwardPlane(g, go, gp, id, ix, ip, d, gi, dp);
                return;
            }
            for (long oh = 0; oh < go.h(); oh++) {
                for (long ow = 0; ow < go.w(); ow++) {
                    long at = getLong(id, it, ip + oh * ix.strideH() + ow * ix.strideW());
                    if (at < 0 || at >= planeSize) {
                        throw new IndexOutOfBoundsException("max_pool2d index " + at + " is out of bounds for an input plane of size " + planeSize);
                    }
                    long target = dp + (at / gi.w()) * gi.strideH() + (at % gi.w()) * gi.strideW();
                    RunAccumulate.addRun(g, gt, gp + oh * go.strideH() + ow * go.strideW(), 0, d, dt, target, 0, 1);
                }
            }
        });
    }

    static void avgPool2d(Tensor input, Window2d w, Tensor output) {
        Nchw in = Nchw.of(input), out = Nchw.of(output);
        MemorySegment s = segment(input), d = segment(output);
        DType st = input.dtype(), dt = output.dtype();
        boolean f32 = st == DType.FLOAT32 && dt == DType.FLOAT32;
        if (f32 && runsSerially(out, (long) w.kernelH() * w.kernelW())) {
            for (long p = 0; p < out.planes(); p++) Float32Pooling.avgPlane(s, in, in.plane(p), w, d, out, out.plane(p));
            return;
        }
        parallelOverPlanes(out, (long) w.kernelH() * w.kernelW(), p -> {
            long sp = in.plane(p), dp = out.plane(p);
            if (f32) {
                Float32Pooling.avgPlane(s, in, sp, w, d, out, dp);
                return;
            }
            for (long oh = 0; oh < out.h(); oh++) {
                for (long ow = 0; ow < out.w(); ow++) {
                    AvgWindow win = AvgWindow.of(w, in, oh, ow);
                    double sum = 0;
                    for (long h = win.h0; h < win.h1; h++) {
                        for (long x = win.w0; x < win.w1; x++) sum += getDouble(s, st, sp + h * in.strideH() + x * in.strideW());
                    }
                    setDouble(d, dt, dp + oh * out.strideH() + ow * out.strideW(), win.empty() ? 0 : sum / win.divisor);
                }
            }
        });
    }

    static void avgPool2dBackward(Tensor gradOut, Window2d w, Tensor gradIn) {
        Nchw go = Nchw.of(gradOut), gi = Nchw.of(gradIn);
        MemorySegment g = segment(gradOut), d = segment(gradIn);
        DType gt = gradOut.dtype(), dt = gradIn.dtype();
        boolean f32 = gt == DType.FLOAT32 && dt == DType.FLOAT32;
        parallelOverPlanes(go, (long) w.kernelH() * w.kernelW(), p -> {
            long gp = go.plane(p), dp = gi.plane(p);
            if (f32) {
                Float32Pooling.avgBackwardPlane(g, go, gp, w, d, gi, dp);
                return;
            }
            for (long oh = 0; oh < go.h(); oh++) {
                for (long ow = 0; ow < go.w(); ow++) {
                    AvgWindow win = AvgWindow.of(w, gi, oh, ow);
                    if (win.empty()) continue;
                    double share = getDouble(g, gt, gp + oh * go.strideH() + ow * go.strideW()) / win.divisor;
                    for (long h = win.h0; h < win.h1; h++) {
                        for (long x = win.w0; x < win.w1; x++) {
                            long at = dp + h * gi.strideH() + x * gi.strideW();
                            setDouble(d, dt, at, getDouble(d, dt, at) + share);
                        }
                    }
                }
            }
        });
    }

    /** An average-pooling window clipped to the input, and what its sum is divided by. */
    record AvgWindow(long h0, long h1, long w0, long w1, long divisor) {
        static AvgWindow of(Window2d w, Nchw in, long oh, long ow) {
            long h0 = oh * w.strideH() - w.padH(), w0 = ow * w.strideW() - w.padW();
            long h1 = Math.min(h0 + w.kernelH(), in.h() + w.padH()), w1 = Math.min(w0 + w.kernelW(), in.w() + w.padW());
            long padded = (h1 - h0) * (w1 - w0);
            h0 = Math.max(h0, 0);
            w0 = Math.max(w0, 0);
            h1 = Math.min(h1, in.h());
            w1 = Math.min(w1, in.w());
            long inside = Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
            return new AvgWindow(h0, h1, w0, w1, w.countIncludePad() ? padded : inside);
        }

        boolean empty() { return h0 >= h1 || w0 >= w1; }
    }

    @FunctionalInterface
    private interface PlaneBody {
        void run(long plane);
    }

    private static void parallelOverPlanes(Nchw out, long workPerElement, PlaneBody body) {
        long grain = planesPerChunk(out, workPerElement);
        IntraOpPool.parallelFor(out.planes(), grain, (first, last) -> {
            for (long p = first; p < last; p++) body.run(p);
        });
    }

    private static long planesPerChunk(Nchw out, long workPerElement) {
        long perPlane = Math.max(1, out.h() * out.w() * workPerElement);
        return Math.max(1, IntraOpPool.DEFAULT_GRAIN / perPlane);
    }

    /** True when {@link #parallelOverPlanes} would run every plane on the calling thread anyway. */
    private static boolean runsSerially(Nchw out, long workPerElement) {
        return IntraOpPool.numThreads() == 1 || IntraOpPool.inParallelRegion() || out.planes() <= planesPerChunk(out, workPerElement);
    }
}
