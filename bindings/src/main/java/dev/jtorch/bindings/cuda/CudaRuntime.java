package dev.jtorch.bindings.cuda;

import dev.jtorch.bindings.Binder;
import dev.jtorch.bindings.CStrings;
import dev.jtorch.bindings.CudaUnavailableException;
import dev.jtorch.bindings.NativeLibrary;
import dev.jtorch.bindings.NativeSymbol;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static dev.jtorch.bindings.CTypes.*;

/**
 * Bindings to {@code cuda_runtime_api.h} (libcudart, CUDA 13), in jextract's layout: one static method per C
 * function, named and typed as in C ({@code int} for enums and {@code cudaError_t}, {@code long} for
 * {@code size_t}, {@link MemorySegment} for pointers and handles). Out-parameters are segments the caller
 * allocates; pointers coming back are zero-length segments to {@code reinterpret}.
 *
 * <p>Everything here may block or run long except the error-name functions, so only those are critical downcalls.
 */
public final class CudaRuntime {
    private CudaRuntime() {}

    public static final int cudaSuccess = 0;
    public static final int cudaErrorInvalidValue = 1;
    public static final int cudaErrorMemoryAllocation = 2;
    public static final int cudaErrorInitializationError = 3;
    public static final int cudaErrorInsufficientDriver = 35;
    public static final int cudaErrorNoDevice = 100;
    public static final int cudaErrorInvalidDevice = 101;
    public static final int cudaErrorNotReady = 600;

    /** {@code enum cudaMemcpyKind} */
    public static final int cudaMemcpyHostToHost = 0, cudaMemcpyHostToDevice = 1, cudaMemcpyDeviceToHost = 2,
            cudaMemcpyDeviceToDevice = 3, cudaMemcpyDefault = 4;

    public static final int cudaStreamDefault = 0x00, cudaStreamNonBlocking = 0x01;
    public static final int cudaEventDefault = 0x00, cudaEventBlockingSync = 0x01, cudaEventDisableTiming = 0x02;

    /** {@code enum cudaDeviceAttr}, the attributes jtorch reads. */
    public static final int cudaDevAttrMaxThreadsPerBlock = 1, cudaDevAttrWarpSize = 10,
            cudaDevAttrMultiProcessorCount = 16, cudaDevAttrComputeCapabilityMajor = 75,
            cudaDevAttrComputeCapabilityMinor = 76;

    /** Throws {@link CudaException} naming {@code call} unless {@code status} is {@code cudaSuccess}. */
    public static void check(int status, String call) {
        if (status != cudaSuccess) throw new CudaException(status, call);
    }

    /** The status's name: from the header's table, else from {@code cudaGetErrorName}, else {@code cudaError(n)}. */
    public static String errorName(int status) {
        String name = CudaErrorNames.of(status);
        if (name != null) return name;
        try {
            String fromLibrary = CStrings.read(cudaGetErrorName(status));
            if (fromLibrary != null && fromLibrary.matches("cuda[A-Za-z]+")) return fromLibrary;
        } catch (CudaUnavailableException e) {
            // No runtime library: the number is all there is.
        }
        return "cudaError(" + status + ")";
    }

