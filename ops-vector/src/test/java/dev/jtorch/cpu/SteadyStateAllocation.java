package dev.jtorch.cpu;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Heap bytes a call allocates once compiled, by the calling thread's allocation counter. The Vector API allocates
 * its vectors until C2 has compiled a kernel, so a case gets measurement windows until one allocates nothing, for
 * at most {@link #WINDOWS_SECONDS}. A count of windows was not enough: with 512-bit kernels on 2 cores, C2's one
 * thread was still compiling after 5000 calls in some runs (the same case reached zero after 2-5 s in every run).
 * 20 s was not enough either: GemmAllocationTest switches the micro-kernel's width, the shared Vector API methods
 * compiled for one shape meet another and deoptimize, and C2 logged about 3,700 compilations in the 20 s the
 * transposed-A packing case then waited, none of them that case's loop (it failed in 2 of 9 runs of the module here,
 * session 26; passing, it takes 0.4 s).
 */
final class SteadyStateAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static final int CALLS_PER_WINDOW = 50;
    private static final long WINDOWS_SECONDS = 90;

    private SteadyStateAllocation() {}

    /** Bytes this thread allocated in the cheapest window of {@link #CALLS_PER_WINDOW} calls after the warm-up, down to {@code enough}. */
    static long leastBytesPerWindow(int warmUpCalls, long enough, Runnable call) {
        for (int i = 0; i < warmUpCalls; i++) call.run();
        long least = Long.MAX_VALUE, deadline = System.nanoTime() + WINDOWS_SECONDS * 1_000_000_000L;
        while (least > enough && System.nanoTime() < deadline) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS_PER_WINDOW; i++) call.run();
            least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }

    static void assertAllocatesNothing(String what, Runnable call) {
        long bytes = leastBytesPerWindow(3000, 0, call);
        if (bytes != 0) fail(what + ": " + bytes + " bytes per " + CALLS_PER_WINDOW + " calls in steady state");
    }
}
