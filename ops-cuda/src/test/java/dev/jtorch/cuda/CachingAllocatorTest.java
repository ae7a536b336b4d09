package dev.jtorch.cuda;

import dev.jtorch.cuda.CachingAllocator.DeviceBlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocator's rules against a fake device with a fixed capacity: no GPU needed. */
class CachingAllocatorTest {
    private static final long MIB = 1L << 20;
    private static final long STREAM = 7;

    /** Hands out addresses from a counter and refuses past its capacity, recording every call. */
    static final class FakeDevice implements DeviceMemory {
        final long capacity;
        final Map<Long, Long> live = new HashMap<>();
        final List<Long> mallocs = new ArrayList<>();
        long next = 0x10000, used;

        FakeDevice(long capacity) { this.capacity = capacity; }

        @Override public long tryMalloc(long bytes) {
            if (used + bytes > capacity) return 0;
            long address = next;
            next += bytes + 4096;
            used += bytes;
            live.put(address, bytes);
            mallocs.add(bytes);
            return address;
        }

        @Override public void free(long address) {
            Long bytes = live.remove(address);
            if (bytes == null) throw new AssertionError("fake device: free of unknown address 0x" + Long.toHexString(address));
            used -= bytes;
        }
    }

    private final FakeDevice device = new FakeDevice(100 * MIB);
    private final CachingAllocator allocator = new CachingAllocator(device, "cuda:0");

    @Test void roundsRequestsTo512Bytes() {
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(2 * MIB, CachingAllocator.segmentSize(512));
        assertEquals(2 * MIB, CachingAllocator.segmentSize(MIB));
        assertEquals(20 * MIB, CachingAllocator.segmentSize(MIB + 512));
        assertEquals(20 * MIB, CachingAllocator.segmentSize(10 * MIB - 512));
        assertEquals(12 * MIB, CachingAllocator.segmentSize(11 * MIB + 512));
    }

    @Test void smallRequestsShareOneSegment() {
        DeviceBlock a = allocator.allocate(100, STREAM), b = allocator.allocate(1000, STREAM);
        assertEquals(List.of(2 * MIB), device.mallocs, "one 2 MiB segment serves both");
        assertEquals(a.address() + 512, b.address(), "b is split off right after a's 512 bytes");
        MemoryStats s = allocator.stats();
        assertEquals(512 + 1024, s.allocatedBytes());
        assertEquals(2 * MIB, s.reservedBytes());
        assertEquals(100, a.byteSize(), "the block reports the size asked for");
    }

    @Test void freedBlockIsReusedWithoutTouchingTheDevice() {
        DeviceBlock a = allocator.allocate(3 * MIB, STREAM);
        long address = a.address();
        a.free();
        DeviceBlock b = allocator.allocate(3 * MIB, STREAM);
        assertEquals(address, b.address());
        assertEquals(1, device.mallocs.size());
        assertEquals(1, allocator.stats().deviceMallocs());
    }

    @Test void reuseIsPerStream() {
        DeviceBlock a = allocator.allocate(4096, STREAM);
        a.free();
        DeviceBlock b = allocator.allocate(4096, STREAM + 1);
        assertEquals(2, device.mallocs.size(), "a block cached for one stream is not handed to another");
        assertNotEquals(a.address(), b.address());
    }

    @Test void freedNeighboursMergeBackIntoTheWholeSegment() {
        DeviceBlock a = allocator.allocate(600 * 1024, STREAM), b = allocator.allocate(600 * 1024, STREAM), c = allocator.allocate(600 * 1024, STREAM);
        assertEquals(1, device.mallocs.size());
        b.free();
        a.free();
        c.free();
        // the three and the tail merged: a request of the whole segment fits without a new malloc
        DeviceBlock whole = allocator.allocate(MIB, STREAM);
        DeviceBlock rest = allocator.allocate(MIB, STREAM);
        assertEquals(1, device.mallocs.size());
        assertEquals(whole.address() + MIB, rest.address());
    }

