package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.jtorch.cpu.ElementAccess.F32;
import static dev.jtorch.cpu.ElementAccess.segment;

/**
 * Softmax and log-softmax over the last dimension of a contiguous float32 tensor, one row at a time in three
 * vector passes (max, sum of shifted exponentials, write), instead of the five tensors the composed form
 * ({@code x - max}, exp, sum, log, sub) allocates and walks. Rows are split over threads above a grain.
 */
final class SoftmaxKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private SoftmaxKernels() {}

    /** The shapes this kernel takes: float32, contiguous, reduced along the last dimension. */
    static boolean handles(Tensor src, int dim, Tensor dst) {
        return src.dtype() == DType.FLOAT32 && dst.dtype() == DType.FLOAT32 && src.isContiguous() && dst.isContiguous()
                && dim == src.dim() - 1 && src.dim() > 0;
    }

    static void softmax(Tensor src, boolean log, Tensor dst) {
        long n = src.dim() == 0 ? 1 : src.size(-1);
        if (n == 0 || src.numel() == 0) return;
        long rows = src.numel() / n;
        MemorySegment x = segment(src), y = segment(dst);
        long xOff = src.storageOffset(), yOff = dst.storageOffset();
        IntraOpPool.parallelFor(rows, Math.max(1, IntraOpPool.DEFAULT_GRAIN / n), (r0, r1) -> {
            for (long r = r0; r < r1; r++) row(x, xOff + r * n, y, yOff + r * n, (int) n, log);
        });
    }

    private static void row(MemorySegment x, long xAt, MemorySegment y, long yAt, int n, boolean log) {
        int bound = S.loopBound(n);
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += S.length()) maxV = maxV.max(load(x, xAt + i));
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x.getAtIndex(F32, xAt + i));
        if (max == Float.NEGATIVE_INFINITY) max = 0;   // an all -inf row: exp(-inf - 0) = 0 gives 0/0 = NaN, as PyTorch
        FloatVector shift = FloatVector.broadcast(S, max);
        FloatVector sumV = FloatVector.zero(S);
        for (i = 0; i < bound; i += S.length()) {
            FloatVector e = load(x, xAt + i).sub(shift).lanewise(VectorOperators.EXP);
            if (!log) e.intoMemorySegment(y, (yAt + i) * Float.BYTES, ORDER);
            sumV = sumV.add(e);
        }
        double sum = sumV.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x.getAtIndex(F32, xAt + i) - max);
            if (!log) y.setAtIndex(F32, yAt + i, e);
            sum += e;
        }
        if (log) {
            FloatVector lse = FloatVector.broadcast(S, (float) (max + Math.log(sum)));
            for (i = 0; i < bound; i += S.length()) load(x, xAt + i).sub(lse).intoMemorySegment(y, (yAt + i) * Float.BYTES, ORDER);
            float l = (float) (max + Math.log(sum));
            for (; i < n; i++) y.setAtIndex(F32, yAt + i, x.getAtIndex(F32, xAt + i) - l);
        } else {
            FloatVector inv = FloatVector.broadcast(S, (float) (1 / sum));
            for (i = 0; i < bound; i += S.length()) load(y, yAt + i).mul(inv).intoMemorySegment(y, (yAt + i) * Float.BYTES, ORDER);
            float s = (float) (1 / sum);
            for (; i < n; i++) y.setAtIndex(F32, yAt + i, y.getAtIndex(F32, yAt + i) * s);
        }
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, ORDER);
    }
}
