package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * im2col and its adjoint col2im, the data movement around convolution's GEMM. Columns are
 * [N, C*kH*kW, outH*outW]; row {@code c*kH*kW + ki*kW + kj} holds, for every output position, the input
 * element under kernel tap (ki, kj) of channel c, or 0 in the padding. For each row and output line the
 * output positions whose tap falls inside the input form one run, computed once, so the inner loop neither
 * tests bounds nor (at stride 1) copies element by element. Work is split by (n, c) plane: each plane
 * owns its own rows and input, so col2im's sums never collide.
 */
final class WindowKernels {
    private WindowKernels() {}

    /** The output columns [lo, hi) whose input column {@code ow*stride - pad + tap*dilation} lies in [0, in). */
    record Run(long lo, long hi) {
        static Run of(long out, long in, int stride, int pad, int tapOffset) {
            long shift = pad - (long) tapOffset;                 // iw = ow*stride - shift
            long lo = Math.min(out, Math.max(0, Math.ceilDiv(shift, stride)));
            long hi = Math.min(out, Math.floorDiv(in - 1 + shift, stride) + 1);
            return new Run(lo, Math.max(lo, hi));
        }
    }

    static void im2col(Tensor input, Window2d w, Tensor columns) {
        Nchw in = Nchw.of(input);
        if (in.planes() == 0) return;
        long outH = w.outH(), outW = w.outW();
        long[] cs = columns.strides();
        long colN = cs[0], colRow = cs[1], colPos = cs[2];
        MemorySegment src = segment(input), dst = segment(columns);
        int bytes = input.dtype().byteSize();
        long taps = (long) w.kernelH() * w.kernelW();
        long grain = Math.max(1, IntraOpPool.DEFAULT_GRAIN / Math.max(1, taps * outH * outW));
        IntraOpPool.parallelFor(in.planes(), grain, (first, last) -> {
            for (long p = first; p < last; p++) {
                long plane = in.plane(p);
                long colBase = columns.storageOffset() + (p / in.c()) * colN;
                for (int ki = 0; ki < w.kernelH(); ki++) {
                    for (int kj = 0; kj < w.kernelW(); kj++) {
                        long row = colBase + ((p % in.c()) * taps + (long) ki * w.kernelW() + kj) * colRow;
                        Run cols = Run.of(outW, in.w(), w.strideW(), w.padW(), kj * w.dilationW());
                        for (long oh = 0; oh < outH; oh++) {
                            long ih = oh * w.strideH() - w.padH() + (long) ki * w.dilationH();
                            long line = row + oh * outW * colPos;
                            if (ih < 0 || ih >= in.h()) {
                                zero(dst, line, colPos, outW, bytes);
                                continue;
                            }
                            zero(dst, line, colPos, cols.lo(), bytes);
                            long srcAt = plane + ih * in.strideH() + (cols.lo() * w.strideW() - w.padW() + (long) kj * w.dilationW()) * in.strideW();
                            long srcStep = w.strideW() * in.strideW(), count = cols.hi() - cols.lo();
                            long dstAt = line + cols.lo() * colPos;
                            if (srcStep == 1 && colPos == 1) {
                                MemorySegment.copy(src, srcAt * bytes, dst, dstAt * bytes, count * bytes);
                            } else {
                                for (long j = 0; j < count; j++) copyBits(src, srcAt + j * srcStep, dst, dstAt + j * colPos, bytes);
                            }
                            zero(dst, line + cols.hi() * colPos, colPos, outW - cols.hi(), bytes);
                        }
                    }
                }
            }
        });
    }

    static void col2im(Tensor columns, Window2d w, Tensor output) {
        Nchw out = Nchw.of(output);
        if (out.planes() == 0) return;
        long outH = w.outH(), outW = w.outW();
        long[] cs = columns.strides();
        long colN = cs[0], colRow = cs[1], colPos = cs[2];
        MemorySegment src = segment(columns), dst = segment(output);
        DType st = columns.dtype(), dt = output.dtype();
        long taps = (long) w.kernelH() * w.kernelW();
        long grain = Math.max(1, IntraOpPool.DEFAULT_GRAIN / Math.max(1, taps * outH * outW));
        IntraOpPool.parallelFor(out.planes(), grain, (first, last) -> {
            for (long p = first; p < last; p++) {
                long plane = out.plane(p);
                long colBase = columns.storageOffset() + (p / out.c()) * colN;
                for (int ki = 0; ki < w.kernelH(); ki++) {
                    for (int kj = 0; kj < w.kernelW(); kj++) {
                        long row = colBase + ((p % out.c()) * taps + (long) ki * w.kernelW() + kj) * colRow;
                        Run cols = Run.of(outW, out.w(), w.strideW(), w.padW(), kj * w.dilationW());
                        long count = cols.hi() - cols.lo();
                        if (count == 0) continue;
                        for (long oh = 0; oh < outH; oh++) {
                            long ih = oh * w.strideH() - w.padH() + (long) ki * w.dilationH();
                            if (ih < 0 || ih >= out.h()) continue;
                            long dstAt = plane + ih * out.strideH() + (cols.lo() * w.strideW() - w.padW() + (long) kj * w.dilationW()) * out.strideW();
                            long srcAt = row + (oh * outW + cols.lo()) * colPos;
                            RunAccumulate.addRun(src, st, srcAt, colPos, dst, dt, dstAt, w.strideW() * out.strideW(), count);
                        }
                    }
                }
            }
        });
    }

    private static void zero(MemorySegment s, long at, long step, long count, int bytes) {
        if (count <= 0) return;
        if (step == 1) {
            s.asSlice(at * bytes, count * bytes).fill((byte) 0);
            return;
        }
        for (long j = 0; j < count; j++) {
            long i = at + j * step;
            switch (bytes) {
                case 8 -> s.setAtIndex(I64, i, 0L);
                case 4 -> s.setAtIndex(I32, i, 0);
                default -> s.set(U8, i, (byte) 0);
            }
        }
    }
}
