package dev.jtorch.cuda;

import dev.jtorch.bindings.cublas.Cublas;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * dst[b] = a[b] @ b[b] for float32 (Sgemm) and float64 (Dgemm) through cuBLAS's strided-batched calls.
 * cuBLAS is column-major: the row-major product C = A B is computed as C^T = B^T A^T, so the operands
 * swap places and each row-major matrix is already its column-major transpose. Batch strides are passed
 * as they are, stride 0 (a broadcast weight) included; a matrix view that is neither row- nor column-major
 * is made contiguous first.
 */
final class CublasMatmul {
    /** As {@code torch.backends.cuda.matmul.allow_tf32}: off by default, so float32 products are full float32. */
    private static volatile boolean allowTf32;

    private CublasMatmul() {}

    static void setAllowTf32(boolean allow) { allowTf32 = allow; }
    static boolean allowTf32() { return allowTf32; }

    static void matmul(CudaDevice device, Tensor a, Tensor b, Tensor dst) {
        long batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        GemmOperand opA = GemmOperand.of(m, k, a.stride(1), a.stride(2));
        GemmOperand opB = GemmOperand.of(k, n, b.stride(1), b.stride(2));
        if (opA == null || !opA.fitsInt()) {
            try (var noGrad = GradMode.noGrad()) { matmul(device, a.contiguous(), b, dst); }
            return;
        }
        if (opB == null || !opB.fitsInt()) {
            try (var noGrad = GradMode.noGrad()) { matmul(device, a, b.contiguous(), dst); }
            return;
        }
        if (m > Integer.MAX_VALUE || n > Integer.MAX_VALUE || k > Integer.MAX_VALUE || batch > Integer.MAX_VALUE) {
            throw new UnsupportedOperationException("cuBLAS takes int dimensions; got batch " + batch + ", " + m + "x" + k + " @ " + k + "x" + n);
        }
        MemorySegment handle = device.cublas();
        device.makeCurrent();
        Cublas.check(Cublas.cublasSetMathMode(handle, allowTf32 ? Cublas.CUBLAS_TF32_TENSOR_OP_MATH : Cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        long strideA = batch == 1 ? 0 : a.stride(0), strideB = batch == 1 ? 0 : b.stride(0);
        MemorySegment pa = MemorySegment.ofAddress(CudaBackend.address(a)), pb = MemorySegment.ofAddress(CudaBackend.address(b));
        MemorySegment pc = MemorySegment.ofAddress(CudaBackend.address(dst));
        try (Arena arena = Arena.ofConfined()) {
            // C^T [n, m] = B^T [n, k] * A^T [k, m]
            if (dst.dtype() == DType.FLOAT32) {
                Cublas.check(Cublas.cublasSgemmStridedBatched(handle, opB.op(), opA.op(), (int) n, (int) m, (int) k,
                        arena.allocateFrom(JAVA_FLOAT, 1f), pb, (int) opB.ld(), strideB, pa, (int) opA.ld(), strideA,
                        arena.allocateFrom(JAVA_FLOAT, 0f), pc, (int) n, m * n, (int) batch), "cublasSgemmStridedBatched");
            } else {
                Cublas.check(Cublas.cublasDgemmStridedBatched(handle, opB.op(), opA.op(), (int) n, (int) m, (int) k,
                        arena.allocateFrom(JAVA_DOUBLE, 1d), pb, (int) opB.ld(), strideB, pa, (int) opA.ld(), strideA,
                        arena.allocateFrom(JAVA_DOUBLE, 0d), pc, (int) n, m * n, (int) batch), "cublasDgemmStridedBatched");
            }
        }
    }
}
