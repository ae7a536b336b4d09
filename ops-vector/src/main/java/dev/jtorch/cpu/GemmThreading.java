package dev.jtorch.cpu;

import java.lang.foreign.MemorySegment;

/** When a GEMM may hand work to {@link IntraOpPool}'s threads. */
final class GemmThreading {
    private GemmThreading() {}

    /** Never started: a thread that owns no segment, to ask whether a segment is confined to its owner. */
    private static final Thread SOME_OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    /**
     * True when pool threads may read and write these segments: heap, global, automatic and shared segments,
     * not one from {@code Arena.ofConfined()}, whose accesses from another thread throw. Null entries (an absent
     * bias) count as accessible.
     */
    static boolean accessibleFromPool(MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment bias) {
        return accessible(a) && accessible(b) && accessible(c) && accessible(bias);
    }

    private static boolean accessible(MemorySegment segment) {
        return segment == null || segment.isAccessibleBy(SOME_OTHER_THREAD);
    }
}
