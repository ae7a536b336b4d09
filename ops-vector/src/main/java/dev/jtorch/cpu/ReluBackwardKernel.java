package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * ReLU's backward in one pass, as PyTorch's {@code threshold_backward(grad, result, 0)}:
 * {@code gradIn = result <= 0 ? 0 : grad}. Fusing it saves the comparison's bool tensor and its float copy,
 * three passes over memory per ReLU in every training step.
 */
final class ReluBackwardKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private ReluBackwardKernel() {}

    static void reluBackward(Tensor gradOut, Tensor result, Tensor gradIn) {
        if (gradIn.numel() == 0) return;
        StridedIndexer walk = StridedIndexer.of(gradIn.shape(),
                new long[] {gradIn.storageOffset(), gradOut.storageOffset(), result.storageOffset()},
                gradIn.strides(), gradOut.strides(), result.strides());
        MemorySegment d = segment(gradIn), g = segment(gradOut), r = segment(result);
        DType dt = gradIn.dtype(), gt = gradOut.dtype(), rt = result.dtype();
        long ds = walk.rowStride(0), gs = walk.rowStride(1), rs = walk.rowStride(2);
        boolean f32Rows = ds == 1 && gs == 1 && rs == 1 && dt == DType.FLOAT32 && gt == DType.FLOAT32 && rt == DType.FLOAT32;
        walk.parallelForEachRow((off, n) -> {
            if (f32Rows) {
                float32Row(g, off[1], r, off[2], d, off[0], n);
            } else {
                for (long i = 0; i < n; i++) {
                    double v = getDouble(r, rt, off[2] + i * rs) <= 0 ? 0 : getDouble(g, gt, off[1] + i * gs);
                    setDouble(d, dt, off[0] + i * ds, v);
                }
            }
        });
    }

    private static void float32Row(MemorySegment g, long go, MemorySegment r, long ro, MemorySegment d, long dOff, long n) {
        long i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (long end = n - n % S.length(); i < end; i += S.length()) {
            FloatVector result = FloatVector.fromMemorySegment(S, r, (ro + i) * Float.BYTES, ORDER);
            VectorMask<Float> inactive = result.compare(VectorOperators.LE, 0f);
            FloatVector.fromMemorySegment(S, g, (go + i) * Float.BYTES, ORDER).blend(zero, inactive)
                    .intoMemorySegment(d, (dOff + i) * Float.BYTES, ORDER);
        }
        for (; i < n; i++) d.setAtIndex(F32, dOff + i, r.getAtIndex(F32, ro + i) <= 0 ? 0f : g.getAtIndex(F32, go + i));
    }
}
