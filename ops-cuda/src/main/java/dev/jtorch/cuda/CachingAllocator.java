package dev.jtorch.cuda;

import dev.jtorch.tensor.Block;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * A caching allocator over {@link DeviceMemory}, after PyTorch's {@code CUDACachingAllocator}: freed blocks
 * stay cached for reuse, so a training loop stops calling {@code cudaMalloc} (which synchronises) after its
 * first step.
 *
 * <p>Requests round up to 512 bytes. Requests up to 1 MiB come from the small pool, whose segments are
 * 2 MiB; larger ones from the large pool, whose segments are 20 MiB for requests under 10 MiB and the
 * request rounded up to 2 MiB otherwise. A cached block larger than the request is split (small pool: when
 * at least 512 bytes remain; large pool: when more than 1 MiB remains), and a freed block merges with free
 * neighbours of its segment. Reuse is stream-ordered: a block is reused only on the stream it was allocated
 * on, where the work of its previous owner is already queued ahead. When the device is out of memory, the
 * allocator gives every unused cached segment back and tries once more before throwing.
 */
public final class CachingAllocator {
    static final long MIN_BLOCK = 512;
    static final long SMALL_REQUEST = 1L << 20;
    static final long SMALL_SEGMENT = 2L << 20;
    static final long MEDIUM_REQUEST = 10L << 20;
    static final long LARGE_SEGMENT = 20L << 20;
    static final long LARGE_ROUNDING = 2L << 20;

    private final DeviceMemory memory;
    private final String deviceName;
    /** Free blocks by stream, then size, then address: the best fit on a stream is a ceiling lookup. */
    private final TreeSet<Chunk> smallFree = new TreeSet<>(Chunk.ORDER), largeFree = new TreeSet<>(Chunk.ORDER);

    private long allocated, reserved, maxAllocated, maxReserved, activeBlocks, segments, deviceMallocs, deviceFrees, oomRetries;

    public CachingAllocator(DeviceMemory memory, String deviceName) {
        this.memory = memory;
        this.deviceName = deviceName;
    }

    /** Request sizes round up to a multiple of 512 bytes, and to at least 512. */
    static long roundSize(long bytes) {
        return bytes < MIN_BLOCK ? MIN_BLOCK : Math.ceilDiv(bytes, MIN_BLOCK) * MIN_BLOCK;
    }

    /** How much a new segment for a rounded request of {@code size} takes from the device. */
    static long segmentSize(long size) {
        if (size <= SMALL_REQUEST) return SMALL_SEGMENT;
        if (size < MEDIUM_REQUEST) return LARGE_SEGMENT;
        return Math.ceilDiv(size, LARGE_ROUNDING) * LARGE_ROUNDING;
    }

