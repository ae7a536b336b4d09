package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * Kernels addressed by an index tensor: indexSelect, indexAdd, gather, scatter, and flatNonzero. Every index
 * is checked against the size it indexes before anything is written, so a bad index is an
 * {@link IndexOutOfBoundsException} and an untouched output, never a write outside the tensor. Kernels whose writes can collide (indexAdd, scatter) run on the calling thread.
 */
final class IndexKernels {
    private IndexKernels() {}

    static void indexSelect(Tensor src, int dim, Tensor index, Tensor dst) {
        if (dst.numel() == 0) return;
        if (src.dim() == 0) {
            checkIndex(readIndex(index, 0), dim, 1);
            ElementwiseKernels.copy(src, dst);
            return;
        }
        long size = src.size(dim), count = index.numel();
        checkIndices(index, dim, size);
        StridedIndexer slice = sliceWalk(dim, dst.shape(), dst.strides(), src.strides());
        MemorySegment s = segment(src), d = segment(dst);
        DType t = src.dtype();
        int bytes = t.byteSize();
        long srcStep = src.stride(dim), dstStep = dst.stride(dim);
        long grain = Math.max(1, IntraOpPool.DEFAULT_GRAIN / Math.max(1, slice.numel()));
        long dRow = slice.rowStride(0), sRow = slice.rowStride(1);
        IntraOpPool.parallelFor(count, grain, (start, end) -> {
            for (long i = start; i < end; i++) {
                long at = readIndex(index, i);
                long dBase = dst.storageOffset() + i * dstStep, sBase = src.storageOffset() + at * srcStep;
                slice.forEachRow((off, n) -> {
                    long dOff = dBase + off[0], sOff = sBase + off[1];
                    if (dRow == 1 && sRow == 1) MemorySegment.copy(s, sOff * bytes, d, dOff * bytes, n * bytes);
                    else for (long j = 0; j < n; j++) copyBits(s, sOff + j * sRow, d, dOff + j * dRow, bytes);
                });
            }
        });
    }

