package dev.jtorch.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The CPU backend's intra-op thread pool, as {@code torch.set_num_threads}. Work below a grain size stays on
 * the calling thread, so small tensors never pay for a hand-off. Threads are daemons: the pool never keeps
 * a JVM alive.
 *
 * <p>Why not a ForkJoinPool: its idle workers park at once, and waking a parked thread on a virtualised
 * 2-core machine took about 90 µs per parallel section (measured), more than most kernels of a LeNet-5 step
 * take in total. Here each worker spins on the section word for {@link #SPIN_NANOS} after its last task before
 * it parks, as OpenMP runtimes do, so back-to-back kernels hand off in well under a microsecond of latency.
 * One caller uses the workers at a time; a second caller that finds them busy runs its work inline.
 *
 * <p>Why work is claimed, not assigned: on a shared machine a worker may be descheduled for milliseconds. A
 * section never waits for a worker that has not started: the chunks of {@link #parallelFor} (and the units of
 * a {@link #team} body) go to whichever participant asks next, the caller included, and the section closes as
 * soon as the caller is done and no worker is inside; a worker that arrives later finds it closed and skips it.
 * The section object is reused from call to call, so a parallel section allocates nothing.
 */
public final class IntraOpPool {
    /** Elementwise work below this many elements is not split. */
    public static final long DEFAULT_GRAIN = 32_768;

    /** How long an idle worker keeps polling for the next task before it parks. */
    static final long SPIN_NANOS = 200_000;

    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(int[].class);

    /**
     * Inside a team: spins until {@code counters[index]} (a volatile read) reaches target, yielding once the peer that
     * advances it has looked descheduled for {@link #SPIN_NANOS}; false, at once, when {@code failed} says a peer
     * failed and will never advance it. Pass a supplier made once per body, not per call (a capturing lambda is an
     * allocation).
     */
    static boolean awaitCount(int[] counters, int index, int target, BooleanSupplier failed) {
        long start = 0;
        int spins = 0;
        while ((int) COUNTER.getVolatile(counters, index) < target) {
            if (failed.getAsBoolean()) return false;
            if (++spins < 1024) {
                Thread.onSpinWait();
            } else {
                if (start == 0) start = System.nanoTime();
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
        }
        return true;
    }

    private static volatile int numThreads = Integer.getInteger("jtorch.numThreads", Runtime.getRuntime().availableProcessors());
    private static volatile Workers workers = new Workers(numThreads - 1);
    /** True on a calling thread while it runs its own part, so a kernel nested inside stays on that thread. */
    private static final ThreadLocal<boolean[]> RUNNING_CHUNK = ThreadLocal.withInitial(() -> new boolean[1]);

    private IntraOpPool() {}

    /** A body over the half-open range [start, end) of some index space. */
    @FunctionalInterface
    public interface RangeBody {
        void run(long start, long end);
    }

    /**
     * The body of a {@link #team} section, run once by each participant ({@code participant} 0 is the caller,
     * the others are distinct and below the team size). It must claim its work from state shared by all
     * participants (an atomic counter), so that whichever participants turn up, even the caller alone, finish it.
     */
    @FunctionalInterface
    public interface TeamBody {
        void run(int participant);
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
     * {@code grain} indices each, every chunk exactly once, each on whichever participating thread claims it;
     * on the calling thread when one chunk suffices, when already inside a parallel section, or when another
     * caller is using the workers.
     */
    public static void parallelFor(long n, long grain, RangeBody body) {
        if (n <= 0) return;
        Workers w = workers;
        long chunks = Math.min(Math.min(numThreads, w.size() + 1), Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || inParallelRegion() || !w.lock.tryLock()) {
            body.run(0, n);
            return;
        }
        try {
            if (w.closed) {   // replaced by setNumThreads since we read it
                body.run(0, n);
                return;
            }
            w.section.run(w, (int) chunks, null, body, n);
        } finally {
            w.lock.unlock();
        }
    }

    /**
     * Runs {@code body} on the calling thread and on each of up to {@code maxThreads - 1} workers that is free
     * to join before the caller's part returns. With one thread, inside a parallel section, or when another
     * caller holds the workers, only the caller runs it. See {@link TeamBody} for what the body must do.
     */
    public static void team(int maxThreads, TeamBody body) {
        Workers w = workers;
        int size = Math.min(Math.min(numThreads, w.size() + 1), maxThreads);
        if (size <= 1 || inParallelRegion() || !w.lock.tryLock()) {
            body.run(0);
            return;
        }
        try {
            if (w.closed) {
                body.run(0);
                return;
            }
            w.section.run(w, size, body, null, 0);
        } finally {
            w.lock.unlock();
        }
    }

    /** True inside a chunk of a {@link #parallelFor} or a {@link #team} body: work started here must not split again. */
    public static boolean inParallelRegion() {
        return Thread.currentThread() instanceof Worker || RUNNING_CHUNK.get()[0];
    }

    /**
     * One parallel section at a time, reused: what to run, the next unclaimed chunk, the first failure, and a
     * state word {@code generation << 32 | OPEN | workers inside}. A worker enters only by a compare-and-set
     * on an open state of the generation it saw; the caller closes only when no worker is inside, so the
     * fields a worker reads stay fixed while it is inside, and a late worker can never touch the next section.
     */
    private static final class Section {
        private static final long OPEN = 1L << 31;
        private static final long INSIDE = OPEN - 1;

        /** Polled by every idle worker; padded so that claiming chunks does not disturb the pollers' line. */
        final AtomicLong state = new PaddedAtomicLong();
        final AtomicInteger nextChunk = new PaddedAtomicInteger();
        int participants;
        TeamBody team;
        RangeBody range;
        long n;
        volatile Throwable failure;

        static long generation(long state) { return state >>> 32; }

        /** Opens the section, runs the caller's part, closes once no worker is inside, rethrows the first failure. */
        void run(Workers w, int participants, TeamBody team, RangeBody range, long n) {
            this.participants = participants;
            this.team = team;
            this.range = range;
            this.n = n;
            failure = null;
            nextChunk.set(0);
            long generation = generation(state.get()) + 1;
            state.set(generation << 32 | OPEN);      // volatile write publishes the fields above
            for (int i = 0; i < participants - 1; i++) w.threads[i].wake();
            boolean[] running = RUNNING_CHUNK.get();
            running[0] = true;
            try {
                runPart(0);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            } finally {
                running[0] = false;
                close(generation);
                this.team = null;
                this.range = null;
            }
            rethrow();
        }

        /** Called by a worker that saw {@code seen}: joins if the section is still open, runs its part, leaves. */
        void join(long seen, int participant) {
            long s = seen;
            while (true) {
                if ((s & OPEN) == 0) return;
                if (state.compareAndSet(s, s + 1)) break;
                s = state.get();
                if (generation(s) != generation(seen)) return;
            }
            try {
                if (participant < participants) runPart(participant);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            } finally {
                state.decrementAndGet();
            }
        }

        private void runPart(int participant) {
            if (team != null) {
                team.run(participant);
                return;
            }
            int chunks = participants;
            for (int c; (c = nextChunk.getAndIncrement()) < chunks; ) range.run(n * c / chunks, n * (c + 1) / chunks);
        }

        private void close(long generation) {
            long open = generation << 32 | OPEN, start = System.nanoTime();
            int spins = 0;
            while (!state.compareAndSet(open, generation << 32)) {
                // a worker is inside, finishing a chunk it claimed
                if (++spins < 1024 || System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
        }

        void rethrow() {
            Throwable t = failure;
            if (t == null) return;
            failure = null;
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new RuntimeException(t);
        }
    }

    /**
     * Atomics followed by 120 bytes of padding (two cache lines with the adjacent-line prefetcher), so two of
     * them allocated one after the other never share a line: one thread's updates do not slow another's polls.
     */
    @SuppressWarnings("unused")
    private static final class PaddedAtomicInteger extends AtomicInteger {
        private long p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    }

    @SuppressWarnings("unused")
    private static final class PaddedAtomicLong extends AtomicLong {
        private long p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    }

    /** The worker threads of one pool size, and the one section they serve. */
    private static final class Workers {
        final Worker[] threads;
        final Section section = new Section();
        final ReentrantLock lock = new ReentrantLock();
        /** Set under the lock by shutdown, so no caller posts to workers that are stopping. */
        volatile boolean closed;

        Workers(int count) {
            threads = new Worker[Math.max(0, count)];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Worker("jtorch-intra-op-" + (i + 1), section, i + 1);
                threads[i].start();
            }
        }

        int size() { return threads.length; }

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

    /**
     * A worker: polls the section's generation, spinning for a while after each section, then parks until the
     * next one opens. It takes part in each generation at most once, as participant {@code index}.
     */
    private static final class Worker extends Thread {
        final Section section;
        final int index;
        volatile boolean parked;
        volatile boolean stopped;

        Worker(String name, Section section, int index) {
            super(name);
            this.section = section;
            this.index = index;
            setDaemon(true);
        }

        /** Dekker with {@link #run}'s parked / state checks: either the worker sees the new state or we see it parked. */
        void wake() {
            if (parked) LockSupport.unpark(this);
        }

        @Override public void run() {
            long lastGeneration = Section.generation(section.state.get());
            long idleSince = System.nanoTime();
            int spins = 0;
            while (!stopped) {
                long s = section.state.get();
                if (Section.generation(s) != lastGeneration) {
                    lastGeneration = Section.generation(s);
                    section.join(s, index);
                    idleSince = System.nanoTime();
                    spins = 0;
                    continue;
                }
                if (++spins < 1024 || System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (Section.generation(section.state.get()) == lastGeneration && !stopped) LockSupport.park(this);
                parked = false;
                idleSince = System.nanoTime();
                spins = 0;
            }
        }
    }
}
