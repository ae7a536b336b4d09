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
 *
 * <p>The exponentials come from {@link FloatVectorMath} and the lane sums from {@link LaneFolds}, not
 * {@code lanewise(EXP)} and {@code reduceLanes(ADD)}, whose results differ between the JIT's intrinsics and the
 * interpreter's loops: a loss must not change in its last bits when the kernel gets compiled.
 */
final class SoftmaxKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final LaneFolds<Float> FOLDS = LaneFolds.of(S);
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ThreadLocal<float[]> EXPONENTIALS = ThreadBuffers.floats();

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
            float[] e = ThreadBuffers.atLeast(EXPONENTIALS, n);
            for (long r = r0; r < r1; r++) row(x, xOff + r * n, y, yOff + r * n, (int) n, log, e);
        });
    }

    /** One row, with e (at least n floats) for its exponentials. */
    private static void row(MemorySegment x, long xAt, MemorySegment y, long yAt, int n, boolean log, float[] e) {
        int bound = S.loopBound(n);
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += L) maxV = maxV.max(load(x, xAt + i));
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x.getAtIndex(F32, xAt + i));
        if (max == Float.NEGATIVE_INFINITY) max = 0;   // an all -inf row: exp(-inf - 0) = 0 gives 0/0 = NaN, as PyTorch
        FloatVector shift = FloatVector.broadcast(S, max);
        for (i = 0; i < bound; i += L) load(x, xAt + i).sub(shift).intoArray(e, i);
        for (; i < n; i++) e[i] = x.getAtIndex(F32, xAt + i) - max;
        FloatVectorMath.expInPlace(e, 0, n);
        FloatVector sumV = FloatVector.zero(S);
        for (i = 0; i < bound; i += L) sumV = sumV.add(FloatVector.fromArray(S, e, i));
        for (int w = L / 2; w > 0; w >>= 1) sumV = sumV.add(sumV.rearrange(FOLDS.swap(w)));
        double sum = sumV.lane(0);
        for (; i < n; i++) sum += e[i];
        if (log) {
            FloatVector lse = FloatVector.broadcast(S, (float) (max + Math.log(sum)));
            for (i = 0; i < bound; i += L) load(x, xAt + i).sub(lse).intoMemorySegment(y, (yAt + i) * Float.BYTES, ORDER);
            float l = (float) (max + Math.log(sum));
            for (; i < n; i++) y.setAtIndex(F32, yAt + i, x.getAtIndex(F32, xAt + i) - l);
        } else {
            FloatVector inv = FloatVector.broadcast(S, (float) (1 / sum));
            for (i = 0; i < bound; i += L) FloatVector.fromArray(S, e, i).mul(inv).intoMemorySegment(y, (yAt + i) * Float.BYTES, ORDER);
            float s = (float) (1 / sum);
            for (; i < n; i++) y.setAtIndex(F32, yAt + i, e[i] * s);
        }
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, ORDER);
    }
}
