package dev.jtorch.cuda;

import dev.jtorch.bindings.cuda.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/** {@link DeviceMemory} through {@code cudaMalloc}/{@code cudaFree} on one GPU. */
final class CudaDeviceMemory implements DeviceMemory {
    private final CudaDevice device;

    CudaDeviceMemory(CudaDevice device) { this.device = device; }

    @Override public long tryMalloc(long bytes) {
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int status = CudaRuntime.cudaMalloc(out, bytes);
            if (status == CudaRuntime.cudaErrorMemoryAllocation) {
                CudaRuntime.cudaGetLastError();   // clear the sticky-until-read error so later calls do not report it
                return 0;
            }
            CudaRuntime.check(status, "cudaMalloc(" + bytes + ")");
            return out.get(ADDRESS, 0).address();
        }
    }

    @Override public void free(long address) {
        device.makeCurrent();
        // cudaFree waits for the device, so no work still queued can touch the segment afterwards
        CudaRuntime.check(CudaRuntime.cudaFree(MemorySegment.ofAddress(address)), "cudaFree");
    }
}
