package dev.jtorch.cpu;

/** Per-thread scratch arrays that kernels reuse across calls, so steady state allocates nothing. */
final class ThreadBuffers {
    private ThreadBuffers() {}

    static ThreadLocal<float[]> floats() { return ThreadLocal.withInitial(() -> new float[0]); }

    /** The slot's array, grown to at least {@code size}; contents undefined. */
    static float[] atLeast(ThreadLocal<float[]> slot, long size) {
        float[] b = slot.get();
        if (b.length < size) {
            b = new float[Math.toIntExact(size)];
            slot.set(b);
        }
        return b;
    }
}