    @Test void largeBlocksSplitOnlyWhenMoreThanOneMibRemains() {
        DeviceBlock a = allocator.allocate(19 * MIB + 512 * 1024, STREAM);   // 20 MiB segment, 0.5 MiB left: not split
        assertEquals(20 * MIB, device.mallocs.get(0));
        a.free();
        DeviceBlock b = allocator.allocate(2 * MIB, STREAM);                  // reuses it, 18 MiB left: split
        DeviceBlock c = allocator.allocate(2 * MIB, STREAM);
        assertEquals(1, device.mallocs.size());
        assertEquals(b.address() + 2 * MIB, c.address());
    }

    @Test void statsTrackPeaksAndCounts() {
        DeviceBlock a = allocator.allocate(5 * MIB, STREAM), b = allocator.allocate(5 * MIB, STREAM);
        a.free();
        MemoryStats s = allocator.stats();
        assertEquals(5 * MIB, s.allocatedBytes());
        assertEquals(10 * MIB, s.maxAllocatedBytes());
        assertEquals(20 * MIB, s.reservedBytes());
        assertEquals(1, s.activeBlocks());
        allocator.resetPeakStats();
        assertEquals(5 * MIB, allocator.stats().maxAllocatedBytes());
        b.free();
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @Test void emptyCacheFreesOnlyUnusedSegments() {
        DeviceBlock kept = allocator.allocate(4096, STREAM);
        DeviceBlock dropped = allocator.allocate(12 * MIB, STREAM);
        dropped.free();
        assertEquals(14 * MIB, allocator.stats().reservedBytes());
        allocator.emptyCache();
        MemoryStats s = allocator.stats();
        assertEquals(2 * MIB, s.reservedBytes(), "the small segment still holds a block");
        assertEquals(1, s.deviceFrees());
        assertEquals(1, device.live.size());
        kept.free();
        allocator.emptyCache();
        assertEquals(0, allocator.stats().reservedBytes());
        assertTrue(device.live.isEmpty());
    }

    @Test void outOfMemoryRetriesAfterGivingTheCacheBack() {
        DeviceBlock big = allocator.allocate(60 * MIB, STREAM);
        big.free();                                           // cached: 60 MiB reserved, 40 MiB free on the device
        DeviceBlock other = allocator.allocate(70 * MIB, STREAM + 1);   // needs the cache given back first
        assertEquals(70 * MIB, allocator.stats().reservedBytes());
        assertEquals(1, allocator.stats().oomRetries());
        assertTrue(other.address() != 0);
    }

    @Test void outOfMemoryAfterRetryThrowsWithTheFigures() {
        DeviceBlock held = allocator.allocate(60 * MIB, STREAM);
        var e = assertThrows(CudaOutOfMemoryException.class, () -> allocator.allocate(50 * MIB, STREAM));
        assertTrue(e.getMessage().startsWith("CUDA out of memory on cuda:0. Tried to allocate 50.00 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("60.00 MiB allocated"), e.getMessage());
        held.free();
    }

    @Test void doubleFreeIsAnError() {
        DeviceBlock a = allocator.allocate(100, STREAM);
        a.free();
        var e = assertThrows(IllegalStateException.class, a::free);
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        assertEquals(0, allocator.stats().activeBlocks(), "the second free changed nothing");
    }

    @Test void zeroBytesNeedNoDeviceMemory() {
        DeviceBlock a = allocator.allocate(0, STREAM);
        assertEquals(0, a.address());
        assertTrue(device.mallocs.isEmpty());
        a.free();
    }

    /** Many sizes allocated and freed in a shuffled order: everything merges back and the cache empties to nothing. */
    @Test void randomTrafficLeavesNoLeak() {
        var random = new java.util.Random(5);
        List<DeviceBlock> live = new ArrayList<>();
        for (int step = 0; step < 2000; step++) {
            if (live.size() > 20 || (!live.isEmpty() && random.nextBoolean())) {
                live.remove(random.nextInt(live.size())).free();
            } else {
                long size = random.nextBoolean() ? 1 + random.nextInt(64 * 1024) : 1 + random.nextInt((int) (3 * MIB));
                live.add(allocator.allocate(size, STREAM));
            }
        }
        for (DeviceBlock b : live) b.free();
        assertEquals(0, allocator.stats().allocatedBytes());
        allocator.emptyCache();
        assertEquals(0, allocator.stats().reservedBytes(), "every segment merged back whole");
        assertTrue(device.live.isEmpty());
    }
}
