package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.segment;

/**
 * Elementwise kernels for the layouts inference meets most: a contiguous float dst whose operands are either laid
 * out like it or repeat a contiguous trailing block (a bias row broadcast over a batch, a scalar). Such an operand
 * reads element {@code i} of dst's flat order at {@code offset + i % period}, so the work is a few flat runs handed
 * straight to the Vector API rows ({@link Float32Rows}, {@link Float64Rows}, whose scalar tails are the reference):
 * no {@link StridedIndexer}, no lambda, nothing allocated per call, which is what a replayed graph needs.
 *
 * <p>Each method returns false, having done nothing, when the layout, dtype or op is not one of these, or when the
 * work is big enough to split over the intra-op pool; {@link ElementwiseKernels} then takes its general walk.
 */
final class FlatElementwise {
    private FlatElementwise() {}

    /** dst = a op b. */
    static boolean binary(BinaryOp op, Tensor a, Tensor b, Tensor dst) {
        DType t = dst.dtype();
        if (!isFloat(t) || a.dtype() != t || b.dtype() != t || !Float32Rows.vectorizes(op) || !runsOnCaller(dst)) return false;
        long n = dst.numel(), pa = period(a), pb = period(b);
        if (pa < 0 || pb < 0) return false;
        MemorySegment sa = segment(a), sb = segment(b), d = segment(dst);
        long run = Math.min(pa == 1 ? n : pa, pb == 1 ? n : pb);   // suffix products of one shape: each divides the larger
        for (long start = 0; start < n; start += run) {
            long ao = a.storageOffset() + (pa == 1 ? 0 : start % pa), bo = b.storageOffset() + (pb == 1 ? 0 : start % pb);
            long as = pa == 1 ? 0 : 1, bs = pb == 1 ? 0 : 1, dOff = dst.storageOffset() + start;
            if (t == DType.FLOAT32) Float32Rows.binary(op, sa, ao, as, sb, bo, bs, d, dOff, run);
            else Float64Rows.binary(op, sa, ao, as, sb, bo, bs, d, dOff, run);
        }
        return true;
    }

    /** dst = op(src), both contiguous. */
    static boolean unary(UnaryOp op, Tensor src, Tensor dst) {
        DType t = dst.dtype();
        if (!isFloat(t) || src.dtype() != t || !Float32Rows.vectorizes(op) || !runsOnCaller(dst) || period(src) != dst.numel()) return false;
        MemorySegment s = segment(src), d = segment(dst);
        if (t == DType.FLOAT32) Float32Rows.unary(op, s, src.storageOffset(), d, dst.storageOffset(), dst.numel());
        else Float64Rows.unary(op, s, src.storageOffset(), d, dst.storageOffset(), dst.numel());
        return true;
    }

    /** dst = src of the same dtype, src contiguous or repeating a contiguous block (not a scalar: that is a fill). */
    static boolean copy(Tensor src, Tensor dst) {
        if (src.dtype() != dst.dtype() || !runsOnCaller(dst)) return false;
        long n = dst.numel(), p = period(src);
        if (p < 0 || (p == 1 && n > 1)) return false;
        int size = dst.dtype().byteSize();
        MemorySegment s = segment(src), d = segment(dst);
        for (long start = 0; start < n; start += p) {
            MemorySegment.copy(s, src.storageOffset() * size, d, (dst.storageOffset() + start) * size, p * size);
        }
        return true;
    }

    /** dst = value, dst contiguous float. */
    static boolean fill(Tensor dst, double value) {
        DType t = dst.dtype();
        if (!isFloat(t) || !runsOnCaller(dst)) return false;
        if (t == DType.FLOAT32) Float32Rows.fill(segment(dst), dst.storageOffset(), dst.numel(), (float) value);
        else Float64Rows.fill(segment(dst), dst.storageOffset(), dst.numel(), value);
        return true;
    }

    /**
     * How {@code t}, of dst's shape, follows dst's flat order: element i at {@code t.storageOffset() + i % period},
     * where period is the size of the trailing dims in which t is contiguous, and t must not move (stride 0) along
     * the leading ones. A contiguous t has period numel; a broadcast scalar has period 1; -1 when neither holds.
     */
    static long period(Tensor t) {
        long block = 1;
        int d = t.dim() - 1;
        for (; d >= 0; d--) {
            long size = t.size(d);
            if (size == 1) continue;
            if (t.stride(d) != block) break;
            block *= size;
        }
        for (; d >= 0; d--) {
            if (t.size(d) != 1 && t.stride(d) != 0) return -1;
        }
        return block;
    }

    private static boolean isFloat(DType t) { return t == DType.FLOAT32 || t == DType.FLOAT64; }

    /** Contiguous, not empty, and small enough (or the pool one thread) that the general walk would not split it. */
    private static boolean runsOnCaller(Tensor dst) {
        long n = dst.numel();
        return n > 0 && dst.isContiguous() && (n < IntraOpPool.DEFAULT_GRAIN || IntraOpPool.numThreads() == 1);
    }
}
