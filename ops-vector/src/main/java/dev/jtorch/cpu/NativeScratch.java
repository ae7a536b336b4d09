package dev.jtorch.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A growable scratch buffer in native memory from a shared arena (one per thread, or one per kept layout in
 * {@link TransposedWeights}), replaced (and the old arena closed) when
 * it grows. Native and shared, as tensors are, not a heap array: the micro-kernel and the Vector API loops reach
 * these buffers through segments, and C2 compiles those accesses for the segment kinds it has seen; products into
 * heap segments beside products into tensors made Sgemm's unpacked path 2.5x slower in the same JVM. Shared, so the
 * pool's workers may fill it during the owner's call.
 */
final class NativeScratch {
    private Arena arena;
    private MemorySegment buffer = MemorySegment.NULL;

    NativeScratch() {}

    static ThreadLocal<NativeScratch> perThread() { return ThreadLocal.withInitial(NativeScratch::new); }

    /** The buffer, at least {@code floats} float32 elements, 64-byte aligned; contents undefined. */
    MemorySegment floats(long floats) { return bytes(floats * Float.BYTES); }

    /** The buffer, at least {@code bytes} long, 64-byte aligned; contents undefined. */
    MemorySegment bytes(long bytes) {
        if (buffer.byteSize() < bytes) {
            if (arena != null) arena.close();
            arena = Arena.ofShared();
            buffer = arena.allocate(bytes, 64);
        }
        return buffer;
    }

    /** The buffer as last sized ({@link MemorySegment#NULL} before the first call). */
    MemorySegment current() { return buffer; }
}
