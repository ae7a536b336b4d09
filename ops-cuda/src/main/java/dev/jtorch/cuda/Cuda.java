package dev.jtorch.cuda;

import dev.jtorch.tensor.Backends;
import dev.jtorch.tensor.Device;

/**
 * The CUDA counterparts of {@code torch.cuda} and {@code torch.backends.cuda}: memory statistics and the
 * cache of each device's allocator, synchronisation, and the TF32 switch for float32 products.
 */
public final class Cuda {
    private Cuda() {}

    public static boolean isAvailable() { return Backends.isAvailable(Device.Kind.CUDA); }

    public static MemoryStats memoryStats(Device device) { return gpu(device).allocator.stats(); }

    /** Bytes held by tensors on {@code device}, as {@code torch.cuda.memory_allocated}. */
    public static long memoryAllocated(Device device) { return memoryStats(device).allocatedBytes(); }

    /** Bytes taken from the device by its allocator, cached or in use, as {@code torch.cuda.memory_reserved}. */
    public static long memoryReserved(Device device) { return memoryStats(device).reservedBytes(); }

    public static long maxMemoryAllocated(Device device) { return memoryStats(device).maxAllocatedBytes(); }

    public static void resetPeakMemoryStats(Device device) { gpu(device).allocator.resetPeakStats(); }

    /** Gives the cached, unused memory of every opened device back, as {@code torch.cuda.empty_cache()}. */
    public static void emptyCache() {
        for (CudaDevice d : CudaDevice.opened()) d.allocator.emptyCache();
    }

    public static void synchronize(Device device) { gpu(device).synchronize(); }

    /** As {@code torch.backends.cuda.matmul.allow_tf32 = allow}; off by default. */
    public static void setAllowTf32(boolean allow) { CublasMatmul.setAllowTf32(allow); }

    public static boolean allowTf32() { return CublasMatmul.allowTf32(); }

    private static CudaDevice gpu(Device device) {
        if (device.kind() != Device.Kind.CUDA) throw new IllegalArgumentException("not a CUDA device: " + device);
        Backends.of(device);   // throws the one-line reason when CUDA is unavailable
        return CudaDevice.of(device.index());
    }
}
