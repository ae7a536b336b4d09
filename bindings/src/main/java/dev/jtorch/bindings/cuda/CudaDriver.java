package dev.jtorch.bindings.cuda;

import dev.jtorch.bindings.Binder;
import dev.jtorch.bindings.CStrings;
import dev.jtorch.bindings.CudaUnavailableException;
import dev.jtorch.bindings.NativeLibrary;
import dev.jtorch.bindings.NativeSymbol;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static dev.jtorch.bindings.CTypes.*;

/**
 * Bindings to the part of {@code cuda.h} (the driver, libcuda.so.1) jtorch needs for its own kernels: load a
 * module (PTX or cubin from NVRTC) into the primary context the runtime also uses, find a function, launch it.
 * The driver is installed with the GPU's kernel module, not with the toolkit or the wheels.
 *
 * <p>Names are the exported symbols: {@code cuDevicePrimaryCtxRelease} is {@code cuDevicePrimaryCtxRelease_v2}
 * in {@code cuda.h}'s defines, and {@code cuLaunchKernel} is the legacy-default-stream variant (no {@code _ptsz}).
 */
public final class CudaDriver {
    private CudaDriver() {}

    public static final int CUDA_SUCCESS = 0;
    public static final int CUDA_ERROR_INVALID_VALUE = 1;
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int CUDA_ERROR_NOT_INITIALIZED = 3;
    public static final int CUDA_ERROR_NO_DEVICE = 100;
    public static final int CUDA_ERROR_INVALID_PTX = 218;
    public static final int CUDA_ERROR_NOT_FOUND = 500;

    /** Throws {@link CuException} naming {@code call} unless {@code status} is {@code CUDA_SUCCESS}. */
    public static void check(int status, String call) {
        if (status != CUDA_SUCCESS) throw new CuException(status, call);
    }

    /** The status's name: from the header's table, else from {@code cuGetErrorName}, else {@code CUresult(n)}. */
    public static String errorName(int status) {
        String name = CuResultNames.of(status);
        if (name != null) return name;
        String fromLibrary = describe(status, true);
        return fromLibrary != null && fromLibrary.matches("CUDA_[A-Z0-9_]+") ? fromLibrary : "CUresult(" + status + ")";
    }

    /** {@code cuGetErrorString}'s text for the status, or null without the driver. */
    public static String errorDescription(int status) {
        return describe(status, false);
    }

