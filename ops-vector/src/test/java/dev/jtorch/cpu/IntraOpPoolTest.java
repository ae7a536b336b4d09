package dev.jtorch.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** The spinning intra-op pool: every index once, failures reach the caller, nesting and resizing stay safe. */
class IntraOpPoolTest {

    @Test
    void everyIndexRunsOnceAndNestedSectionsStayInline() {
        int before = IntraOpPool.numThreads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                IntraOpPool.setNumThreads(threads);
                for (long n : new long[] {1, 7, 17, 1023, 100_000}) {
                    AtomicLong sum = new AtomicLong(), nestedInline = new AtomicLong();
                    for (int rep = 0; rep < 50; rep++) {
                        IntraOpPool.parallelFor(n, 1, (s, e) -> {
                            for (long i = s; i < e; i++) sum.addAndGet(i);
                            Thread outer = Thread.currentThread();
                            IntraOpPool.parallelFor(4, 1, (a, b) -> { if (Thread.currentThread() == outer) nestedInline.addAndGet(b - a); });
                        });
                    }
                    assertEquals(50 * n * (n - 1) / 2, sum.get(), "threads " + threads + " n " + n);
                    // inside a section that did split, a nested section runs whole on its chunk's thread
                    // (a section that ran as one chunk on the caller leaves nested work free to split)
                    if (n >= 1023) assertEquals(0, nestedInline.get() % 4, "threads " + threads + " n " + n);
                }
            }
        } finally {
            IntraOpPool.setNumThreads(before);
        }
    }

    @Test
    void aFailureInAnyChunkReachesTheCaller() {
        int before = IntraOpPool.numThreads();
        try {
            IntraOpPool.setNumThreads(2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> IntraOpPool.parallelFor(2, 1, (s, end) -> {
                if (s == 1) throw new IllegalStateException("chunk 1");
            }));
            assertEquals("chunk 1", e.getMessage());
            // the pool still works afterwards
            AtomicLong count = new AtomicLong();
            IntraOpPool.parallelFor(1000, 1, (s, end) -> count.addAndGet(end - s));
            assertEquals(1000, count.get());
        } finally {
            IntraOpPool.setNumThreads(before);
        }
    }

    @Test
    void aTeamFinishesClaimedWorkWithDistinctParticipants() {
        int before = IntraOpPool.numThreads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                IntraOpPool.setNumThreads(threads);
                for (int rep = 0; rep < 200; rep++) {
                    int units = 1 + rep % 37;
                    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
                    java.util.concurrent.atomic.AtomicIntegerArray done = new java.util.concurrent.atomic.AtomicIntegerArray(units);
                    java.util.concurrent.atomic.AtomicIntegerArray seen = new java.util.concurrent.atomic.AtomicIntegerArray(threads);
                    IntraOpPool.team(threads, participant -> {
                        assertEquals(0, seen.getAndIncrement(participant), "participant " + participant + " twice");
                        if (threads > 1) assertTrue(IntraOpPool.inParallelRegion(), "nested work must stay inline");
                        for (int u; (u = next.getAndIncrement()) < units; ) done.incrementAndGet(u);
                    });
                    assertEquals(1, seen.get(0), "the caller always takes part");
                    for (int u = 0; u < units; u++) assertEquals(1, done.get(u), "unit " + u + " of " + units);
                }
            }
        } finally {
            IntraOpPool.setNumThreads(before);
        }
    }
}
