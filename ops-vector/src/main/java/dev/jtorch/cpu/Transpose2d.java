package dev.jtorch.cpu;

import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies the transpose of a row-major matrix into a contiguous one: {@code w.t().contiguous()}, as an RNN lays out
 * W_hh^T once per call. The general strided walk reads one element per cache line here and builds its index
 * arrays and lambdas per call; this walks {@link #BLOCK} x {@link #BLOCK} tiles, so both sides stay in L1, and
 * allocates nothing.
 */
final class Transpose2d {
    private static final int BLOCK = 16;
    private static final ValueLayout.OfInt BITS32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong BITS64 = ValueLayout.JAVA_LONG;

    private Transpose2d() {}

    /** Does the copy and returns true when dst is a contiguous [R, C] and src its transposed view; false otherwise. */
    static boolean copy(Tensor src, Tensor dst) {
        if (src.dtype() != dst.dtype() || dst.dim() != 2 || !dst.isContiguous() || src.stride(0) != 1) return false;
        long rows = dst.size(0), cols = dst.size(1), srcRowStride = src.stride(1);
        if (rows < 2 || cols < 2 || srcRowStride < rows) return false;
        int size = dst.dtype().byteSize();
        if (size != 4 && size != 8) return false;
        copy(ElementAccess.segment(src), src.storageOffset(), srcRowStride, ElementAccess.segment(dst), dst.storageOffset(), rows, cols, size);
        return true;
    }

    /** dst[r, c] = src[sOff + r + c * srcRowStride] for a contiguous [rows, cols] dst at dOff; elements of 4 or 8 bytes. */
    static void copy(MemorySegment s, long sOff, long srcRowStride, MemorySegment d, long dOff, long rows, long cols, int size) {
        for (long c0 = 0; c0 < cols; c0 += BLOCK) {
            long c1 = Math.min(cols, c0 + BLOCK);
            for (long r0 = 0; r0 < rows; r0 += BLOCK) {
                long r1 = Math.min(rows, r0 + BLOCK);
                for (long r = r0; r < r1; r++) {
                    long to = dOff + r * cols, from = sOff + r;
                    if (size == 4) {
                        for (long c = c0; c < c1; c++) d.setAtIndex(BITS32, to + c, s.getAtIndex(BITS32, from + c * srcRowStride));
                    } else {
                        for (long c = c0; c < c1; c++) d.setAtIndex(BITS64, to + c, s.getAtIndex(BITS64, from + c * srcRowStride));
                    }
                }
            }
        }
    }
}
