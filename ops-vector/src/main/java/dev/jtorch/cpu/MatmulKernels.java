package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * Batched matrix products dst[b] = a[b] @ b[b]. Float32 and float64 go to {@link Sgemm} and {@link Dgemm}
 * with each operand's own row and column strides, so transposed and broadcast (stride-0 batch) views are
 * multiplied in place, without a copy. Integer and bool products use a plain loop with a long accumulator.
 * Small products are spread over the batch; large ones run one at a time and leave threads to the GEMM.
 */
final class MatmulKernels {
    /** Multiply-adds per matrix below which the batch, not the GEMM, is what gets split across threads. */
    private static final long SMALL_PRODUCT = 1L << 20;

    private MatmulKernels() {}

    static void matmul(Tensor a, Tensor b, Tensor dst) {
        int batches = Math.toIntExact(dst.size(0));
        int m = Math.toIntExact(dst.size(1)), n = Math.toIntExact(dst.size(2));
        int k = Math.toIntExact(a.size(2));
        if (dst.numel() == 0) return;
        if (k == 0) {
            ElementwiseKernels.fill(dst, 0);
            return;
        }
        long work = (long) m * n * k;
        if (batches > 1 && work < SMALL_PRODUCT) {
            long grain = Math.max(1, IntraOpPool.DEFAULT_GRAIN / work);
            IntraOpPool.parallelFor(batches, grain, (first, last) -> products(a, b, dst, (int) first, (int) last, Epilogue.NONE));
        } else {
            // no lambda here: one large product (or a batch of them) allocates nothing on the Java heap
            products(a, b, dst, 0, batches, Epilogue.NONE);
        }
    }

    /**
     * dst[0] = a[0] @ b[0] + bias with the bias added in the GEMM's epilogue, as each tile of dst is finished (an
     * empty reduction leaves the bias); false, having done nothing, for dtypes without a GEMM (integers and bool).
     */
    static boolean addmm(Tensor bias, Tensor a, Tensor b, Tensor dst) {
        if (dst.dtype() != DType.FLOAT32 && dst.dtype() != DType.FLOAT64) return false;
        products(a, b, dst, 0, 1, biasEpilogue(segment(bias), bias.storageOffset()));
        return true;
    }

    /**
     * Each thread's last eight per-column bias epilogues, replaced in turn: a captured graph replays its linear
     * layers with the same biases call after call (LeNet-5 has three), and a new record per call was 32 bytes of
     * garbage each, since escape analysis does not follow it into the GEMM.
     */
    private static final class BiasEpilogues {
        private final Epilogue[] kept = new Epilogue[8];
        private int next;

        Epilogue of(MemorySegment bias, long offset) {
            for (Epilogue e : kept) {
                if (e != null && e.bias() == bias && e.biasOffset() == offset) return e;
            }
            Epilogue e = Epilogue.biasPerColumn(bias, offset, Activation.NONE);
            kept[next] = e;
            next = (next + 1) % kept.length;
            return e;
        }
    }

    private static final ThreadLocal<BiasEpilogues> BIAS_EPILOGUES = ThreadLocal.withInitial(BiasEpilogues::new);

    private static Epilogue biasEpilogue(MemorySegment bias, long offset) { return BIAS_EPILOGUES.get().of(bias, offset); }

    /**
     * dst[i] = epilogue(a[i] @ b[i]) for batches [first, last), each through the GEMM of its dtype with the operands'
     * strides; integer products take no epilogue (only {@link #matmul} passes them, with none).
     */
    private static void products(Tensor a, Tensor b, Tensor dst, int first, int last, Epilogue epilogue) {
        int m = Math.toIntExact(dst.size(1)), n = Math.toIntExact(dst.size(2));
        int k = Math.toIntExact(a.size(2));
        MemorySegment sa = segment(a), sb = segment(b), sd = segment(dst);
        DType t = dst.dtype();
        long ldc = m == 1 ? n : dst.stride(1);
        long aRow = a.stride(1), aCol = a.stride(2), bRow = b.stride(1), bCol = b.stride(2);
        for (int i = first; i < last; i++) {
            long ai = a.storageOffset() + i * a.stride(0), bi = b.storageOffset() + i * b.stride(0);
            long di = dst.storageOffset() + i * dst.stride(0);
            switch (t) {
                case FLOAT32 -> Sgemm.gemm(m, n, k, 1f, sa, ai, aRow, aCol, sb, bi, bRow, bCol, 0f, sd, di, ldc, epilogue);
                case FLOAT64 -> Dgemm.gemm(m, n, k, 1.0, sa, ai, aRow, aCol, sb, bi, bRow, bCol, 0.0, sd, di, ldc, epilogue);
                default -> integerProduct(m, n, k, sa, a.dtype(), ai, aRow, aCol, sb, b.dtype(), bi, bRow, bCol, sd, t, di, ldc);
            }
        }
    }

    private static void integerProduct(int m, int n, int k,
                                       MemorySegment a, DType at, long aOff, long aRow, long aCol,
                                       MemorySegment b, DType bt, long bOff, long bRow, long bCol,
                                       MemorySegment c, DType ct, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += getLong(a, at, aOff + i * aRow + p * aCol) * getLong(b, bt, bOff + p * bRow + j * bCol);
                }
                setLong(c, ct, cOff + i * ldc + j, acc);
            }
        }
    }
}