    /** {@code cudaGetErrorString}'s text for the status, or null without the runtime library. */
    public static String errorDescription(int status) {
        try {
            return CStrings.read(cudaGetErrorString(status));
        } catch (CudaUnavailableException e) {
            return null;
        }
    }

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle cudaGetDeviceCount$MH = BINDER.bind(NativeLibrary.CUDART, "cudaGetDeviceCount",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /**
     * {@code cudaError_t cudaGetDeviceCount(int *count)}
     *
     * <p>Initializes the runtime on first use, which loads the driver: without one it returns cudaErrorInsufficientDriver or cudaErrorNoDevice.
     */
    public static int cudaGetDeviceCount(MemorySegment count) {
        try { return (int) cudaGetDeviceCount$MH.invokeExact(count); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaSetDevice$MH = BINDER.bind(NativeLibrary.CUDART, "cudaSetDevice",
            FunctionDescriptor.of(C_INT, C_INT));

    /** {@code cudaError_t cudaSetDevice(int device)} */
    public static int cudaSetDevice(int device) {
        try { return (int) cudaSetDevice$MH.invokeExact(device); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaGetDevice$MH = BINDER.bind(NativeLibrary.CUDART, "cudaGetDevice",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaGetDevice(int *device)} */
    public static int cudaGetDevice(MemorySegment device) {
        try { return (int) cudaGetDevice$MH.invokeExact(device); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaDeviceGetAttribute$MH = BINDER.bind(NativeLibrary.CUDART, "cudaDeviceGetAttribute",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));

    /** {@code cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)} */
    public static int cudaDeviceGetAttribute(MemorySegment value, int attr, int device) {
        try { return (int) cudaDeviceGetAttribute$MH.invokeExact(value, attr, device); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaDeviceSynchronize$MH = BINDER.bind(NativeLibrary.CUDART, "cudaDeviceSynchronize",
            FunctionDescriptor.of(C_INT));

    /** {@code cudaError_t cudaDeviceSynchronize(void)} */
    public static int cudaDeviceSynchronize() {
        try { return (int) cudaDeviceSynchronize$MH.invokeExact(); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMemGetInfo$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMemGetInfo",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudaError_t cudaMemGetInfo(size_t *free, size_t *total)} */
    public static int cudaMemGetInfo(MemorySegment free, MemorySegment total) {
        try { return (int) cudaMemGetInfo$MH.invokeExact(free, total); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMalloc$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMalloc",
            FunctionDescriptor.of(C_INT, C_POINTER, C_SIZE_T));

    /** {@code cudaError_t cudaMalloc(void **devPtr, size_t size)} */
    public static int cudaMalloc(MemorySegment devPtr, long size) {
        try { return (int) cudaMalloc$MH.invokeExact(devPtr, size); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaFree$MH = BINDER.bind(NativeLibrary.CUDART, "cudaFree",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /**
     * {@code cudaError_t cudaFree(void *devPtr)}
     *
     * <p>Synchronizes the device before freeing.
     */
    public static int cudaFree(MemorySegment devPtr) {
        try { return (int) cudaFree$MH.invokeExact(devPtr); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMallocAsync$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMallocAsync",
            FunctionDescriptor.of(C_INT, C_POINTER, C_SIZE_T, C_POINTER));

    /** {@code cudaError_t cudaMallocAsync(void **devPtr, size_t size, cudaStream_t hStream)} */
    public static int cudaMallocAsync(MemorySegment devPtr, long size, MemorySegment hStream) {
        try { return (int) cudaMallocAsync$MH.invokeExact(devPtr, size, hStream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaFreeAsync$MH = BINDER.bind(NativeLibrary.CUDART, "cudaFreeAsync",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudaError_t cudaFreeAsync(void *devPtr, cudaStream_t hStream)} */
    public static int cudaFreeAsync(MemorySegment devPtr, MemorySegment hStream) {
        try { return (int) cudaFreeAsync$MH.invokeExact(devPtr, hStream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMallocHost$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMallocHost",
            FunctionDescriptor.of(C_INT, C_POINTER, C_SIZE_T));

    /**
     * {@code cudaError_t cudaMallocHost(void **ptr, size_t size)}
     *
     * <p>Page-locked host memory: copies from it can be asynchronous.
     */
    public static int cudaMallocHost(MemorySegment ptr, long size) {
        try { return (int) cudaMallocHost$MH.invokeExact(ptr, size); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaFreeHost$MH = BINDER.bind(NativeLibrary.CUDART, "cudaFreeHost",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaFreeHost(void *ptr)} */
    public static int cudaFreeHost(MemorySegment ptr) {
        try { return (int) cudaFreeHost$MH.invokeExact(ptr); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMemcpy$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMemcpy",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_SIZE_T, C_INT));

    /**
     * {@code cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)}
     *
     * <p>Blocks until the copy is done (and, from device, until prior work on the legacy stream is).
     */
    public static int cudaMemcpy(MemorySegment dst, MemorySegment src, long count, int kind) {
        try { return (int) cudaMemcpy$MH.invokeExact(dst, src, count, kind); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMemcpyAsync$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMemcpyAsync",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_SIZE_T, C_INT, C_POINTER));

    /**
     * {@code cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind, cudaStream_t stream)}
     *
     * <p>Asynchronous only for page-locked host memory; host memory must stay alive until the stream passes the copy.
     */
    public static int cudaMemcpyAsync(MemorySegment dst, MemorySegment src, long count, int kind, MemorySegment stream) {
        try { return (int) cudaMemcpyAsync$MH.invokeExact(dst, src, count, kind, stream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMemset$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMemset",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_SIZE_T));

    /** {@code cudaError_t cudaMemset(void *devPtr, int value, size_t count)} */
    public static int cudaMemset(MemorySegment devPtr, int value, long count) {
        try { return (int) cudaMemset$MH.invokeExact(devPtr, value, count); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaMemsetAsync$MH = BINDER.bind(NativeLibrary.CUDART, "cudaMemsetAsync",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_SIZE_T, C_POINTER));

    /** {@code cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)} */
    public static int cudaMemsetAsync(MemorySegment devPtr, int value, long count, MemorySegment stream) {
        try { return (int) cudaMemsetAsync$MH.invokeExact(devPtr, value, count, stream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaStreamCreate$MH = BINDER.bind(NativeLibrary.CUDART, "cudaStreamCreate",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaStreamCreate(cudaStream_t *pStream)} */
    public static int cudaStreamCreate(MemorySegment pStream) {
        try { return (int) cudaStreamCreate$MH.invokeExact(pStream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaStreamCreateWithFlags$MH = BINDER.bind(NativeLibrary.CUDART, "cudaStreamCreateWithFlags",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** {@code cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)} */
    public static int cudaStreamCreateWithFlags(MemorySegment pStream, int flags) {
        try { return (int) cudaStreamCreateWithFlags$MH.invokeExact(pStream, flags); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaStreamDestroy$MH = BINDER.bind(NativeLibrary.CUDART, "cudaStreamDestroy",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaStreamDestroy(cudaStream_t stream)} */
    public static int cudaStreamDestroy(MemorySegment stream) {
        try { return (int) cudaStreamDestroy$MH.invokeExact(stream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaStreamSynchronize$MH = BINDER.bind(NativeLibrary.CUDART, "cudaStreamSynchronize",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaStreamSynchronize(cudaStream_t stream)} */
    public static int cudaStreamSynchronize(MemorySegment stream) {
        try { return (int) cudaStreamSynchronize$MH.invokeExact(stream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaEventCreate$MH = BINDER.bind(NativeLibrary.CUDART, "cudaEventCreate",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaEventCreate(cudaEvent_t *event)} */
    public static int cudaEventCreate(MemorySegment event) {
        try { return (int) cudaEventCreate$MH.invokeExact(event); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaEventCreateWithFlags$MH = BINDER.bind(NativeLibrary.CUDART, "cudaEventCreateWithFlags",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** {@code cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags)} */
    public static int cudaEventCreateWithFlags(MemorySegment event, int flags) {
        try { return (int) cudaEventCreateWithFlags$MH.invokeExact(event, flags); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaEventRecord$MH = BINDER.bind(NativeLibrary.CUDART, "cudaEventRecord",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)} */
    public static int cudaEventRecord(MemorySegment event, MemorySegment stream) {
        try { return (int) cudaEventRecord$MH.invokeExact(event, stream); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaEventSynchronize$MH = BINDER.bind(NativeLibrary.CUDART, "cudaEventSynchronize",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaEventSynchronize(cudaEvent_t event)} */
    public static int cudaEventSynchronize(MemorySegment event) {
        try { return (int) cudaEventSynchronize$MH.invokeExact(event); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaEventElapsedTime$MH = BINDER.bind(NativeLibrary.CUDART, "cudaEventElapsedTime",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)} */
    public static int cudaEventElapsedTime(MemorySegment ms, MemorySegment start, MemorySegment end) {
        try { return (int) cudaEventElapsedTime$MH.invokeExact(ms, start, end); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaEventDestroy$MH = BINDER.bind(NativeLibrary.CUDART, "cudaEventDestroy",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaEventDestroy(cudaEvent_t event)} */
    public static int cudaEventDestroy(MemorySegment event) {
        try { return (int) cudaEventDestroy$MH.invokeExact(event); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaGetLastError$MH = BINDER.bindCritical(NativeLibrary.CUDART, "cudaGetLastError",
            FunctionDescriptor.of(C_INT));

    /** {@code cudaError_t cudaGetLastError(void)} */
    public static int cudaGetLastError() {
        try { return (int) cudaGetLastError$MH.invokeExact(); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaPeekAtLastError$MH = BINDER.bindCritical(NativeLibrary.CUDART, "cudaPeekAtLastError",
            FunctionDescriptor.of(C_INT));

    /** {@code cudaError_t cudaPeekAtLastError(void)} */
    public static int cudaPeekAtLastError() {
        try { return (int) cudaPeekAtLastError$MH.invokeExact(); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaGetErrorName$MH = BINDER.bindCritical(NativeLibrary.CUDART, "cudaGetErrorName",
            FunctionDescriptor.of(C_POINTER, C_INT));

    /**
     * {@code const char* cudaGetErrorName(cudaError_t error)}
     *
     * <p>Returns a static string; read it with {@code CStrings.read}.
     */
    public static MemorySegment cudaGetErrorName(int error) {
        try { return (MemorySegment) cudaGetErrorName$MH.invokeExact(error); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaGetErrorString$MH = BINDER.bindCritical(NativeLibrary.CUDART, "cudaGetErrorString",
            FunctionDescriptor.of(C_POINTER, C_INT));

    /**
     * {@code const char* cudaGetErrorString(cudaError_t error)}
     *
     * <p>Returns a static string; read it with {@code CStrings.read}.
     */
    public static MemorySegment cudaGetErrorString(int error) {
        try { return (MemorySegment) cudaGetErrorString$MH.invokeExact(error); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaRuntimeGetVersion$MH = BINDER.bindCritical(NativeLibrary.CUDART, "cudaRuntimeGetVersion",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)} */
    public static int cudaRuntimeGetVersion(MemorySegment runtimeVersion) {
        try { return (int) cudaRuntimeGetVersion$MH.invokeExact(runtimeVersion); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudaDriverGetVersion$MH = BINDER.bind(NativeLibrary.CUDART, "cudaDriverGetVersion",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudaError_t cudaDriverGetVersion(int *driverVersion)} */
    public static int cudaDriverGetVersion(MemorySegment driverVersion) {
        try { return (int) cudaDriverGetVersion$MH.invokeExact(driverVersion); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
