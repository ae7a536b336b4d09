package dev.jtorch.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend's intra-op thread pool, as {@code torch.set_num_threads}. Work below a grain size stays on
 * the calling thread, so small tensors never pay for a hand-off. Threads are daemons: the pool never keeps
 * a JVM alive.
 */
public final class IntraOpPool {
    /** Elementwise work below this many elements is not split. */
    public static final long DEFAULT_GRAIN = 32_768;

    private static volatile int numThreads = Integer.getInteger("jtorch.numThreads", Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool = newPool(numThreads);

    private IntraOpPool() {}

    /** A body over the half-open range [start, end) of some index space. */
    @FunctionalInterface
    public interface RangeBody {
        void run(long start, long end);
    }

    public static int numThreads() { return numThreads; }

    public static synchronized void setNumThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("number of threads must be >= 1, got " + n);
        if (n == numThreads) return;
        ForkJoinPool old = pool;
        numThreads = n;
        pool = newPool(n);
        old.shutdown();
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #numThreads()} contiguous chunks of at least
     * {@code grain} indices each; on the calling thread when one chunk suffices or when already inside the pool.
     */
    public static void parallelFor(long n, long grain, RangeBody body) {
        if (n <= 0) return;
        int threads = numThreads;
        long chunks = Math.min(threads, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || Thread.currentThread() instanceof ForkJoinWorkerThread) {
            body.run(0, n);
            return;
        }
        int c = (int) chunks;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[c - 1];
        ForkJoinPool p = pool;
        for (int i = 1; i < c; i++) {
            long s = n * i / c, e = n * (i + 1) / c;
            tasks[i - 1] = p.submit(() -> body.run(s, e));
        }
        body.run(0, n / c);
        RuntimeException failure = null;
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (RuntimeException ex) {
                if (failure == null) failure = ex;
            }
        }
        if (failure != null) throw failure;
    }

    private static ForkJoinPool newPool(int n) {
        AtomicInteger id = new AtomicInteger();
        return new ForkJoinPool(Math.max(1, n - 1), p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("jtorch-intra-op-" + id.incrementAndGet());
            return t;
        }, null, false);
    }
}
