package dev.jtorch.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Background threads that build the batches of one epoch. Worker {@code w} builds batches {@code w, w+N, ...}
 * (round robin, as PyTorch assigns them) into its own queue of {@code prefetchFactor} slots, so at most
 * {@code N * prefetchFactor} batches wait ahead of the consumer, and taking batch {@code k} from queue
 * {@code k mod N} yields them in order. Holds no reference to the iterator that owns it, so an abandoned
 * iterator can be cleaned and the workers stopped.
 */
final class WorkerPool {
    private static final AtomicInteger POOLS = new AtomicInteger();
    static final String THREAD_PREFIX = "jtorch-DataLoader-";

    private sealed interface Outcome permits Built, Failed {}
    private record Built(Batch batch) implements Outcome {}
    private record Failed(Throwable error) implements Outcome {}

    private final List<ArrayBlockingQueue<Outcome>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    WorkerPool(int numBatches, int numWorkers, int prefetchFactor, IntFunction<Batch> build) {
        int pool = POOLS.incrementAndGet();
        for (int w = 0; w < numWorkers; w++) {
            var queue = new ArrayBlockingQueue<Outcome>(prefetchFactor);
            queues.add(queue);
            int worker = w;
            Thread t = new Thread(() -> work(worker, numWorkers, numBatches, build, queue), THREAD_PREFIX + pool + "-worker-" + w);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void work(int worker, int numWorkers, int numBatches, IntFunction<Batch> build, ArrayBlockingQueue<Outcome> queue) {
        for (int k = worker; k < numBatches && !stopped; k += numWorkers) {
            Outcome outcome;
            try {
                outcome = new Built(build.apply(k));
            } catch (Throwable e) {
                outcome = new Failed(e);
            }
            if (stopped) return;
            try {
                queue.put(outcome);
            } catch (InterruptedException e) {
                return; // stopped while waiting for room
            }
            if (outcome instanceof Failed) return;
        }
    }

    /** Batch {@code k}; waits for it. A worker's exception is rethrown here with that exception as cause. */
    Batch take(int k) {
        int w = k % queues.size();
        ArrayBlockingQueue<Outcome> queue = queues.get(w);
        Outcome outcome;
        try {
            while (true) {
                outcome = queue.poll(100, TimeUnit.MILLISECONDS);
                if (outcome != null) break;
                // A worker that died without reporting (killed by an Error while reporting) would hang us.
                if (!threads.get(w).isAlive() && queue.isEmpty()) {
                    throw new DataLoaderException("DataLoader worker " + w + " exited unexpectedly before batch " + k, null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataLoaderException("interrupted while waiting for batch " + k, e);
        }
        return switch (outcome) {
            case Built b -> b.batch();
            case Failed f -> throw new DataLoaderException("Caught " + f.error().getClass().getSimpleName() + " in DataLoader worker " + w
                    + " while loading batch " + k + ": " + f.error().getMessage(), f.error());
        };
    }

    /** Tells the workers to stop and wakes them; does not wait (safe from a Cleaner). */
    void stop() {
        stopped = true;
        for (Thread t : threads) t.interrupt();
        for (var q : queues) q.clear();
    }

    /** Stops the workers and waits until they have exited. */
    void shutdown() {
        stop();
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join(1000);
                    if (t.isAlive()) t.interrupt(); // a dataset swallowed the first interrupt
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        for (var q : queues) q.clear();
        if (interrupted) Thread.currentThread().interrupt();
    }
}
