package dev.jtorch.cuda;

import dev.jtorch.bindings.cuda.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Host-device copies. Native host memory is copied directly; Java heap arrays (which native code cannot
 * address) go through one pinned staging buffer per device, in chunks. Every copy returns once the host
 * memory may be reused or read: after the stream has caught up with it.
 */
final class HostStaging {
    private static final long CHUNK = 8L << 20;

    private final CudaDevice device;
    private MemorySegment pinned;

    HostStaging(CudaDevice device) { this.device = device; }

    synchronized void toDevice(MemorySegment host, long deviceAddress) {
        device.makeCurrent();
        if (host.isNative()) {
            copy(MemorySegment.ofAddress(deviceAddress), host, host.byteSize(), CudaRuntime.cudaMemcpyHostToDevice);
            device.synchronize();
            return;
        }
        MemorySegment buffer = buffer();
        for (long done = 0; done < host.byteSize(); done += CHUNK) {
            long n = Math.min(CHUNK, host.byteSize() - done);
            MemorySegment.copy(host, done, buffer, 0, n);
            copy(MemorySegment.ofAddress(deviceAddress + done), buffer, n, CudaRuntime.cudaMemcpyHostToDevice);
            device.synchronize();   // the buffer is refilled next
        }
    }

    synchronized void toHost(long deviceAddress, MemorySegment host) {
        device.makeCurrent();
        if (host.isNative()) {
            copy(host, MemorySegment.ofAddress(deviceAddress), host.byteSize(), CudaRuntime.cudaMemcpyDeviceToHost);
            device.synchronize();
            return;
        }
        MemorySegment buffer = buffer();
        for (long done = 0; done < host.byteSize(); done += CHUNK) {
            long n = Math.min(CHUNK, host.byteSize() - done);
            copy(buffer, MemorySegment.ofAddress(deviceAddress + done), n, CudaRuntime.cudaMemcpyDeviceToHost);
            device.synchronize();
            MemorySegment.copy(buffer, 0, host, done, n);
        }
    }

    private void copy(MemorySegment dst, MemorySegment src, long bytes, int kind) {
        if (bytes == 0) return;
        CudaRuntime.check(CudaRuntime.cudaMemcpyAsync(dst, src, bytes, kind, device.stream), "cudaMemcpyAsync");
    }

    private MemorySegment buffer() {
        if (pinned == null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                CudaRuntime.check(CudaRuntime.cudaMallocHost(out, CHUNK), "cudaMallocHost");
                pinned = out.get(ADDRESS, 0).reinterpret(CHUNK);
            }
        }
        return pinned;
    }
}
