package dev.jtorch.cpu;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Heap bytes a call allocates once compiled, by the calling thread's allocation counter. The Vector API allocates
 * its vectors until C2 has compiled a kernel, so a case gets measurement windows until one allocates nothing, for
 * at most {@link #WINDOWS_SECONDS}. A count of windows was not enough: with 512-bit kernels on 2 cores, C2's one
 * thread was still compiling after 5000 calls in some runs (the same case reached zero after 2-5 s in every run).
 */
final class SteadyStateAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static final int CALLS_PER_WINDOW = 50;
    private static final long WINDOWS_SECONDS = 20;

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
