package dev.jtorch.bindings.cublas;

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
 * Bindings to {@code cublas_api.h} (libcublas, with libcublasLt loaded first). Names are the exported
 * symbols, so the {@code _v2} API's functions carry the suffix ({@code cublasCreate_v2}) that
 * {@code cublas_v2.h}'s defines hide. Matrices are column-major, as in BLAS; {@code alpha}/{@code beta}
 * point to host memory unless the pointer mode was set to device.
 */
public final class Cublas {
    private Cublas() {}

    /** {@code cublasStatus_t} */
    public static final int CUBLAS_STATUS_SUCCESS = 0, CUBLAS_STATUS_NOT_INITIALIZED = 1, CUBLAS_STATUS_ALLOC_FAILED = 3,
            CUBLAS_STATUS_INVALID_VALUE = 7, CUBLAS_STATUS_ARCH_MISMATCH = 8, CUBLAS_STATUS_MAPPING_ERROR = 11,
            CUBLAS_STATUS_EXECUTION_FAILED = 13, CUBLAS_STATUS_INTERNAL_ERROR = 14, CUBLAS_STATUS_NOT_SUPPORTED = 15,
            CUBLAS_STATUS_LICENSE_ERROR = 16;

    /** {@code cublasOperation_t} */
    public static final int CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2;

    /** {@code cublasPointerMode_t} */
    public static final int CUBLAS_POINTER_MODE_HOST = 0, CUBLAS_POINTER_MODE_DEVICE = 1;

    /** {@code cublasMath_t} */
    public static final int CUBLAS_DEFAULT_MATH = 0, CUBLAS_PEDANTIC_MATH = 2, CUBLAS_TF32_TENSOR_OP_MATH = 3,
            CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16;

    /** {@code cublasComputeType_t} */
    public static final int CUBLAS_COMPUTE_16F = 64, CUBLAS_COMPUTE_16F_PEDANTIC = 65, CUBLAS_COMPUTE_32F = 68,
            CUBLAS_COMPUTE_32F_PEDANTIC = 69, CUBLAS_COMPUTE_32F_FAST_16F = 74, CUBLAS_COMPUTE_32F_FAST_16BF = 75,
            CUBLAS_COMPUTE_32F_FAST_TF32 = 77, CUBLAS_COMPUTE_64F = 70, CUBLAS_COMPUTE_64F_PEDANTIC = 71,
            CUBLAS_COMPUTE_32I = 72, CUBLAS_COMPUTE_32I_PEDANTIC = 73;

    /** {@code cudaDataType} (library_types.h), the types jtorch stores. */
    public static final int CUDA_R_32F = 0, CUDA_R_64F = 1, CUDA_R_16F = 2, CUDA_R_16BF = 14;

    /** {@code cublasGemmAlgo_t}: let cuBLAS choose. */
    public static final int CUBLAS_GEMM_DEFAULT = -1;