    static void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        if (src.numel() == 0) return;
        if (dst.dim() == 0) {
            checkIndex(readIndex(index, 0), dim, 1);
            ElementwiseKernels.binary(BinaryOp.ADD, dst, src, dst);
            return;
        }
        long size = dst.size(dim), count = index.numel();
        checkIndices(index, dim, size);
        StridedIndexer slice = sliceWalk(dim, src.shape(), dst.strides(), src.strides());
        MemorySegment s = segment(src), d = segment(dst);
        DType dt = dst.dtype(), st = src.dtype();
        long srcStep = src.stride(dim), dstStep = dst.stride(dim);
        long dRow = slice.rowStride(0), sRow = slice.rowStride(1);
        for (long i = 0; i < count; i++) {
            long at = readIndex(index, i);
            long dBase = dst.storageOffset() + at * dstStep, sBase = src.storageOffset() + i * srcStep;
            slice.forEachRow((off, n) -> RunAccumulate.addRun(s, st, sBase + off[1], sRow, d, dt, dBase + off[0], dRow, n));
        }
    }

    static void gather(Tensor src, int dim, Tensor index, Tensor dst) {
        if (dst.numel() == 0) return;
        long[] srcAlong = src.strides();
        long size = src.dim() == 0 ? 1 : src.size(dim);
        long step = src.dim() == 0 ? 0 : srcAlong[dim];
        if (src.dim() > 0) srcAlong[dim] = 0;   // the index supplies the position along dim
        checkIndices(index, dim, size);
        StridedIndexer walk = StridedIndexer.of(index.shape(),
                new long[]{dst.storageOffset(), index.storageOffset(), src.storageOffset()},
                dst.strides(), index.strides(), src.dim() == 0 ? new long[index.dim()] : srcAlong);
        MemorySegment s = segment(src), d = segment(dst), ix = segment(index);
        DType it = index.dtype();
        int bytes = src.dtype().byteSize();
        long ds = walk.rowStride(0), is = walk.rowStride(1), ss = walk.rowStride(2);
        walk.parallelForEachRow((off, n) -> {
            for (long j = 0; j < n; j++) {
                long at = getLong(ix, it, off[1] + j * is);
                copyBits(s, off[2] + j * ss + at * step, d, off[0] + j * ds, bytes);
            }
        });
    }

    static void scatter(Tensor dst, int dim, Tensor index, Tensor src, boolean accumulate) {
        if (index.numel() == 0) return;
        long[] dstAlong = dst.strides();
        long size = dst.dim() == 0 ? 1 : dst.size(dim);
        long step = dst.dim() == 0 ? 0 : dstAlong[dim];
        if (dst.dim() > 0) dstAlong[dim] = 0;
        checkIndices(index, dim, size);
        StridedIndexer walk = StridedIndexer.of(index.shape(),
                new long[]{dst.storageOffset(), index.storageOffset(), src.storageOffset()},
                dst.dim() == 0 ? new long[index.dim()] : dstAlong, index.strides(), src.strides());
        MemorySegment s = segment(src), d = segment(dst), ix = segment(index);
        DType it = index.dtype(), dt = dst.dtype(), st = src.dtype();
        long ds = walk.rowStride(0), is = walk.rowStride(1), ss = walk.rowStride(2);
        walk.forEachRow((off, n) -> {
            for (long j = 0; j < n; j++) {
                long at = getLong(ix, it, off[1] + j * is);
                long target = off[0] + j * ds + at * step, from = off[2] + j * ss;
                if (accumulate) RunAccumulate.addRun(s, st, from, 0, d, dt, target, 0, 1);
                else convert(s, st, from, d, dt, target);
            }
        });
    }

    static Tensor flatNonzero(Tensor mask) {
        MemorySegment m = segment(mask);
        DType mt = mask.dtype();
        StridedIndexer walk = StridedIndexer.of(mask.shape(), new long[]{mask.storageOffset()}, mask.strides());
        long ms = walk.rowStride(0);
        long[] count = {0};
        walk.forEachRow((off, n) -> {
            for (long j = 0; j < n; j++) if (getBool(m, mt, off[0] + j * ms)) count[0]++;
        });
        Tensor out = Tensor.empty(new long[]{count[0]}, DType.INT64, Device.CPU);
        if (count[0] == 0) return out;
        MemorySegment o = segment(out);
        long[] position = {0, out.storageOffset()};   // flat position in mask, next slot in out
        walk.forEachRow((off, n) -> {
            for (long j = 0; j < n; j++) {
                if (getBool(m, mt, off[0] + j * ms)) o.setAtIndex(I64, position[1]++, position[0] + j);
            }
            position[0] += n;
        });
        return out;
    }

    private static long readIndex(Tensor index, long i) {
        long step = index.dim() == 0 ? 0 : index.stride(0);
        return getLong(segment(index), index.dtype(), index.storageOffset() + i * step);
    }

    private static long checkIndex(long at, int dim, long size) {
        if (at < 0 || at >= size) {
            throw new IndexOutOfBoundsException("index " + at + " is out of bounds for dimension " + dim + " with size " + size);
        }
        return at;
    }

    /** Throws for the first index outside [0, size), before anything is written. */
    private static void checkIndices(Tensor index, int dim, long size) {
        MemorySegment ix = segment(index);
        DType it = index.dtype();
        StridedIndexer walk = StridedIndexer.of(index.shape(), new long[]{index.storageOffset()}, index.strides());
        long is = walk.rowStride(0);
        walk.forEachRow((off, n) -> {
            for (long j = 0; j < n; j++) checkIndex(getLong(ix, it, off[0] + j * is), dim, size);
        });
    }

    /** The walk over every dimension but {@code dim}, for two operands with offsets relative to a slice's start. */
    private static StridedIndexer sliceWalk(int dim, long[] shape, long[] stridesA, long[] stridesB) {
        return StridedIndexer.of(drop(shape, dim), new long[]{0, 0}, drop(stridesA, dim), drop(stridesB, dim));
    }

    private static long[] drop(long[] a, int dim) {
        long[] out = new long[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) if (i != dim) out[j++] = a[i];
        return out;
    }
}
