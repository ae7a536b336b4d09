package dev.jtorch.cpu;

import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * Moves a tensor's elements between its storage and caller-owned host memory (heap arrays or native
 * segments, any alignment). The host side is always dense row-major; the tensor side is expected to be
 * contiguous, and a strided view is still copied element by element rather than refused.
 */
final class HostTransfer {
    private HostTransfer() {}

    static void fromHost(MemorySegment host, Tensor dst) {
        long n = dst.numel();
        if (n == 0) return;
        int size = dst.dtype().byteSize();
        checkHostSize(host, n * size, dst);
        MemorySegment d = ElementAccess.segment(dst);
        if (dst.isContiguous()) {
            MemorySegment.copy(host, 0, d, dst.storageOffset() * size, n * size);
            return;
        }
        StridedIndexer walk = StridedIndexer.of(dst.shape(), new long[]{dst.storageOffset()}, dst.strides());
        long[] flat = {0};
        long ds = walk.rowStride(0);
        walk.forEachRow((off, count) -> {
            for (long i = 0; i < count; i++) {
                MemorySegment.copy(host, (flat[0] + i) * size, d, (off[0] + i * ds) * size, size);
            }
            flat[0] += count;
        });
    }

    static void toHost(Tensor src, MemorySegment host) {
        long n = src.numel();
        if (n == 0) return;
        int size = src.dtype().byteSize();
        checkHostSize(host, n * size, src);
        MemorySegment s = ElementAccess.segment(src);
        if (src.isContiguous()) {
            MemorySegment.copy(s, src.storageOffset() * size, host, 0, n * size);
            return;
        }
        StridedIndexer walk = StridedIndexer.of(src.shape(), new long[]{src.storageOffset()}, src.strides());
        long[] flat = {0};
        long ss = walk.rowStride(0);
        walk.forEachRow((off, count) -> {
            for (long i = 0; i < count; i++) {
                MemorySegment.copy(s, (off[0] + i * ss) * size, host, (flat[0] + i) * size, size);
            }
            flat[0] += count;
        });
    }

    private static void checkHostSize(MemorySegment host, long bytes, Tensor t) {
        if (host.byteSize() < bytes) {
            throw new IllegalArgumentException("host buffer of " + host.byteSize() + " bytes is too small for "
                    + t.numel() + " elements of " + t.dtype() + " (" + bytes + " bytes)");
        }
    }
}
