package dev.jtorch.bindings.cudnn;

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
 * Bindings to {@code cudnn_graph.h} (libcudnn_graph.so.9): the handle, versions, status codes and the types
 * shared by the other cuDNN 9 headers ({@link CudnnOps}, {@link CudnnCnn}, {@link CudnnAdv}).
 */
public final class CudnnGraph {
    private CudnnGraph() {}

    /** {@code cudnnDataType_t} */
    public static final int CUDNN_DATA_FLOAT = 0, CUDNN_DATA_DOUBLE = 1, CUDNN_DATA_HALF = 2, CUDNN_DATA_INT8 = 3,
            CUDNN_DATA_INT32 = 4, CUDNN_DATA_UINT8 = 6, CUDNN_DATA_BFLOAT16 = 9, CUDNN_DATA_INT64 = 10,
            CUDNN_DATA_BOOLEAN = 11;

    /** {@code cudnnMathType_t} */
    public static final int CUDNN_DEFAULT_MATH = 0, CUDNN_TENSOR_OP_MATH = 1, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2,
            CUDNN_FMA_MATH = 3;

    /** {@code cudnnNanPropagation_t} */
    public static final int CUDNN_NOT_PROPAGATE_NAN = 0, CUDNN_PROPAGATE_NAN = 1;

    /** {@code cudnnTensorFormat_t} */
    public static final int CUDNN_TENSOR_NCHW = 0, CUDNN_TENSOR_NHWC = 1, CUDNN_TENSOR_NCHW_VECT_C = 2;

    /** {@code cudnnActivationMode_t} */
    public static final int CUDNN_ACTIVATION_SIGMOID = 0, CUDNN_ACTIVATION_RELU = 1, CUDNN_ACTIVATION_TANH = 2,
            CUDNN_ACTIVATION_CLIPPED_RELU = 3, CUDNN_ACTIVATION_ELU = 4, CUDNN_ACTIVATION_IDENTITY = 5,
            CUDNN_ACTIVATION_SWISH = 6;

    /** {@code cudnnConvolutionMode_t}: PyTorch's convolution is cross-correlation. */
    public static final int CUDNN_CONVOLUTION = 0, CUDNN_CROSS_CORRELATION = 1;

    /** Maximum tensor rank. */
    public static final int CUDNN_DIM_MAX = 8;

    /** Throws {@link CudnnException} naming {@code call} unless {@code status} is {@code CUDNN_STATUS_SUCCESS}. */
    public static void check(int status, String call) {
        if (status != CudnnStatus.CUDNN_STATUS_SUCCESS) throw new CudnnException(status, call);
    }

    /** The status's name: from the header's table, else from {@code cudnnGetErrorString}, else {@code cudnnStatus(n)}. */
    public static String statusName(int status) {
        String name = CudnnStatus.name(status);
        if (name != null) return name;
        try {
            String fromLibrary = CStrings.read(cudnnGetErrorString(status));
            if (fromLibrary != null && fromLibrary.matches("CUDNN_STATUS_[A-Z0-9_]+")) return fromLibrary;
        } catch (CudaUnavailableException e) {
            // No cuDNN: the number is all there is.
        }
        return "cudnnStatus(" + status + ")";
    }

    /** cuDNN's message about the last error on this thread ({@code cudnnGetLastErrorString}), or null. */
    public static String lastErrorMessage() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(1024);
            cudnnGetLastErrorString(text, text.byteSize());
            String message = text.getString(0);
            return message.isBlank() ? null : message;
        } catch (CudaUnavailableException e) {
            return null;
        }
    }

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle cudnnGetVersion$MH = BINDER.bindCritical(NativeLibrary.CUDNN_GRAPH, "cudnnGetVersion",
            FunctionDescriptor.of(C_SIZE_T));

    /**
     * {@code size_t cudnnGetVersion(void)}
     *
     * <p>E.g. 90600 for 9.6.0.
     */
    public static long cudnnGetVersion() {
        try { return (long) cudnnGetVersion$MH.invokeExact(); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetCudartVersion$MH = BINDER.bindCritical(NativeLibrary.CUDNN_GRAPH, "cudnnGetCudartVersion",
            FunctionDescriptor.of(C_SIZE_T));

    /** {@code size_t cudnnGetCudartVersion(void)} */
    public static long cudnnGetCudartVersion() {
        try { return (long) cudnnGetCudartVersion$MH.invokeExact(); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetErrorString$MH = BINDER.bindCritical(NativeLibrary.CUDNN_GRAPH, "cudnnGetErrorString",
            FunctionDescriptor.of(C_POINTER, C_INT));

    /**
     * {@code const char *cudnnGetErrorString(cudnnStatus_t status)}
     *
     * <p>Returns the status's name, e.g. {@code CUDNN_STATUS_BAD_PARAM}.
     */
    public static MemorySegment cudnnGetErrorString(int status) {
        try { return (MemorySegment) cudnnGetErrorString$MH.invokeExact(status); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetLastErrorString$MH = BINDER.bindCritical(NativeLibrary.CUDNN_GRAPH, "cudnnGetLastErrorString",
            FunctionDescriptor.ofVoid(C_POINTER, C_SIZE_T));

    /** {@code void cudnnGetLastErrorString(char *message, size_t max_size)} */
    public static void cudnnGetLastErrorString(MemorySegment message, long max_size) {
        try { cudnnGetLastErrorString$MH.invokeExact(message, max_size); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnCreate$MH = BINDER.bind(NativeLibrary.CUDNN_GRAPH, "cudnnCreate",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnCreate(cudnnHandle_t *handle)}
     *
     * <p>Initializes cuDNN on the current device: slow, once per device and thread.
     */
    public static int cudnnCreate(MemorySegment handle) {
        try { return (int) cudnnCreate$MH.invokeExact(handle); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroy$MH = BINDER.bind(NativeLibrary.CUDNN_GRAPH, "cudnnDestroy",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroy(cudnnHandle_t handle)} */
    public static int cudnnDestroy(MemorySegment handle) {
        try { return (int) cudnnDestroy$MH.invokeExact(handle); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetStream$MH = BINDER.bindCritical(NativeLibrary.CUDNN_GRAPH, "cudnnSetStream",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t streamId)} */
    public static int cudnnSetStream(MemorySegment handle, MemorySegment streamId) {
        try { return (int) cudnnSetStream$MH.invokeExact(handle, streamId); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
