package dev.jtorch.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory rules: unreachable tensors are reclaimed under allocation pressure, scopes and close() free at
 * once, and views keep their storage alive. Figures come from {@link HostAllocator#stats()}, which counts
 * bytes handed out by size class.
 */
class MemoryTest {

    static final long MIB = 1L << 20, GIB = 1L << 30;

    /** Frees whatever earlier tests left unreachable, so byte counts below are this test's own. */
    static void settle() {
        Reclaimer.collect();
        Reclaimer.collect();
    }

    static long allocated() { return HostAllocator.get().stats().allocatedBytes(); }

    @Test
    void hundredThousandUnclosedOneMegabyteTensorsStayUnderOneGibibyte() {
        final int count = 100_000;
        final long bound = GIB;
        settle();
        HostAllocator alloc = HostAllocator.get();
        alloc.resetPeak();
        long start = allocated();
        long collectionsBefore = alloc.stats().gcCollections();
        long t0 = System.nanoTime();
        double check = 0, expected = 0;
        for (int i = 0; i < count; i++) {
            // 1 MiB of float32, every page written, never closed. Zero-filling is a memset (~50 us/MiB here);
            // a non-zero fill is a scalar loop in the CPU backend (~300 us/MiB), so only every 1000th gets one.
            Tensor t = Tensor.empty(262144).fill_(0);
            if (i % 1000 == 0) {
                t.fill_(i % 7);
                check += t.toFloatArray()[262143];
                expected += i % 7;
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        HostAllocator.Stats s = alloc.stats();
        long peak = s.peakAllocatedBytes() - start;
        System.out.printf("100k x 1 MiB unclosed tensors: peak native allocated %.1f MiB above start (bound %d MiB), reserved now %.1f MiB, "
                        + "%d reclaiming collections, %d ms%n",
                peak / (double) MIB, bound / MIB, s.reservedBytes() / (double) MIB, s.gcCollections() - collectionsBefore, millis);
        assertEquals(expected, check, "the tensors held their values");
        assertTrue(peak < bound, "peak native memory " + peak / MIB + " MiB exceeds the stated bound of " + bound / MIB + " MiB");
        assertTrue(s.gcCollections() > collectionsBefore, "allocation pressure triggered reclamation");
        assertTrue(s.reservedBytes() < bound + 512 * MIB, "reserved (allocated + cached) stays bounded: " + s.reservedBytes() / MIB + " MiB");
    }

    @Test
    void memoryScopeFreesEverythingMadeInsideAtOnceExceptKeptAndPersistent() {
        settle();
        long before = allocated();
        Tensor kept, persistent, made;
        try (var scope = MemoryScope.open()) {
            Tensor a = Tensor.rand(256, 256);
            Tensor b = a.matmul(a.t()).relu().add(1); // temporaries, views and results
            made = b.sum(1);
            persistent = Tensor.ones(1000).persistent();
            kept = scope.keep(b.mul(2));
            assertTrue(allocated() > before + 4 * 256 * 256 * 3);
        }
        long keptBytes = HostAllocator.sizeClass(kept.numel() * 4) + HostAllocator.sizeClass(persistent.numel() * 4);
        assertEquals(before + keptBytes, allocated(), "allocated bytes back to the start plus the kept and persistent tensors right after close");
        assertTrue(made.isClosed());
        assertThrows(IllegalStateException.class, made::toFloatArray);
        assertFalse(kept.isClosed());
        assertFalse(persistent.isClosed());
        assertEquals(1000.0, persistent.sum().item());
        assertTrue(kept.min().item() >= 2.0, "the kept tensor is usable after the scope");
        kept.close();
        persistent.close();
        settle(); // the item() calls above made unclosed temporaries outside the scope
        assertEquals(before, allocated());
    }

    @Test
    void nestedScopesHandKeptTensorsToTheOuterScope() {
        settle();
        long before = allocated();
        Tensor fromInner;
        try (var outer = MemoryScope.open()) {
            try (var inner = MemoryScope.open()) {
                Tensor tmp = Tensor.ones(100, 100);
                fromInner = inner.keep(tmp.mul(3));
            }
            assertFalse(fromInner.isClosed());
            assertEquals(30000.0, fromInner.sum().item());
        }
        assertTrue(fromInner.isClosed(), "the outer scope closes what the inner one kept");
        assertEquals(before, allocated());
    }

    @Test
    void closingTheBaseKeepsStorageForAnOpenView() {
        settle();
        long before = allocated();
        Tensor base = Tensor.arange(0.0, 12.0, 1.0).reshape(3, 4).clone(); // sole owner of its storage
        Tensor transposed = base.t();
        Tensor view = transposed.narrow(0, 1, 2); // x.T[1:3]
        Storage storage = view.storage();
        // every tensor object is a user of the storage, intermediate views included
        transposed.close();
        long blockBytes = storage.byteSize();
        base.close();
        assertTrue(base.isClosed());
        assertFalse(storage.isReleased(), "storage freed while a view still uses it");
        assertArrayEquals(new float[] {1, 5, 9, 2, 6, 10}, view.toFloatArray());
        assertEquals(21.0 + 12.0, view.sum().item());
        view.close();
        assertTrue(storage.isReleased(), "closing the last user frees the storage at once");
        assertThrows(IllegalStateException.class, view::toFloatArray);
        assertTrue(blockBytes > 0);
        settle(); // arange's temporaries were never closed: reclaimed once unreachable
        assertEquals(before, allocated(), "nothing of this test is left allocated");
    }

    @Test
    void closingAllUsersFreesAtOnceAndClosingIsIdempotent() {
        settle();
        Tensor base = Tensor.zeros(1024, 1024);
        long afterAlloc = allocated();
        Tensor v1 = base.view(-1), v2 = base.narrow(0, 0, 10), v3 = base.detach();
        Storage s = base.storage();
        v1.close();
        v1.close();
        base.close();
        v3.close();
        assertFalse(s.isReleased());
        assertEquals(afterAlloc, allocated(), "still held by v2");
        v2.close();
        assertTrue(s.isReleased());
        assertEquals(afterAlloc - HostAllocator.sizeClass(4L * 1024 * 1024), allocated());
        assertThrows(IllegalStateException.class, () -> base.asStrided(new long[] {1}, new long[] {1}, 0));
    }

    @Test
    void poolReusesBlocksOfTheSameSizeClass() {
        settle();
        HostAllocator alloc = HostAllocator.get();
        Tensor t = Tensor.empty(300_000);
        t.close();
        long reserved = alloc.stats().reservedBytes();
        for (int i = 0; i < 50; i++) Tensor.empty(300_000 - i).close();
        assertEquals(reserved, alloc.stats().reservedBytes(), "closed blocks are reused, not allocated anew");
    }

    @Test
    void sizeClassesWasteAtMostAQuarter() {
        for (long b : new long[] {1, 63, 64, 65, 1000, 1024, 1025, 4096, 5000, 1 << 20, (1 << 20) + 1, 123_456_789}) {
            long c = HostAllocator.sizeClass(b);
            assertTrue(c >= b, "class " + c + " holds " + b);
            assertEquals(0, c % HostAllocator.ALIGNMENT, "aligned");
            if (b > 1024) assertTrue(c <= b * 1.25 + HostAllocator.ALIGNMENT, "class " + c + " for " + b + " wastes more than 25%");
        }
    }
}
