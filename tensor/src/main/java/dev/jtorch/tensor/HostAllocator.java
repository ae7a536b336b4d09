package dev.jtorch.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU's caching allocator: 64-byte aligned off-heap blocks, pooled by size class so a training step
 * reuses the previous step's blocks instead of allocating. Each fresh block has its own shared arena, so
 * memory closed under a running kernel is an {@link IllegalStateException}, never a crash.
 *
 * <p>Settings (system properties): {@code jtorch.host.gcThreshold} bytes in use before unreachable tensors
 * are collected (default 256 MiB; it then follows twice the live bytes), {@code jtorch.host.cacheLimit}
 * bytes kept cached in free lists (default 512 MiB), {@code jtorch.host.limit} a hard cap (default: 3/4 of RAM).
 */
public final class HostAllocator {
    public static final long ALIGNMENT = 64;
    private static final HostAllocator INSTANCE = new HostAllocator();

    private final long minGcThreshold = Long.getLong("jtorch.host.gcThreshold", 256L << 20);
    private final long cacheLimit = Long.getLong("jtorch.host.cacheLimit", 512L << 20);
    private final long hardLimit = Long.getLong("jtorch.host.limit", defaultLimit());

    private final Map<Long, ArrayDeque<HostBlock>> free = new HashMap<>();
    private long allocated;      // bytes handed out, by size class
    private long cached;         // bytes sitting in free lists
    private long peakAllocated;
    private long nextGcAt = minGcThreshold;
    private long collections;

    private HostAllocator() {}

    public static HostAllocator get() { return INSTANCE; }

    /** Memory figures, as {@code torch.cuda.memory_allocated/reserved} give them for a GPU. */
    public record Stats(long allocatedBytes, long reservedBytes, long peakAllocatedBytes, long gcCollections) {}

    public synchronized Stats stats() {
        return new Stats(allocated, allocated + cached, peakAllocated, collections);
    }

    public synchronized void resetPeak() { peakAllocated = allocated; }

    /** Frees every cached block (as {@code torch.cuda.empty_cache} does for a GPU). */
    public synchronized void emptyCache() {
        for (ArrayDeque<HostBlock> q : free.values()) for (HostBlock b : q) b.arena.close();
        free.clear();
        cached = 0;
    }

    public Block allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
        long reclaimed = Reclaimer.drain();
        long size = sizeClass(bytes);
        boolean collect;
        synchronized (this) {
            // Garbage the reference handler reached only after the last collection was counted as live when
            // the threshold was set from it: take it back out, or one late batch doubles the next peak.
            if (reclaimed > 0) nextGcAt = Math.max(Math.max(minGcThreshold, 2 * allocated), nextGcAt - 2 * reclaimed);
            collect = allocated + size > nextGcAt;
        }
        if (collect) {
            Reclaimer.collect();
            synchronized (this) {
                collections++;
                nextGcAt = Math.max(minGcThreshold, 2 * allocated + size);
            }
        }
        synchronized (this) {
            if (allocated + size > hardLimit) {
                throw new OutOfMemoryError("jtorch: cannot allocate " + bytes + " bytes of native memory: "
                        + allocated + " bytes in use, limit " + hardLimit + " (jtorch.host.limit)");
            }
            ArrayDeque<HostBlock> q = free.get(size);
            HostBlock b = q == null ? null : q.poll();
            if (b != null) {
                cached -= size;
            } else {
                Arena arena = Arena.ofShared();
                b = new HostBlock(this, arena, arena.allocate(Math.max(size, 1), ALIGNMENT), size);
            }
            allocated += size;
            peakAllocated = Math.max(peakAllocated, allocated);
            return b;
        }
    }

    private synchronized void release(HostBlock b) {
        allocated -= b.size;
        if (cached + b.size > cacheLimit) {
            b.arena.close();
            return;
        }
        free.computeIfAbsent(b.size, k -> new ArrayDeque<>()).push(b);
        cached += b.size;
    }

    /** Up to 1 KiB: multiples of 64; above: four classes per power of two, so at most 25% is wasted. */
    static long sizeClass(long bytes) {
        if (bytes <= 1024) return Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) & -ALIGNMENT);
        long pow = Long.highestOneBit(bytes - 1);
        long step = pow >> 2;
        return (bytes + step - 1) / step * step;
    }

    private static long defaultLimit() {
        long ram = 0;
        try {
            var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) ram = sun.getTotalMemorySize();
        } catch (LinkageError | RuntimeException e) {
            ram = 0;
        }
        return ram > 0 ? ram / 4 * 3 : 16L << 30;
    }

    /** A block of host memory; {@link #segment()} is what the CPU backend reads and writes. */
    public static final class HostBlock implements Block {
        private final HostAllocator owner;
        private final Arena arena;
        private final MemorySegment segment;
        private final long size;

        HostBlock(HostAllocator owner, Arena arena, MemorySegment segment, long size) {
            this.owner = owner;
            this.arena = arena;
            this.segment = segment;
            this.size = size;
        }

        public MemorySegment segment() { return segment; }
        @Override public long byteSize() { return size; }
        @Override public void free() { owner.release(this); }
    }
}
