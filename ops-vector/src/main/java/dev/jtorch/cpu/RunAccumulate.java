package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * Accumulates one evenly spaced run of elements into another ({@code dst += src}), the inner step of every
 * kernel that sums into its output (indexAdd, scatter-add, col2im, pooling backward). Contiguous float runs
 * go to the vector loops; bool accumulates as logical or, as PyTorch's bool addition does.
 */
final class RunAccumulate {
    private RunAccumulate() {}

    /** dst[dOff + j*dStride] += src[sOff + j*sStride] for j in [0, n), in dst's dtype family. */
    static void addRun(MemorySegment s, DType st, long sOff, long sStride,
                       MemorySegment d, DType dt, long dOff, long dStride, long n) {
        if (st == dt && dt == DType.FLOAT32 && sStride == 1 && dStride == 1) {
            Float32Rows.binary(BinaryOp.ADD, d, dOff, 1, s, sOff, 1, d, dOff, n);
        } else if (st == dt && dt == DType.FLOAT64 && sStride == 1 && dStride == 1) {
            Float64Rows.binary(BinaryOp.ADD, d, dOff, 1, s, sOff, 1, d, dOff, n);
        } else if (dt == DType.BOOL) {
            for (long j = 0; j < n; j++) {
                boolean sum = getBool(d, dt, dOff + j * dStride) || getBool(s, st, sOff + j * sStride);
                setBool(d, dt, dOff + j * dStride, sum);
            }
        } else if (dt.isFloatingPoint()) {
            for (long j = 0; j < n; j++) {
                long di = dOff + j * dStride;
                setDouble(d, dt, di, getDouble(d, dt, di) + getDouble(s, st, sOff + j * sStride));
            }
        } else {
            for (long j = 0; j < n; j++) {
                long di = dOff + j * dStride;
                setLong(d, dt, di, getLong(d, dt, di) + getLong(s, st, sOff + j * sStride));
            }
        }
    }
}
