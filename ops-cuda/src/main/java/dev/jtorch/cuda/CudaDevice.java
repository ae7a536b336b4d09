package dev.jtorch.cuda;

import dev.jtorch.bindings.cublas.Cublas;
import dev.jtorch.bindings.cuda.CudaDriver;
import dev.jtorch.bindings.cuda.CudaRuntime;
import dev.jtorch.tensor.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One GPU as the backend uses it: the runtime's primary context (never a context of our own), one stream on
 * which all work is queued in order, the caching allocator, the cuBLAS handle, and the kernel modules,
 * compiled by NVRTC for this GPU's architecture on first use.
 */
final class CudaDevice {
    private static final Map<Integer, CudaDevice> DEVICES = new ConcurrentHashMap<>();
    /** The ordinal whose context this thread has current; the driver API needs it per thread. */
    private static final ThreadLocal<Integer> CURRENT = ThreadLocal.withInitial(() -> -1);

    final int ordinal;
    final Device device;
    final int major, minor, multiprocessors;
    private final MemorySegment context;
    final MemorySegment stream;
    final CachingAllocator allocator;
    final HostStaging staging;
    private final Map<String, MemorySegment> modules = new ConcurrentHashMap<>();
    private final Map<String, MemorySegment> functions = new ConcurrentHashMap<>();
    private MemorySegment cublas;

    private CudaDevice(int ordinal) {
        this.ordinal = ordinal;
        this.device = Device.cuda(ordinal);
        try (Arena arena = Arena.ofConfined()) {
            CudaRuntime.check(CudaRuntime.cudaSetDevice(ordinal), "cudaSetDevice");
            // cudaSetDevice initialises the runtime's primary context; the driver API uses the same one
            CudaDriver.check(CudaDriver.cuInit(0), "cuInit");
            MemorySegment handle = arena.allocate(JAVA_INT), ctx = arena.allocate(ADDRESS);
            CudaDriver.check(CudaDriver.cuDeviceGet(handle, ordinal), "cuDeviceGet");
            CudaDriver.check(CudaDriver.cuDevicePrimaryCtxRetain(ctx, handle.get(JAVA_INT, 0)), "cuDevicePrimaryCtxRetain");
            this.context = ctx.get(ADDRESS, 0);
            CudaDriver.check(CudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CURRENT.set(ordinal);
            this.major = attribute(arena, CudaRuntime.cudaDevAttrComputeCapabilityMajor);
            this.minor = attribute(arena, CudaRuntime.cudaDevAttrComputeCapabilityMinor);
            this.multiprocessors = attribute(arena, CudaRuntime.cudaDevAttrMultiProcessorCount);
            MemorySegment s = arena.allocate(ADDRESS);
            CudaRuntime.check(CudaRuntime.cudaStreamCreateWithFlags(s, CudaRuntime.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
            this.stream = s.get(ADDRESS, 0);
        }
        this.allocator = new CachingAllocator(new CudaDeviceMemory(this), device.toString());
        this.staging = new HostStaging(this);
    }

    static CudaDevice of(int ordinal) { return DEVICES.computeIfAbsent(ordinal, CudaDevice::new); }

    /** The devices made so far, for the process-wide statistics. */
    static Iterable<CudaDevice> opened() { return DEVICES.values(); }

    private int attribute(Arena arena, int attr) {
        MemorySegment v = arena.allocate(JAVA_INT);
        CudaRuntime.check(CudaRuntime.cudaDeviceGetAttribute(v, attr, ordinal), "cudaDeviceGetAttribute");
        return v.get(JAVA_INT, 0);
    }

    /** Makes this device current for the runtime and its primary context current for the driver, on this thread. */
    void makeCurrent() {
        if (CURRENT.get() == ordinal) return;
        CudaRuntime.check(CudaRuntime.cudaSetDevice(ordinal), "cudaSetDevice");
        CudaDriver.check(CudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        CURRENT.set(ordinal);
    }

    /** The stream as the allocator keys its blocks. */
    long streamId() { return stream.address(); }

    /** The entry point {@code name} of kernel file {@code file}, compiling and loading the file on first use. */
    MemorySegment function(String file, String name) {
        MemorySegment f = functions.get(name);
        if (f != null) return f;
        synchronized (this) {
            makeCurrent();
            MemorySegment module = modules.computeIfAbsent(file, this::load);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                CudaDriver.check(CudaDriver.cuModuleGetFunction(out, module, arena.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
                f = out.get(ADDRESS, 0);
            }
            functions.put(name, f);
            return f;
        }
    }

    private MemorySegment load(String file) {
        NvrtcCompiler.Image image = NvrtcCompiler.compile(file, major, minor);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(image.bytes().length + 1L);
            MemorySegment.copy(image.bytes(), 0, bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, image.bytes().length);
            MemorySegment out = arena.allocate(ADDRESS);
            CudaDriver.check(CudaDriver.cuModuleLoadData(out, bytes), "cuModuleLoadData(" + file + (image.cubin() ? ".cubin" : ".ptx") + ")");
            return out.get(ADDRESS, 0);
        }
    }

    /** Queues {@code kernel} on this device's stream: {@code blocks} x {@code threads}, with the arguments in order. */
    void launch(Kernel kernel, String name, long blocks, int threads, KernelArgs args) {
        if (blocks <= 0) return;
        MemorySegment f = function(kernel.file, name);
        makeCurrent();
        CudaDriver.check(CudaDriver.cuLaunchKernel(f, (int) Math.min(blocks, Integer.MAX_VALUE), 1, 1, threads, 1, 1, 0,
                stream, args.params(), MemorySegment.NULL), "cuLaunchKernel(" + name + ")");
    }

    /** Blocks for a grid-stride loop over {@code n} elements: enough to fill the GPU, no more. */
    long blocksFor(long n) {
        return Math.min(Math.ceilDiv(n, Kernel.THREADS), 32L * Math.max(1, multiprocessors));
    }

    /** The cuBLAS handle of this device, bound to its stream; made on first use. */
    synchronized MemorySegment cublas() {
        if (cublas == null) {
            makeCurrent();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                Cublas.check(Cublas.cublasCreate_v2(out), "cublasCreate_v2");
                cublas = out.get(ADDRESS, 0);
            }
            Cublas.check(Cublas.cublasSetStream_v2(cublas, stream), "cublasSetStream_v2");
        }
        return cublas;
    }

    void synchronize() {
        makeCurrent();
        CudaRuntime.check(CudaRuntime.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }
}
