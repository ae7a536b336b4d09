package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static dev.jtorch.cpu.TestTensors.*;
import static dev.jtorch.cpu.SteadyStateAllocation.assertAllocatesNothing;

/** Steady-state GEMM calls allocate nothing on the Java heap (batch-1 inference calls them per layer per step). */
class GemmAllocationTest {
    private static final Arena OPERANDS = Arena.ofShared();
    private int savedThreads;

    @BeforeEach
    void save() { savedThreads = IntraOpPool.numThreads(); }

    @AfterEach
    void restore() { IntraOpPool.setNumThreads(savedThreads); }

    /**
     * Operands in native memory of a shared arena, as tensors' are: heap or differently-scoped segments beside tensor
     * memory change what C2 compiles for every segment access in the JVM (the JDK's own accessors are shared), and
     * with heap operands here the direct path allocated 144 bytes a call after the recurrent allocation tests.
     */
    private static MemorySegment random(int elements, long seed) {
        Random r = new Random(seed);
        MemorySegment data = OPERANDS.allocate(4L * elements, 64);
        for (int i = 0; i < elements; i++) data.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, r.nextFloat() - 0.5f);
        return data;
    }

    @Test
    void smallMTimesTransposedWeight() {
        IntraOpPool.setNumThreads(2);
        for (int m = 1; m <= Sgemm.SMALL_M; m++) {
            int rows = m, n = 256, k = 784;   // the MLP's first Linear at batch 1..4: x @ W^T + b
            MemorySegment x = random(rows * k, 1), w = random(n * k, 2), bias = random(n, 3), y = random(rows * n, 4);
            Epilogue epilogue = Epilogue.biasPerColumn(bias, 0, Activation.RELU);
            assertAllocatesNothing("small m = " + m, () ->
                    Sgemm.gemm(rows, n, k, 1f, x, 0, k, 1, w, 0, 1, k, 0f, y, 0, n, epilogue));
        }
    }

    @Test
    void blockedProductOnOneAndTwoThreads() {
        for (int threads : new int[] {1, 2}) {
            IntraOpPool.setNumThreads(threads);
            // above Sgemm.PARALLEL_MIN_WORK: the two-thread run goes through the pool; k above UNPACKED_MAX_K
            int n = 192, k = Sgemm.UNPACKED_MAX_K + 44;
            MemorySegment a = random(n * k, 5), b = random(k * n, 6), c = random(n * n, 7);
            assertAllocatesNothing("blocked, " + threads + " threads", () ->
                    Sgemm.gemm(n, n, k, 1f, a, 0, k, 1, b, 0, n, 1, 0f, c, 0, n));
        }
    }

    @Test
    void blockedProductPacksEveryLayoutWithoutAllocating() {
        IntraOpPool.setNumThreads(1);
        // m, n not multiples of a tile: whole and partial panels; each layout takes its own packing loop
        int m = 67, n = 75, k = Sgemm.UNPACKED_MAX_K + 44;
        MemorySegment a = random(m * k, 16), b = random(k * n, 17), c = random(m * n, 18);
        assertAllocatesNothing("blocked, A transposed", () ->
                Sgemm.gemm(m, n, k, 0.5f, a, 0, 1, m, b, 0, n, 1, 0f, c, 0, n));
        assertAllocatesNothing("blocked, B transposed", () ->
                Sgemm.gemm(m, n, k, 1f, a, 0, k, 1, b, 0, 1, k, 1f, c, 0, n));
        assertAllocatesNothing("blocked, strided A and B", () ->
                Sgemm.gemm(m, n, k / 2, 1f, a, 0, k, 2, b, 0, 2L * n, 2, 0f, c, 0, n));
    }

    @Test
    void transposedAPackingOfEveryPanelHeight() {
        // packA on its own, not inlined into a product: a vector broadcast once per call, null for 8-row panels,
        // was boxed here (48 bytes a call), and in CI a product with this packing allocated 153,600 bytes a call
        int rows = 67, kc = SgemmPacking.LINE;
        MemorySegment a = random(rows * kc, 19);
        float[] scratch = new float[8 * SgemmPacking.LINE];
        for (int mr : new int[] {4, 8}) {
            float[] dst = new float[Math.ceilDiv(rows, mr) * mr * kc];
            assertAllocatesNothing("transposed A, " + mr + "-row panels", () ->
                    SgemmPacking.packA(dst, mr, 0.5f, a, 0, 1, rows, rows, kc, scratch));
        }
    }

    @Test
    void unpackedProductOnOneAndTwoThreads() {
        for (int threads : new int[] {1, 2}) {
            IntraOpPool.setNumThreads(threads);
            for (int[] s : new int[][] {{64, 64, 256}, {192, 192, 192}}) {  // an LSTM backward step; one above PARALLEL_MIN_WORK
                int m = s[0], n = s[1], k = s[2];
                MemorySegment a = random(m * k, 13), b = random(k * n, 14), c = random(m * n, 15);
                // A transposed (h^T @ dgates), alpha != 1 and beta != 0: every branch of the copy and the store
                assertAllocatesNothing("unpacked " + m + "x" + n + "x" + k + ", " + threads + " threads", () ->
                        Sgemm.gemm(m, n, k, 0.5f, a, 0, 1, m, b, 0, n, 1, 1f, c, 0, n));
            }
        }
    }

    @Test
    void directPath() {
        IntraOpPool.setNumThreads(2);
        int m = 3, n = 100, k = 50;   // m below a tile, B row-major
        MemorySegment a = random(m * k, 8), b = random(k * n, 9), c = random(m * n, 10);
        assertAllocatesNothing("direct", () -> Sgemm.gemm(m, n, k, 1f, a, 0, k, 1, b, 0, n, 1, 0f, c, 0, n));
    }

    @Test
    void matmulKernelsOfOneProduct() {
        IntraOpPool.setNumThreads(2);
        for (int[] s : new int[][] {{1, 128, 256}, {64, 256, 128}}) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = tensor(DType.FLOAT32, new long[] {1, m, k}, uniform(m * k, 11, -1, 1));
            // b = W^T, a view of W [n, k]
            Tensor b = tensor(DType.FLOAT32, new long[] {1, n, k}, uniform(n * k, 12, -1, 1)).transpose(1, 2);
            Tensor out = empty(DType.FLOAT32, 1, m, n);
            assertAllocatesNothing("matmul " + m + "x" + k + "x" + n, () -> MatmulKernels.matmul(a, b, out));
        }
    }
}
