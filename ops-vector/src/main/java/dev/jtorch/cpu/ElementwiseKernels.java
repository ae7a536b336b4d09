package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * Elementwise kernels over any strides: copy with dtype conversion, fill, unary, binary and where. Each walks
 * the output's shape with a {@link StridedIndexer}; rows that are contiguous float32/float64 in every operand
 * (or a broadcast scalar) go to the Vector API loops, everything else to the generic per-element loop. Flat
 * layouts small enough for one thread go first to {@link FlatElementwise}, which does the same without the walk's
 * allocations.
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {}

    static void copy(Tensor src, Tensor dst) {
        if (dst.numel() == 0 || FlatElementwise.copy(src, dst) || Transpose2d.copy(src, dst)) return;
        StridedIndexer walk = StridedIndexer.of(dst.shape(), new long[]{dst.storageOffset(), src.storageOffset()},
                dst.strides(), src.strides());
        MemorySegment d = segment(dst), s = segment(src);
        DType dt = dst.dtype(), st = src.dtype();
        long ds = walk.rowStride(0), ss = walk.rowStride(1);
        if (dt == st) {
            int size = dt.byteSize();
            walk.parallelForEachRow((off, n) -> {
                if (ds == 1 && ss == 1) {
                    MemorySegment.copy(s, off[1] * size, d, off[0] * size, n * size);
                } else {
                    for (long i = 0; i < n; i++) copyBits(s, off[1] + i * ss, d, off[0] + i * ds, size);
                }
            });
        } else {
            walk.parallelForEachRow((off, n) -> {
                for (long i = 0; i < n; i++) convert(s, st, off[1] + i * ss, d, dt, off[0] + i * ds);
            });
        }
    }

    static void fill(Tensor dst, double value) {
        if (dst.numel() == 0 || FlatElementwise.fill(dst, value)) return;
        StridedIndexer walk = StridedIndexer.of(dst.shape(), new long[]{dst.storageOffset()}, dst.strides());
        MemorySegment d = segment(dst);
        DType dt = dst.dtype();
        long ds = walk.rowStride(0);
        int size = dt.byteSize();
        boolean zeroBits = Double.doubleToRawLongBits(value) == 0;   // +0.0: every dtype's zero is all-zero bytes
        walk.parallelForEachRow((off, n) -> {
            if (zeroBits && ds == 1) {
                d.asSlice(off[0] * size, n * size).fill((byte) 0);
                return;
            }
            switch (dt) {
                case FLOAT32 -> {
                    float v = (float) value;
                    if (ds == 1) Float32Rows.fill(d, off[0], n, v);
                    else for (long i = 0; i < n; i++) d.setAtIndex(F32, off[0] + i * ds, v);
                }
                case FLOAT64 -> {
                    if (ds == 1) Float64Rows.fill(d, off[0], n, value);
                    else for (long i = 0; i < n; i++) d.setAtIndex(F64, off[0] + i * ds, value);
                }
                case INT64 -> { long v = (long) value; for (long i = 0; i < n; i++) d.setAtIndex(I64, off[0] + i * ds, v); }
                case INT32 -> { int v = (int) value; for (long i = 0; i < n; i++) d.setAtIndex(I32, off[0] + i * ds, v); }
                case BOOL -> { byte v = value != 0 ? (byte) 1 : 0; for (long i = 0; i < n; i++) d.set(U8, off[0] + i * ds, v); }
            }
        });
    }

    static void unary(UnaryOp op, Tensor src, Tensor dst) {
        if (dst.numel() == 0 || FlatElementwise.unary(op, src, dst)) return;
        StridedIndexer walk = StridedIndexer.of(dst.shape(), new long[]{dst.storageOffset(), src.storageOffset()},
                dst.strides(), src.strides());
        MemorySegment d = segment(dst), s = segment(src);
        DType dt = dst.dtype(), st = src.dtype();
        long ds = walk.rowStride(0), ss = walk.rowStride(1);
        boolean contiguousRows = ds == 1 && ss == 1 && dt == st;
        walk.parallelForEachRow((off, n) -> {
            long so = off[1], dOff = off[0];
            if (contiguousRows && st == DType.FLOAT32 && Float32Rows.vectorizes(op)) {
                Float32Rows.unary(op, s, so, d, dOff, n);
            } else if (contiguousRows && st == DType.FLOAT64 && Float32Rows.vectorizes(op)) {
                Float64Rows.unary(op, s, so, d, dOff, n);
            } else if (op == UnaryOp.LOGICAL_NOT) {
                for (long i = 0; i < n; i++) setBool(d, dt, dOff + i * ds, !getBool(s, st, so + i * ss));
            } else if (st.isFloatingPoint()) {
                for (long i = 0; i < n; i++) setDouble(d, dt, dOff + i * ds, ScalarOps.unary(op, getDouble(s, st, so + i * ss)));
            } else {
                for (long i = 0; i < n; i++) setLong(d, dt, dOff + i * ds, ScalarOps.unary(op, getLong(s, st, so + i * ss)));
            }
        });
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst) {
        if (dst.numel() == 0 || FlatElementwise.binary(op, a, b, dst)) return;
        StridedIndexer walk = StridedIndexer.of(dst.shape(),
                new long[]{dst.storageOffset(), a.storageOffset(), b.storageOffset()},
                dst.strides(), a.strides(), b.strides());
        MemorySegment d = segment(dst), sa = segment(a), sb = segment(b);
        DType dt = dst.dtype(), t = a.dtype();
        long ds = walk.rowStride(0), as = walk.rowStride(1), bs = walk.rowStride(2);
        boolean vectorRows = ds == 1 && (as == 0 || as == 1) && (bs == 0 || bs == 1) && dt == t && b.dtype() == t;
        boolean f32 = vectorRows && t == DType.FLOAT32 && Float32Rows.vectorizes(op);
        boolean f64 = vectorRows && t == DType.FLOAT64 && Float32Rows.vectorizes(op);
        DType bt = b.dtype();
        walk.parallelForEachRow((off, n) -> {
            long dOff = off[0], ao = off[1], bo = off[2];
            if (f32) {
                Float32Rows.binary(op, sa, ao, as, sb, bo, bs, d, dOff, n);
            } else if (f64) {
                Float64Rows.binary(op, sa, ao, as, sb, bo, bs, d, dOff, n);
            } else if (t.isFloatingPoint() || bt.isFloatingPoint()) {
                for (long i = 0; i < n; i++) {
                    double r = ScalarOps.binary(op, getDouble(sa, t, ao + i * as), getDouble(sb, bt, bo + i * bs));
                    setDouble(d, dt, dOff + i * ds, r);
                }
            } else {
                for (long i = 0; i < n; i++) {
                    long r = ScalarOps.binary(op, getLong(sa, t, ao + i * as), getLong(sb, bt, bo + i * bs));
                    setLong(d, dt, dOff + i * ds, r);
                }
            }
        });
    }

    static void where(Tensor cond, Tensor a, Tensor b, Tensor dst) {
        if (dst.numel() == 0) return;
        StridedIndexer walk = StridedIndexer.of(dst.shape(),
                new long[]{dst.storageOffset(), cond.storageOffset(), a.storageOffset(), b.storageOffset()},
                dst.strides(), cond.strides(), a.strides(), b.strides());
        MemorySegment d = segment(dst), c = segment(cond), sa = segment(a), sb = segment(b);
        DType dt = dst.dtype(), ct = cond.dtype(), at = a.dtype(), bt = b.dtype();
        long ds = walk.rowStride(0), cs = walk.rowStride(1), as = walk.rowStride(2), bs = walk.rowStride(3);
        boolean sameType = at == dt && bt == dt;
        int size = dt.byteSize();
        walk.parallelForEachRow((off, n) -> {
            for (long i = 0; i < n; i++) {
                boolean pick = getBool(c, ct, off[1] + i * cs);
                MemorySegment s = pick ? sa : sb;
                long si = pick ? off[2] + i * as : off[3] + i * bs;
                if (sameType) copyBits(s, si, d, off[0] + i * ds, size);
                else convert(s, pick ? at : bt, si, d, dt, off[0] + i * ds);
            }
        });
    }
}