    private static String describe(int status, boolean name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(ValueLayout.ADDRESS);
            int result = name ? cuGetErrorName(status, text) : cuGetErrorString(status, text);
            return result == CUDA_SUCCESS ? CStrings.read(text.get(ValueLayout.ADDRESS, 0)) : null;
        } catch (CudaUnavailableException e) {
            return null;
        }
    }

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle cuInit$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuInit",
            FunctionDescriptor.of(C_INT, C_INT));

    /** {@code CUresult cuInit(unsigned int Flags)} */
    public static int cuInit(int Flags) {
        try { return (int) cuInit$MH.invokeExact(Flags); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuDriverGetVersion$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuDriverGetVersion",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code CUresult cuDriverGetVersion(int *driverVersion)} */
    public static int cuDriverGetVersion(MemorySegment driverVersion) {
        try { return (int) cuDriverGetVersion$MH.invokeExact(driverVersion); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuDeviceGetCount$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuDeviceGetCount",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code CUresult cuDeviceGetCount(int *count)} */
    public static int cuDeviceGetCount(MemorySegment count) {
        try { return (int) cuDeviceGetCount$MH.invokeExact(count); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuDeviceGet$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuDeviceGet",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** {@code CUresult cuDeviceGet(CUdevice *device, int ordinal)} */
    public static int cuDeviceGet(MemorySegment device, int ordinal) {
        try { return (int) cuDeviceGet$MH.invokeExact(device, ordinal); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuDeviceGetName$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuDeviceGetName",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));

    /** {@code CUresult cuDeviceGetName(char *name, int len, CUdevice dev)} */
    public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
        try { return (int) cuDeviceGetName$MH.invokeExact(name, len, dev); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuDeviceGetAttribute$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuDeviceGetAttribute",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));

    /** {@code CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)} */
    public static int cuDeviceGetAttribute(MemorySegment pi, int attrib, int dev) {
        try { return (int) cuDeviceGetAttribute$MH.invokeExact(pi, attrib, dev); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuDevicePrimaryCtxRetain$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuDevicePrimaryCtxRetain",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /**
     * {@code CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)}
     *
     * <p>The context the runtime API uses for the device: kernels launched in it share memory and streams with cudart.
     */
    public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
        try { return (int) cuDevicePrimaryCtxRetain$MH.invokeExact(pctx, dev); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuDevicePrimaryCtxRelease_v2$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuDevicePrimaryCtxRelease_v2",
            FunctionDescriptor.of(C_INT, C_INT));

    /** {@code CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)} */
    public static int cuDevicePrimaryCtxRelease_v2(int dev) {
        try { return (int) cuDevicePrimaryCtxRelease_v2$MH.invokeExact(dev); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuCtxSetCurrent$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuCtxSetCurrent",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code CUresult cuCtxSetCurrent(CUcontext ctx)} */
    public static int cuCtxSetCurrent(MemorySegment ctx) {
        try { return (int) cuCtxSetCurrent$MH.invokeExact(ctx); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuCtxGetCurrent$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuCtxGetCurrent",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code CUresult cuCtxGetCurrent(CUcontext *pctx)} */
    public static int cuCtxGetCurrent(MemorySegment pctx) {
        try { return (int) cuCtxGetCurrent$MH.invokeExact(pctx); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuCtxSynchronize$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuCtxSynchronize",
            FunctionDescriptor.of(C_INT));

    /** {@code CUresult cuCtxSynchronize(void)} */
    public static int cuCtxSynchronize() {
        try { return (int) cuCtxSynchronize$MH.invokeExact(); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuModuleLoadData$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuModuleLoadData",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /**
     * {@code CUresult cuModuleLoadData(CUmodule *module, const void *image)}
     *
     * <p>{@code image}: a NUL-terminated PTX text, or a cubin/fatbin image; PTX is compiled by the driver here (slow, once).
     */
    public static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
        try { return (int) cuModuleLoadData$MH.invokeExact(module, image); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuModuleUnload$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuModuleUnload",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code CUresult cuModuleUnload(CUmodule hmod)} */
    public static int cuModuleUnload(MemorySegment hmod) {
        try { return (int) cuModuleUnload$MH.invokeExact(hmod); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuModuleGetFunction$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuModuleGetFunction",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER));

    /** {@code CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)} */
    public static int cuModuleGetFunction(MemorySegment hfunc, MemorySegment hmod, MemorySegment name) {
        try { return (int) cuModuleGetFunction$MH.invokeExact(hfunc, hmod, name); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuLaunchKernel$MH = BINDER.bind(NativeLibrary.CUDA_DRIVER, "cuLaunchKernel",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER));

    /**
     * {@code CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)}
     *
     * <p>{@code kernelParams}: an array of pointers, one per kernel parameter, each to that parameter's value in host memory.
     */
    public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams, MemorySegment extra) {
        try { return (int) cuLaunchKernel$MH.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuGetErrorName$MH = BINDER.bindCritical(NativeLibrary.CUDA_DRIVER, "cuGetErrorName",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));

    /** {@code CUresult cuGetErrorName(CUresult error, const char **pStr)} */
    public static int cuGetErrorName(int error, MemorySegment pStr) {
        try { return (int) cuGetErrorName$MH.invokeExact(error, pStr); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cuGetErrorString$MH = BINDER.bindCritical(NativeLibrary.CUDA_DRIVER, "cuGetErrorString",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));

    /** {@code CUresult cuGetErrorString(CUresult error, const char **pStr)} */
    public static int cuGetErrorString(int error, MemorySegment pStr) {
        try { return (int) cuGetErrorString$MH.invokeExact(error, pStr); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
