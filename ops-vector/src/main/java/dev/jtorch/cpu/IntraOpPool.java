package dev.jtorch.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CPU backend's intra-op thread pool, as {@code torch.set_num_threads}. Work below a grain size stays on
 * the calling thread, so small tensors never pay for a hand-off. Threads are daemons: the pool never keeps
 * a JVM alive.
 *
 * <p>Why not a ForkJoinPool: its idle workers park at once, and waking a parked thread on a virtualised
 * 2-core machine took about 90 µs per parallel section (measured), more than most kernels of a LeNet-5 step
 * take in total. Here each worker spins on its task slot for {@link #SPIN_NANOS} after its last task before it
 * parks, as OpenMP runtimes do, so back-to-back kernels hand off in well under a microsecond of latency.
 * One caller uses the workers at a time; a second caller that finds them busy runs its work inline.
 */
public final class IntraOpPool {
    /** Elementwise work below this many elements is not split. */
    public static final long DEFAULT_GRAIN = 32_768;

    /** How long an idle worker keeps polling for the next task before it parks. */
    static final long SPIN_NANOS = 200_000;

    private static volatile int numThreads = Integer.getInteger("jtorch.numThreads", Runtime.getRuntime().availableProcessors());
    private static volatile Workers workers = new Workers(numThreads - 1);
    /** True on a calling thread while it runs its own chunk, so a kernel nested inside stays on that thread. */
    private static final ThreadLocal<boolean[]> RUNNING_CHUNK = ThreadLocal.withInitial(() -> new boolean[1]);

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
        Workers old = workers;
        numThreads = n;
        workers = new Workers(n - 1);
        old.shutdown();
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #numThreads()} contiguous chunks of at least
     * {@code grain} indices each; on the calling thread when one chunk suffices, when already inside a
     * parallel section, or when another caller is using the workers.
     */
    public static void parallelFor(long n, long grain, RangeBody body) {
        if (n <= 0) return;
        Workers w = workers;
        long chunks = Math.min(Math.min(numThreads, w.size() + 1), Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || inParallelRegion() || !w.lock.tryLock()) {
            body.run(0, n);
            return;
        }
        if (w.closed) {   // replaced by setNumThreads since we read it
            w.lock.unlock();
            body.run(0, n);
            return;
        }
        try {
            int c = (int) chunks;
            Job job = new Job(body, n, c);
            for (int i = 1; i < c; i++) w.post(i - 1, job, i);
            boolean[] running = RUNNING_CHUNK.get();
            running[0] = true;
            try {
                job.runChunk(0);
            } finally {
                running[0] = false;
            }
            job.await();
            job.rethrow();
        } finally {
            w.lock.unlock();
        }
    }

    /** True inside a chunk of a {@link #parallelFor}: work started here must not split again. */
    public static boolean inParallelRegion() {
        return Thread.currentThread() instanceof Worker || RUNNING_CHUNK.get()[0];
    }

    /** One parallel section: the body, its chunking, the chunks still running and the first failure. */
    private static final class Job {
        final RangeBody body;
        final long n;
        final int chunks;
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(RangeBody body, long n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.pending = new AtomicInteger(chunks - 1);
        }

        void runChunk(int i) { body.run(n * i / chunks, n * (i + 1) / chunks); }

        /** Called by a worker: runs chunk i, records a failure, counts down. */
        void runAsWorker(int i) {
            try {
                runChunk(i);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }

        void await() {
            long start = System.nanoTime();
            int spins = 0;
            while (pending.get() > 0) {
                if (++spins < 1024 || System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
        }

        void rethrow() {
            Throwable t = failure;
            if (t == null) return;
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new RuntimeException(t);
        }
    }

    /** The worker threads of one pool size. */
    private static final class Workers {
        final Worker[] threads;
        final ReentrantLock lock = new ReentrantLock();
        /** Set under the lock by shutdown, so no caller posts to workers that are stopping. */
        volatile boolean closed;

        Workers(int count) {
            threads = new Worker[Math.max(0, count)];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Worker("jtorch-intra-op-" + (i + 1));
                threads[i].start();
            }
        }

        int size() { return threads.length; }

        void post(int worker, Job job, int chunk) {
            Worker t = threads[worker];
            t.chunk = chunk;
            t.task = job;                         // volatile write publishes chunk too
            if (t.parked) LockSupport.unpark(t);  // Dekker with the worker's parked/task checks: one side sees the other
        }

        void shutdown() {
            lock.lock();
            try {
                closed = true;
                for (Worker t : threads) {
                    t.stopped = true;
                    LockSupport.unpark(t);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** A worker: polls its task slot, spinning for a while after each task, then parks until a task is posted. */
    private static final class Worker extends Thread {
        volatile Job task;
        int chunk;
        volatile boolean parked;
        volatile boolean stopped;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override public void run() {
            long idleSince = System.nanoTime();
            int spins = 0;
            while (!stopped) {
                Job job = task;
                if (job != null) {
                    int i = chunk;
                    task = null;
                    job.runAsWorker(i);
                    idleSince = System.nanoTime();
                    spins = 0;
                    continue;
                }
                if (++spins < 1024 || System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (task == null && !stopped) LockSupport.park(this);
                parked = false;
                idleSince = System.nanoTime();
                spins = 0;
            }
        }
    }
}