    /** Throws {@link CublasException} naming {@code call} unless {@code status} is {@code CUBLAS_STATUS_SUCCESS}. */
    public static void check(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS) throw new CublasException(status, call);
    }

    /** The status's name: from the header's table, else from {@code cublasGetStatusName}, else {@code cublasStatus(n)}. */
    public static String statusName(int status) {
        String name = switch (status) {
            case CUBLAS_STATUS_SUCCESS -> "CUBLAS_STATUS_SUCCESS";
            case CUBLAS_STATUS_NOT_INITIALIZED -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case CUBLAS_STATUS_ALLOC_FAILED -> "CUBLAS_STATUS_ALLOC_FAILED";
            case CUBLAS_STATUS_INVALID_VALUE -> "CUBLAS_STATUS_INVALID_VALUE";
            case CUBLAS_STATUS_ARCH_MISMATCH -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case CUBLAS_STATUS_MAPPING_ERROR -> "CUBLAS_STATUS_MAPPING_ERROR";
            case CUBLAS_STATUS_EXECUTION_FAILED -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case CUBLAS_STATUS_INTERNAL_ERROR -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case CUBLAS_STATUS_NOT_SUPPORTED -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case CUBLAS_STATUS_LICENSE_ERROR -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> null;
        };
        if (name != null) return name;
        try {
            String fromLibrary = CStrings.read(cublasGetStatusName(status));
            if (fromLibrary != null && fromLibrary.matches("CUBLAS_STATUS_[A-Z0-9_]+")) return fromLibrary;
        } catch (CudaUnavailableException e) {
            // No cuBLAS: the number is all there is.
        }
        return "cublasStatus(" + status + ")";
    }

    /** {@code cublasGetStatusString}'s text for the status, or null without cuBLAS. */
    public static String statusDescription(int status) {
        try {
            return CStrings.read(cublasGetStatusString(status));
        } catch (CudaUnavailableException e) {
            return null;
        }
    }

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle cublasCreate_v2$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasCreate_v2",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /**
     * {@code cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)}
     *
     * <p>Allocates device resources and initializes the context: slow, do it once per device and thread.
     */
    public static int cublasCreate_v2(MemorySegment handle) {
        try { return (int) cublasCreate_v2$MH.invokeExact(handle); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasDestroy_v2$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasDestroy_v2",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /**
     * {@code cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)}
     *
     * <p>Synchronizes the device.
     */
    public static int cublasDestroy_v2(MemorySegment handle) {
        try { return (int) cublasDestroy_v2$MH.invokeExact(handle); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasGetVersion_v2$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasGetVersion_v2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)} */
    public static int cublasGetVersion_v2(MemorySegment handle, MemorySegment version) {
        try { return (int) cublasGetVersion_v2$MH.invokeExact(handle, version); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasSetStream_v2$MH = BINDER.bindCritical(NativeLibrary.CUBLAS, "cublasSetStream_v2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)} */
    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
        try { return (int) cublasSetStream_v2$MH.invokeExact(handle, streamId); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasSetMathMode$MH = BINDER.bindCritical(NativeLibrary.CUBLAS, "cublasSetMathMode",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** {@code cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)} */
    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        try { return (int) cublasSetMathMode$MH.invokeExact(handle, mode); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasSetPointerMode_v2$MH = BINDER.bindCritical(NativeLibrary.CUBLAS, "cublasSetPointerMode_v2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** {@code cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)} */
    public static int cublasSetPointerMode_v2(MemorySegment handle, int mode) {
        try { return (int) cublasSetPointerMode_v2$MH.invokeExact(handle, mode); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasSetWorkspace_v2$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasSetWorkspace_v2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_SIZE_T));

    /** {@code cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void *workspace, size_t workspaceSizeInBytes)} */
    public static int cublasSetWorkspace_v2(MemorySegment handle, MemorySegment workspace, long workspaceSizeInBytes) {
        try { return (int) cublasSetWorkspace_v2$MH.invokeExact(handle, workspace, workspaceSizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasGetStatusName$MH = BINDER.bindCritical(NativeLibrary.CUBLAS, "cublasGetStatusName",
            FunctionDescriptor.of(C_POINTER, C_INT));

    /** {@code const char* cublasGetStatusName(cublasStatus_t status)} */
    public static MemorySegment cublasGetStatusName(int status) {
        try { return (MemorySegment) cublasGetStatusName$MH.invokeExact(status); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasGetStatusString$MH = BINDER.bindCritical(NativeLibrary.CUBLAS, "cublasGetStatusString",
            FunctionDescriptor.of(C_POINTER, C_INT));

    /** {@code const char* cublasGetStatusString(cublasStatus_t status)} */
    public static MemorySegment cublasGetStatusString(int status) {
        try { return (MemorySegment) cublasGetStatusString$MH.invokeExact(status); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasSgemm_v2$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasSgemm_v2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT));

    /** {@code cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc)} */
    public static int cublasSgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment beta, MemorySegment C, int ldc) {
        try { return (int) cublasSgemm_v2$MH.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasDgemm_v2$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasDgemm_v2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT));

    /** {@code cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int lda, const double *B, int ldb, const double *beta, double *C, int ldc)} */
    public static int cublasDgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment beta, MemorySegment C, int ldc) {
        try { return (int) cublasDgemm_v2$MH.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasSgemmStridedBatched$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasSgemmStridedBatched",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_INT));

    /** {@code cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda, long long strideA, const float *B, int ldb, long long strideB, const float *beta, float *C, int ldc, long long strideC, int batchCount)} */
    public static int cublasSgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, long strideA, MemorySegment B, int ldb, long strideB, MemorySegment beta, MemorySegment C, int ldc, long strideC, int batchCount) {
        try { return (int) cublasSgemmStridedBatched$MH.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasDgemmStridedBatched$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasDgemmStridedBatched",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_INT));

    /** {@code cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int lda, long long strideA, const double *B, int ldb, long long strideB, const double *beta, double *C, int ldc, long long strideC, int batchCount)} */
    public static int cublasDgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, long strideA, MemorySegment B, int ldb, long strideB, MemorySegment beta, MemorySegment C, int ldc, long strideC, int batchCount) {
        try { return (int) cublasDgemmStridedBatched$MH.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasGemmEx$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasGemmEx",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_INT, C_INT));

    /** {@code cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void *alpha, const void *A, cudaDataType Atype, int lda, const void *B, cudaDataType Btype, int ldb, const void *beta, void *C, cudaDataType Ctype, int ldc, cublasComputeType_t computeType, cublasGemmAlgo_t algo)} */
    public static int cublasGemmEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, MemorySegment B, int Btype, int ldb, MemorySegment beta, MemorySegment C, int Ctype, int ldc, int computeType, int algo) {
        try { return (int) cublasGemmEx$MH.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb, beta, C, Ctype, ldc, computeType, algo); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cublasGemmStridedBatchedEx$MH = BINDER.bind(NativeLibrary.CUBLAS, "cublasGemmStridedBatchedEx",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_INT, C_INT, C_INT));

    /** {@code cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void *alpha, const void *A, cudaDataType Atype, int lda, long long strideA, const void *B, cudaDataType Btype, int ldb, long long strideB, const void *beta, void *C, cudaDataType Ctype, int ldc, long long strideC, int batchCount, cublasComputeType_t computeType, cublasGemmAlgo_t algo)} */
    public static int cublasGemmStridedBatchedEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, long strideA, MemorySegment B, int Btype, int ldb, long strideB, MemorySegment beta, MemorySegment C, int Ctype, int ldc, long strideC, int batchCount, int computeType, int algo) {
        try { return (int) cublasGemmStridedBatchedEx$MH.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
