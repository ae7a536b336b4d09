package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.ReduceOp;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * Reductions (sum, prod, max, min) over any set of dimensions, and max/min with the index of the first
 * occurrence along one dimension. Floating inputs accumulate in double, integer and bool inputs in long;
 * NaN wins max and min, as in PyTorch. The output index space is split across the pool; a full reduction
 * is split along its input instead and its partial results combined in a fixed order, so results do not
 * depend on scheduling.
 */
final class ReductionKernels {
    private ReductionKernels() {}

    static void reduce(ReduceOp op, Tensor src, Tensor dst) {
        if (dst.numel() == 0) return;
        if (src.numel() == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN)) {
            throw new IllegalArgumentException(op.name().toLowerCase()
                    + "(): cannot reduce over a zero-size dimension, which has no identity");
        }
        if (sumOfLeadingRows(op, src, dst)) return;
        long[] shape = src.shape(), srcStrides = src.strides(), dstShape = dst.shape(), dstStrides = dst.strides();
        int rank = shape.length;
        int keptRank = 0;
        for (int d = 0; d < rank; d++) if (dstShape[d] != 1) keptRank++;
        long[] keptShape = new long[keptRank], keptSrc = new long[keptRank], keptDst = new long[keptRank];
        long[] redShape = new long[rank - keptRank], redSrc = new long[rank - keptRank];
        for (int d = 0, k = 0, r = 0; d < rank; d++) {
            if (dstShape[d] != 1) {
                keptShape[k] = shape[d];
                keptSrc[k] = srcStrides[d];
                keptDst[k++] = dstStrides[d];
            } else {
                redShape[r] = shape[d];
                redSrc[r++] = srcStrides[d];
            }
        }
        MemorySegment s = segment(src), d = segment(dst);
        DType st = src.dtype(), dt = dst.dtype();
        StridedIndexer reduced = StridedIndexer.of(redShape, new long[]{0}, redSrc);
        if (keptRank == 0 || dst.numel() == 1) {
            Accumulator total = reduceAll(op, s, st, src.storageOffset(), reduced);
            total.writeTo(d, dt, dst.storageOffset());
            return;
        }
        StridedIndexer outputs = StridedIndexer.of(keptShape, new long[]{dst.storageOffset(), src.storageOffset()},
                keptDst, keptSrc);
        long perOutput = Math.max(1, reduced.numel());
        long grain = Math.max(1, IntraOpPool.DEFAULT_GRAIN / perOutput);
        long dStride = outputs.rowStride(0), sStride = outputs.rowStride(1);
        IntraOpPool.parallelFor(outputs.numel(), grain, (start, end) -> {
            Accumulator acc = new Accumulator(op, st); // one per chunk, reset per output: no garbage per element
            outputs.forEachRow(start, end, (off, n) -> {
                for (long i = 0; i < n; i++) {
                    acc.reset();
                    reduceInto(acc, s, off[1] + i * sStride, reduced, 0, reduced.numel());
                    acc.writeTo(d, dt, off[0] + i * dStride);
                }
            });
        });
    }

    /**
     * A float32 sum over leading dimensions of a contiguous tensor into its trailing ones ([R, K] to [K], as a
     * Linear's bias gradient), through {@link Float32ColumnSums}; false, having done nothing, for any other shape.
     */
    private static boolean sumOfLeadingRows(ReduceOp op, Tensor src, Tensor dst) {
        if (op != ReduceOp.SUM || src.dtype() != DType.FLOAT32 || dst.dtype() != DType.FLOAT32
                || !src.isContiguous() || !dst.isContiguous()) return false;
        int rank = src.dim(), lead = 0;
        for (int d = 0; d < rank; d++) if (dst.size(d) == 1 && src.size(d) != 1) lead = d + 1;
        long rows = 1, cols = 1;
        for (int d = 0; d < rank; d++) {
            if (d < lead) {
                if (dst.size(d) != 1) return false;
                rows *= src.size(d);
            } else if (dst.size(d) != src.size(d)) return false;
            else cols *= src.size(d);
        }
        if (lead == 0 || cols < 8) return false;
        Float32ColumnSums.sum(segment(src), src.storageOffset(), rows, cols, segment(dst), dst.storageOffset());
        return true;
    }

    /** One output from the whole input: chunks reduce in parallel, their partials combine in index order. */
    private static Accumulator reduceAll(ReduceOp op, MemorySegment s, DType st, long base, StridedIndexer walk) {
        Map<Long, Accumulator> partials = new TreeMap<>();
        IntraOpPool.parallelFor(walk.numel(), IntraOpPool.DEFAULT_GRAIN, (start, end) -> {
            Accumulator acc = new Accumulator(op, st);
            reduceInto(acc, s, base, walk, start, end);
            synchronized (partials) {
                partials.put(start, acc);
            }
        });
        Accumulator total = new Accumulator(op, st);
        for (Accumulator part : partials.values()) total.combine(part);
        return total;
    }

    private static void reduceInto(Accumulator acc, MemorySegment s, long base, StridedIndexer walk, long start, long end) {
        long stride = walk.rowStride(0);
        if (walk.rank() == 1) {   // one run: skip the walker's bookkeeping, the common case
            acc.addRow(s, base + start * stride, stride, end - start);
            return;
        }
        walk.forEachRow(start, end, (off, n) -> acc.addRow(s, base + off[0], stride, n));
    }

    /** A running sum, product, max or min in the widest type of the input's family. */
    private static final class Accumulator {
        private final ReduceOp op;
        private final DType type;
        private final boolean floating;
        private double real;
        private long integer;

        Accumulator(ReduceOp op, DType type) {
            this.op = op;
            this.type = type;
            this.floating = type.isFloatingPoint();
            reset();
        }

        /** Back to the identity of the reduction. */
        void reset() {
            switch (op) {
                case SUM -> { real = 0; integer = 0; }
                case PROD -> { real = 1; integer = 1; }
                case MAX -> { real = Double.NEGATIVE_INFINITY; integer = Long.MIN_VALUE; }
                case MIN -> { real = Double.POSITIVE_INFINITY; integer = Long.MAX_VALUE; }
            }
        }

        void addRow(MemorySegment s, long off, long stride, long n) {
            if (floating) {
                if (op == ReduceOp.SUM && stride == 1) {
                    real += type == DType.FLOAT32 ? Float32Rows.sum(s, off, n) : Float64Rows.sum(s, off, n);
                    return;
                }
                double r = real;
                switch (op) {
                    case SUM -> { for (long i = 0; i < n; i++) r += getDouble(s, type, off + i * stride); }
                    case PROD -> { for (long i = 0; i < n; i++) r *= getDouble(s, type, off + i * stride); }
                    case MAX -> { for (long i = 0; i < n; i++) r = Math.max(r, getDouble(s, type, off + i * stride)); }
                    case MIN -> { for (long i = 0; i < n; i++) r = Math.min(r, getDouble(s, type, off + i * stride)); }
                }
                real = r;
            } else {
                long r = integer;
                switch (op) {
                    case SUM -> { for (long i = 0; i < n; i++) r += getLong(s, type, off + i * stride); }
                    case PROD -> { for (long i = 0; i < n; i++) r *= getLong(s, type, off + i * stride); }
                    case MAX -> { for (long i = 0; i < n; i++) r = Math.max(r, getLong(s, type, off + i * stride)); }
                    case MIN -> { for (long i = 0; i < n; i++) r = Math.min(r, getLong(s, type, off + i * stride)); }
                }
                integer = r;
            }
        }

        void combine(Accumulator other) {
            switch (op) {
                case SUM -> { real += other.real; integer += other.integer; }
                case PROD -> { real *= other.real; integer *= other.integer; }
                case MAX -> { real = Math.max(real, other.real); integer = Math.max(integer, other.integer); }
                case MIN -> { real = Math.min(real, other.real); integer = Math.min(integer, other.integer); }
            }
        }

        void writeTo(MemorySegment d, DType dt, long index) {
            if (floating) setDouble(d, dt, index, real);
            else setLong(d, dt, index, integer);
        }
    }

    static void argReduce(ReduceOp op, Tensor src, int dim, Tensor values, Tensor indices) {
        if (op != ReduceOp.MAX && op != ReduceOp.MIN) throw new IllegalArgumentException("argReduce takes MAX or MIN, got " + op);
        if (values.numel() == 0) return;
        MemorySegment s = segment(src), v = segment(values), ix = segment(indices);
        DType st = src.dtype(), it = indices.dtype();
        int size = st.byteSize();
        if (src.dim() == 0) {
            copyBits(s, src.storageOffset(), v, values.storageOffset(), size);
            setLong(ix, it, indices.storageOffset(), 0);
            return;
        }
        long[] shape = src.shape();
        long length = shape[dim];
        if (length == 0) {
            throw new IllegalArgumentException(op.name().toLowerCase()
                    + "(): Expected reduction dim " + dim + " to have non-zero size");
        }
        long step = src.stride(dim);
        shape[dim] = 1;
        StridedIndexer outputs = StridedIndexer.of(shape,
                new long[]{values.storageOffset(), indices.storageOffset(), src.storageOffset()},
                values.strides(), indices.strides(), src.strides());
        long vs = outputs.rowStride(0), is = outputs.rowStride(1), ss = outputs.rowStride(2);
        boolean max = op == ReduceOp.MAX;
        long grain = Math.max(1, IntraOpPool.DEFAULT_GRAIN / length);
        IntraOpPool.parallelFor(outputs.numel(), grain, (start, end) -> outputs.forEachRow(start, end, (off, n) -> {
            for (long i = 0; i < n; i++) {
                long base = off[2] + i * ss;
                long best = st.isFloatingPoint() ? argBestReal(s, st, base, step, length, max) : argBestInteger(s, st, base, step, length, max);
                copyBits(s, base + best * step, v, off[0] + i * vs, size);
                setLong(ix, it, off[1] + i * is, best);
            }
        }));
    }

    /** Index of the first max (min); the first NaN wins outright. */
    private static long argBestReal(MemorySegment s, DType t, long base, long step, long length, boolean max) {
        double best = getDouble(s, t, base);
        if (Double.isNaN(best)) return 0;
        long at = 0;
        for (long j = 1; j < length; j++) {
            double x = getDouble(s, t, base + j * step);
            if (Double.isNaN(x)) return j;
            if (max ? x > best : x < best) {
                best = x;
                at = j;
            }
        }
        return at;
    }

    private static long argBestInteger(MemorySegment s, DType t, long base, long step, long length, boolean max) {
        long best = getLong(s, t, base);
        long at = 0;
        for (long j = 1; j < length; j++) {
            long x = getLong(s, t, base + j * step);
            if (max ? x > best : x < best) {
                best = x;
                at = j;
            }
        }
        return at;
    }
}
