package dev.jtorch.bindings;

import dev.jtorch.bindings.cublas.Cublas;
import dev.jtorch.bindings.cuda.CudaDriver;
import dev.jtorch.bindings.cuda.CudaRuntime;
import dev.jtorch.bindings.cudnn.CudnnGraph;
import dev.jtorch.bindings.nvrtc.Nvrtc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real work on a GPU through each binding; skipped, with the reason, where there is no GPU or library. */
class GpuSmokeTest {
    /** Each test assumes this itself (not in {@code @BeforeAll}) so that each is reported skipped, with the reason. */
    @BeforeEach void gpuPresent() {
        requireLibrary(NativeLibrary.CUDART);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int status = CudaRuntime.cudaGetDeviceCount(count);
            assumeTrue(status == CudaRuntime.cudaSuccess && count.get(JAVA_INT, 0) > 0,
                    () -> "skipped: no GPU: cudaGetDeviceCount gave " + CudaRuntime.errorName(status));
        }
    }

    private static void requireLibrary(NativeLibrary library) {
        var reason = NativeLibraries.unavailableReason(library);
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
    }

    private static MemorySegment deviceAlloc(Arena arena, long bytes) {
        MemorySegment out = arena.allocate(ADDRESS);
        CudaRuntime.check(CudaRuntime.cudaMalloc(out, bytes), "cudaMalloc");
        return out.get(ADDRESS, 0);
    }

    @Test void copyRoundTrip() {
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {1, 2, 3, 4};
            MemorySegment host = arena.allocateFrom(JAVA_FLOAT, values);
            MemorySegment device = deviceAlloc(arena, host.byteSize());
            CudaRuntime.check(CudaRuntime.cudaMemcpy(device, host, host.byteSize(), CudaRuntime.cudaMemcpyHostToDevice), "cudaMemcpy");
            MemorySegment back = arena.allocate(host.byteSize());
            CudaRuntime.check(CudaRuntime.cudaMemcpy(back, device, host.byteSize(), CudaRuntime.cudaMemcpyDeviceToHost), "cudaMemcpy");
            CudaRuntime.check(CudaRuntime.cudaFree(device), "cudaFree");
            assertArrayEquals(values, back.toArray(JAVA_FLOAT));
        }
    }

    /** C = A B for 2x2 column-major matrices: [[1,3],[2,4]] times identity. */
    @Test void cublasSgemm() {
        requireLibrary(NativeLibrary.CUBLAS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handleOut = arena.allocate(ADDRESS);
            Cublas.check(Cublas.cublasCreate_v2(handleOut), "cublasCreate_v2");
            MemorySegment handle = handleOut.get(ADDRESS, 0);
            MemorySegment a = deviceAlloc(arena, 16), b = deviceAlloc(arena, 16), c = deviceAlloc(arena, 16);
            CudaRuntime.check(CudaRuntime.cudaMemcpy(a, arena.allocateFrom(JAVA_FLOAT, 1, 2, 3, 4), 16, CudaRuntime.cudaMemcpyHostToDevice), "cudaMemcpy");
            CudaRuntime.check(CudaRuntime.cudaMemcpy(b, arena.allocateFrom(JAVA_FLOAT, 1, 0, 0, 1), 16, CudaRuntime.cudaMemcpyHostToDevice), "cudaMemcpy");
            Cublas.check(Cublas.cublasSgemm_v2(handle, Cublas.CUBLAS_OP_N, Cublas.CUBLAS_OP_N, 2, 2, 2,
                    arena.allocateFrom(JAVA_FLOAT, 1f), a, 2, b, 2, arena.allocateFrom(JAVA_FLOAT, 0f), c, 2), "cublasSgemm_v2");
            MemorySegment result = arena.allocate(16);
            CudaRuntime.check(CudaRuntime.cudaMemcpy(result, c, 16, CudaRuntime.cudaMemcpyDeviceToHost), "cudaMemcpy");
            Cublas.check(Cublas.cublasDestroy_v2(handle), "cublasDestroy_v2");
            for (MemorySegment p : new MemorySegment[] {a, b, c}) CudaRuntime.check(CudaRuntime.cudaFree(p), "cudaFree");
            assertArrayEquals(new float[] {1, 2, 3, 4}, result.toArray(JAVA_FLOAT));
        }
    }

    /** NVRTC compiles a kernel, the driver loads it into the runtime's primary context and launches it. */
    @Test void nvrtcKernelLaunch() {
        requireLibrary(NativeLibrary.NVRTC);
        requireLibrary(NativeLibrary.CUDA_DRIVER);
        String source = "extern \"C\" __global__ void scale(float* x, float s, int n) {"
                + " int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] *= s; }";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progOut = arena.allocate(ADDRESS);
            Nvrtc.check(Nvrtc.nvrtcCreateProgram(progOut, arena.allocateFrom(source), arena.allocateFrom("scale.cu"), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment prog = progOut.get(ADDRESS, 0);
            MemorySegment options = arena.allocate(ADDRESS, 1);
            options.set(ADDRESS, 0, arena.allocateFrom("--gpu-architecture=compute_80"));
            int compiled = Nvrtc.nvrtcCompileProgram(prog, 1, options);
            if (compiled != Nvrtc.NVRTC_SUCCESS) throw new dev.jtorch.bindings.nvrtc.NvrtcException(compiled, "nvrtcCompileProgram", Nvrtc.programLog(prog));
            MemorySegment size = arena.allocate(JAVA_LONG);
            Nvrtc.check(Nvrtc.nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
            MemorySegment ptx = arena.allocate(size.get(JAVA_LONG, 0));
            Nvrtc.check(Nvrtc.nvrtcGetPTX(prog, ptx), "nvrtcGetPTX");
            Nvrtc.check(Nvrtc.nvrtcDestroyProgram(progOut), "nvrtcDestroyProgram");

            CudaRuntime.check(CudaRuntime.cudaSetDevice(0), "cudaSetDevice");
            CudaDriver.check(CudaDriver.cuInit(0), "cuInit");
            MemorySegment device = arena.allocate(JAVA_INT), context = arena.allocate(ADDRESS);
            CudaDriver.check(CudaDriver.cuDeviceGet(device, 0), "cuDeviceGet");
            CudaDriver.check(CudaDriver.cuDevicePrimaryCtxRetain(context, device.get(JAVA_INT, 0)), "cuDevicePrimaryCtxRetain");
            CudaDriver.check(CudaDriver.cuCtxSetCurrent(context.get(ADDRESS, 0)), "cuCtxSetCurrent");
            MemorySegment module = arena.allocate(ADDRESS), function = arena.allocate(ADDRESS);
            CudaDriver.check(CudaDriver.cuModuleLoadData(module, ptx), "cuModuleLoadData");
            CudaDriver.check(CudaDriver.cuModuleGetFunction(function, module.get(ADDRESS, 0), arena.allocateFrom("scale")), "cuModuleGetFunction");

            MemorySegment x = deviceAlloc(arena, 16);
            CudaRuntime.check(CudaRuntime.cudaMemcpy(x, arena.allocateFrom(JAVA_FLOAT, 1, 2, 3, 4), 16, CudaRuntime.cudaMemcpyHostToDevice), "cudaMemcpy");
            MemorySegment params = arena.allocate(ADDRESS, 3);
            params.setAtIndex(ADDRESS, 0, arena.allocateFrom(ADDRESS, x));
            params.setAtIndex(ADDRESS, 1, arena.allocateFrom(JAVA_FLOAT, 2f));
            params.setAtIndex(ADDRESS, 2, arena.allocateFrom(JAVA_INT, 4));
            CudaDriver.check(CudaDriver.cuLaunchKernel(function.get(ADDRESS, 0), 1, 1, 1, 32, 1, 1, 0, MemorySegment.NULL,
                    params, MemorySegment.NULL), "cuLaunchKernel");
            MemorySegment result = arena.allocate(16);
            CudaRuntime.check(CudaRuntime.cudaMemcpy(result, x, 16, CudaRuntime.cudaMemcpyDeviceToHost), "cudaMemcpy");
            CudaDriver.check(CudaDriver.cuModuleUnload(module.get(ADDRESS, 0)), "cuModuleUnload");
            CudaRuntime.check(CudaRuntime.cudaFree(x), "cudaFree");
            assertArrayEquals(new float[] {2, 4, 6, 8}, result.toArray(JAVA_FLOAT));
        }
    }

    @Test void cudnnHandle() {
        requireLibrary(NativeLibrary.CUDNN_GRAPH);
        assertTrue(CudnnGraph.cudnnGetVersion() >= 90000, "cuDNN 9 expected");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            CudnnGraph.check(CudnnGraph.cudnnCreate(handle), "cudnnCreate");
            CudnnGraph.check(CudnnGraph.cudnnDestroy(handle.get(ADDRESS, 0)), "cudnnDestroy");
        }
    }
}