    /** A block of at least {@code bytes} for work on {@code stream}; zero bytes give a block at address 0. */
    public synchronized DeviceBlock allocate(long bytes, long stream) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
        if (bytes == 0) return new DeviceBlock(this, null, 0, 0);
        long size = roundSize(bytes);
        boolean small = size <= SMALL_REQUEST;
        TreeSet<Chunk> pool = small ? smallFree : largeFree;
        Chunk chunk = pool.ceiling(Chunk.probe(stream, size));
        if (chunk != null && chunk.stream == stream) {
            pool.remove(chunk);
        } else {
            chunk = newSegment(size, stream, small);
        }
        long remaining = chunk.size - size;
        if (small ? remaining >= MIN_BLOCK : remaining > SMALL_REQUEST) {
            Chunk rest = chunk.splitAt(size);
            pool.add(rest);
        }
        chunk.inUse = true;
        allocated += chunk.size;
        activeBlocks++;
        maxAllocated = Math.max(maxAllocated, allocated);
        return new DeviceBlock(this, chunk, chunk.address, bytes);
    }

    private Chunk newSegment(long size, long stream, boolean small) {
        long bytes = segmentSize(size);
        long address = memory.tryMalloc(bytes);
        if (address == 0) {
            oomRetries++;
            emptyCache();
            address = memory.tryMalloc(bytes);
            if (address == 0) {
                throw new CudaOutOfMemoryException("CUDA out of memory on " + deviceName + ". Tried to allocate " + mib(bytes)
                        + " (a segment for a request of " + mib(size) + "); " + mib(allocated) + " allocated, " + mib(reserved)
                        + " reserved, after giving the cache back and trying again");
            }
        }
        deviceMallocs++;
        segments++;
        reserved += bytes;
        maxReserved = Math.max(maxReserved, reserved);
        return new Chunk(address, bytes, stream, small);
    }

    synchronized void release(Chunk chunk) {
        chunk.inUse = false;
        allocated -= chunk.size;
        activeBlocks--;
        TreeSet<Chunk> pool = chunk.small ? smallFree : largeFree;
        // merge with free neighbours: they are in the pool, keyed by their old size, so take them out first
        Chunk merged = chunk;
        if (chunk.prev != null && !chunk.prev.inUse) {
            pool.remove(chunk.prev);
            merged = chunk.prev.absorbNext();
        }
        if (merged.next != null && !merged.next.inUse) {
            pool.remove(merged.next);
            merged.absorbNext();
        }
        pool.add(merged);
    }

    /** Gives every cached segment with no block in use back to the device, as {@code torch.cuda.empty_cache()}. */
    public synchronized void emptyCache() {
        for (TreeSet<Chunk> pool : java.util.List.of(smallFree, largeFree)) {
            var whole = pool.stream().filter(c -> c.prev == null && c.next == null).toList();
            for (Chunk c : whole) {
                pool.remove(c);
                memory.free(c.address);
                deviceFrees++;
                segments--;
                reserved -= c.size;
            }
        }
    }

    public synchronized MemoryStats stats() {
        return new MemoryStats(allocated, reserved, maxAllocated, maxReserved, activeBlocks, segments, deviceMallocs, deviceFrees, oomRetries);
    }

    /** Restarts the peaks from the current figures, as {@code torch.cuda.reset_peak_memory_stats()}. */
    public synchronized void resetPeakStats() {
        maxAllocated = allocated;
        maxReserved = reserved;
    }

    private static String mib(long bytes) { return String.format("%.2f MiB", bytes / (double) (1 << 20)); }

    /** A run of bytes within one segment; neighbours in the segment are linked so freed runs merge. */
    static final class Chunk {
        static final Comparator<Chunk> ORDER = Comparator.<Chunk>comparingLong(c -> c.stream)
                .thenComparingLong(c -> c.size).thenComparingLong(c -> c.address);

        final long address;
        long size;
        final long stream;
        final boolean small;
        Chunk prev, next;
        boolean inUse;

        Chunk(long address, long size, long stream, boolean small) {
            this.address = address;
            this.size = size;
            this.stream = stream;
            this.small = small;
        }

        static Chunk probe(long stream, long size) { return new Chunk(Long.MIN_VALUE, size, stream, false); }

        /** Keeps the first {@code size} bytes and returns the rest as a new free neighbour. */
        Chunk splitAt(long size) {
            Chunk rest = new Chunk(address + size, this.size - size, stream, small);
            rest.prev = this;
            rest.next = next;
            if (next != null) next.prev = rest;
            next = rest;
            this.size = size;
            return rest;
        }

        /** Takes the next chunk's bytes into this one; returns this. */
        Chunk absorbNext() {
            Chunk n = next;
            size += n.size;
            next = n.next;
            if (next != null) next.prev = this;
            return this;
        }
    }

    /** What a storage holds: the device address; Java never dereferences it. */
    public static final class DeviceBlock implements Block {
        private final CachingAllocator owner;
        private final Chunk chunk;
        private final long address, byteSize;
        private boolean freed;

        DeviceBlock(CachingAllocator owner, Chunk chunk, long address, long byteSize) {
            this.owner = owner;
            this.chunk = chunk;
            this.address = address;
            this.byteSize = byteSize;
        }

        public long address() { return address; }

        @Override public long byteSize() { return byteSize; }

        @Override public void free() {
            synchronized (owner) {
                if (freed) throw new IllegalStateException("double free of the device block at 0x" + Long.toHexString(address) + " (" + byteSize + " bytes) on " + owner.deviceName);
                freed = true;
                if (chunk != null) owner.release(chunk);
            }
        }
    }
}
