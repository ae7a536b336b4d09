package dev.jtorch.bindings.nvrtc;

import dev.jtorch.bindings.Binder;
import dev.jtorch.bindings.CStrings;
import dev.jtorch.bindings.CudaUnavailableException;
import dev.jtorch.bindings.NativeLibrary;
import dev.jtorch.bindings.NativeSymbol;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static dev.jtorch.bindings.CTypes.*;

/**
 * Bindings to {@code nvrtc.h} (libnvrtc): compiles CUDA C++ source to PTX or cubin at run time, so jtorch's
 * own kernels ship as source and need no {@code nvcc} on the build machine.
 */
public final class Nvrtc {
    private Nvrtc() {}

    /** {@code nvrtcResult} */
    public static final int NVRTC_SUCCESS = 0, NVRTC_ERROR_OUT_OF_MEMORY = 1, NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2,
            NVRTC_ERROR_INVALID_INPUT = 3, NVRTC_ERROR_INVALID_PROGRAM = 4, NVRTC_ERROR_INVALID_OPTION = 5,
            NVRTC_ERROR_COMPILATION = 6, NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7,
            NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION = 8, NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION = 9,
            NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID = 10, NVRTC_ERROR_INTERNAL_ERROR = 11,
            NVRTC_ERROR_TIME_FILE_WRITE_FAILED = 12;

    private static final String[] NAMES = {
        "NVRTC_SUCCESS", "NVRTC_ERROR_OUT_OF_MEMORY", "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
        "NVRTC_ERROR_INVALID_INPUT", "NVRTC_ERROR_INVALID_PROGRAM", "NVRTC_ERROR_INVALID_OPTION",
        "NVRTC_ERROR_COMPILATION", "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
        "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION", "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
        "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID", "NVRTC_ERROR_INTERNAL_ERROR", "NVRTC_ERROR_TIME_FILE_WRITE_FAILED",
    };

    /** Throws {@link NvrtcException} naming {@code call} unless {@code status} is {@code NVRTC_SUCCESS}. */
    public static void check(int status, String call) {
        if (status != NVRTC_SUCCESS) throw new NvrtcException(status, call, null);
    }

    /** The status's name: from the header's table, else from {@code nvrtcGetErrorString}, else {@code nvrtcResult(n)}. */
    public static String errorName(int status) {
        if (status >= 0 && status < NAMES.length) return NAMES[status];
        try {
            String fromLibrary = CStrings.read(nvrtcGetErrorString(status));
            if (fromLibrary != null && fromLibrary.matches("NVRTC_[A-Z0-9_]+")) return fromLibrary;
        } catch (CudaUnavailableException e) {
            // No NVRTC: the number is all there is.
        }
        return "nvrtcResult(" + status + ")";
    }

    /** The compiler's log for {@code prog}: warnings, or the errors of a failed compilation. */
    public static String programLog(MemorySegment prog) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(C_SIZE_T);
            check(nvrtcGetProgramLogSize(prog, size), "nvrtcGetProgramLogSize");
            MemorySegment log = arena.allocate(Math.max(1, size.get(C_SIZE_T, 0)));
            check(nvrtcGetProgramLog(prog, log), "nvrtcGetProgramLog");
            return log.getString(0);
        }
    }

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle nvrtcGetErrorString$MH = BINDER.bindCritical(NativeLibrary.NVRTC, "nvrtcGetErrorString",
            FunctionDescriptor.of(C_POINTER, C_INT));

    /**
     * {@code const char *nvrtcGetErrorString(nvrtcResult result)}
     *
     * <p>Returns the result's name, e.g. {@code NVRTC_ERROR_COMPILATION}.
     */
    public static MemorySegment nvrtcGetErrorString(int result) {
        try { return (MemorySegment) nvrtcGetErrorString$MH.invokeExact(result); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcVersion$MH = BINDER.bindCritical(NativeLibrary.NVRTC, "nvrtcVersion",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code nvrtcResult nvrtcVersion(int *major, int *minor)} */
    public static int nvrtcVersion(MemorySegment major, MemorySegment minor) {
        try { return (int) nvrtcVersion$MH.invokeExact(major, minor); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcCreateProgram$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcCreateProgram",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER));

    /** {@code nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int numHeaders, const char * const *headers, const char * const *includeNames)} */
    public static int nvrtcCreateProgram(MemorySegment prog, MemorySegment src, MemorySegment name, int numHeaders, MemorySegment headers, MemorySegment includeNames) {
        try { return (int) nvrtcCreateProgram$MH.invokeExact(prog, src, name, numHeaders, headers, includeNames); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcDestroyProgram$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcDestroyProgram",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)} */
    public static int nvrtcDestroyProgram(MemorySegment prog) {
        try { return (int) nvrtcDestroyProgram$MH.invokeExact(prog); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcCompileProgram$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcCompileProgram",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER));

    /**
     * {@code nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char * const *options)}
     *
     * <p>Runs the whole compiler: seconds, not microseconds.
     */
    public static int nvrtcCompileProgram(MemorySegment prog, int numOptions, MemorySegment options) {
        try { return (int) nvrtcCompileProgram$MH.invokeExact(prog, numOptions, options); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcGetPTXSize$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcGetPTXSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /**
     * {@code nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet)}
     *
     * <p>The size includes the trailing NUL.
     */
    public static int nvrtcGetPTXSize(MemorySegment prog, MemorySegment ptxSizeRet) {
        try { return (int) nvrtcGetPTXSize$MH.invokeExact(prog, ptxSizeRet); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcGetPTX$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcGetPTX",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx)} */
    public static int nvrtcGetPTX(MemorySegment prog, MemorySegment ptx) {
        try { return (int) nvrtcGetPTX$MH.invokeExact(prog, ptx); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcGetCUBINSize$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcGetCUBINSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /**
     * {@code nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet)}
     *
     * <p>0 when {@code -arch} named a virtual architecture ({@code compute_90}) rather than a real one ({@code sm_90}).
     */
    public static int nvrtcGetCUBINSize(MemorySegment prog, MemorySegment cubinSizeRet) {
        try { return (int) nvrtcGetCUBINSize$MH.invokeExact(prog, cubinSizeRet); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcGetCUBIN$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcGetCUBIN",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin)} */
    public static int nvrtcGetCUBIN(MemorySegment prog, MemorySegment cubin) {
        try { return (int) nvrtcGetCUBIN$MH.invokeExact(prog, cubin); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcGetProgramLogSize$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcGetProgramLogSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /**
     * {@code nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet)}
     *
     * <p>The size includes the trailing NUL.
     */
    public static int nvrtcGetProgramLogSize(MemorySegment prog, MemorySegment logSizeRet) {
        try { return (int) nvrtcGetProgramLogSize$MH.invokeExact(prog, logSizeRet); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle nvrtcGetProgramLog$MH = BINDER.bind(NativeLibrary.NVRTC, "nvrtcGetProgramLog",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log)} */
    public static int nvrtcGetProgramLog(MemorySegment prog, MemorySegment log) {
        try { return (int) nvrtcGetProgramLog$MH.invokeExact(prog, log); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
