package dev.jtorch.cuda;

/**
 * A snapshot of one device's {@link CachingAllocator}, in bytes, named as PyTorch's {@code torch.cuda}
 * functions: {@code memory_allocated} counts the blocks tensors hold (rounded sizes), {@code memory_reserved}
 * the segments taken from the device, cached or not.
 */
public record MemoryStats(long allocatedBytes, long reservedBytes, long maxAllocatedBytes, long maxReservedBytes,
                          long activeBlocks, long segments, long deviceMallocs, long deviceFrees, long oomRetries) {
}
