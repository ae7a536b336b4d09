package dev.jtorch.cuda;

/**
 * Raw device memory, as {@code cudaMalloc}/{@code cudaFree} give it: what {@link CachingAllocator} caches.
 * An interface so the allocator's rules are tested against a fake device where there is no GPU.
 */
public interface DeviceMemory {
    /** The address of {@code bytes} fresh bytes, or 0 when the device is out of memory (other failures throw). */
    long tryMalloc(long bytes);

    void free(long address);
}
