package dev.jtorch.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link Sgemm#gemm} against {@link Sgemm#reference}: sizes, layouts, alpha/beta, epilogue, vector widths, threads. */
class SgemmTest {
    /** Written around the m x n window of C (row padding, before and after) and checked untouched afterwards. */
    private static final float SENTINEL = -12345.5f;
    /** Rounding error allowed per term of a dot product (DgemmTest, generated from this file, allows its own). */
    private static final float TOLERANCE_PER_TERM = 2e-6f; // double: 1e-14
    /** Fast tile against its plain loop, both in registers of this precision. */
    private static final float TILE_TOLERANCE = 1e-5f; // double: 1e-12

    private int savedThreads;
    private int savedBits;

    @BeforeEach
    void save() {
        savedThreads = IntraOpPool.numThreads();
        savedBits = Sgemm.vectorBits();
    }

    @AfterEach
    void restore() {
        IntraOpPool.setNumThreads(savedThreads);
        Sgemm.useVectorBits(savedBits);
    }

    /** How an operand sits in memory; a transpose is the swap of its two strides. */
    enum Layout {
        ROW_MAJOR, TRANSPOSED, PADDED_ROW_MAJOR, PADDED_TRANSPOSED, STRIDED;

        /** An operand of rows x cols in this layout, filled with uniform values in [-1, 1). */
        Operand random(int rows, int cols, Random random) {
            long offset = this == ROW_MAJOR || this == TRANSPOSED ? 0 : 3;
            long rowStride, colStride;
            switch (this) {
                case ROW_MAJOR -> { rowStride = cols; colStride = 1; }
                case TRANSPOSED -> { rowStride = 1; colStride = rows; }
                case PADDED_ROW_MAJOR -> { rowStride = cols + 5; colStride = 1; }
                case PADDED_TRANSPOSED -> { rowStride = 1; colStride = rows + 2; }
                default -> { rowStride = 2L * cols + 1; colStride = 2; }
            }
            long extent = offset + (rows == 0 || cols == 0 ? 0 : (rows - 1) * rowStride + (cols - 1) * colStride + 1);
            float[] data = new float[(int) extent + 4];
            for (int i = 0; i < data.length; i++) data[i] = random.nextFloat() * 2 - 1;
            return new Operand(MemorySegment.ofArray(data), offset, rowStride, colStride);
        }
    }

    record Operand(MemorySegment segment, long offset, long rowStride, long colStride) {}

    /** C of m x n with leading dimension ldc at offset cOff, sentinels around the window. */
    record Output(float[] data, long offset, long ldc, int m, int n) {
        static Output random(int m, int n, int padding, Random random) {
            long ldc = n + padding, offset = padding == 0 ? 0 : 2;
            float[] data = new float[(int) (offset + m * ldc + 3)];
            java.util.Arrays.fill(data, SENTINEL);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) data[(int) (offset + i * ldc + j)] = random.nextFloat() * 2 - 1;
            }
            return new Output(data, offset, ldc, m, n);
        }

        Output copy() { return new Output(data.clone(), offset, ldc, m, n); }

        MemorySegment segment() { return MemorySegment.ofArray(data); }

        float at(int i, int j) { return data[(int) (offset + i * ldc + j)]; }

        boolean inWindow(int index) {
            long rel = index - offset;
            return rel >= 0 && rel < m * ldc && rel % ldc < n;
        }
    }

    private static void run(boolean fast, int m, int n, int k, float alpha, Operand a, Operand b, float beta, Output c,
                            Epilogue epilogue) {
        if (fast) {
            Sgemm.gemm(m, n, k, alpha, a.segment(), a.offset(), a.rowStride(), a.colStride(),
                    b.segment(), b.offset(), b.rowStride(), b.colStride(), beta, c.segment(), c.offset(), c.ldc(), epilogue);
        } else {
            Sgemm.reference(m, n, k, alpha, a.segment(), a.offset(), a.rowStride(), a.colStride(),
                    b.segment(), b.offset(), b.rowStride(), b.colStride(), beta, c.segment(), c.offset(), c.ldc());
            applyEpilogueByHand(c, epilogue);
        }
    }

    private static void applyEpilogueByHand(Output c, Epilogue e) {
        for (int i = 0; i < c.m(); i++) {
            for (int j = 0; j < c.n(); j++) {
                int at = (int) (c.offset() + i * c.ldc() + j);
                float v = c.data()[at];
                if (e.hasBias()) {
                    long index = e.biasOffset() + (e.biasAxis() == Epilogue.BiasAxis.PER_COLUMN ? j : i);
                    v += e.bias().getAtIndex(ValueLayout.JAVA_FLOAT, index);
                }
                if (e.activation() == Activation.RELU) v = v > 0 || Float.isNaN(v) ? v : 0;
                c.data()[at] = v;
            }
        }
    }

    /** Checks gemm against reference on one problem; the tolerance grows with k, the length of each dot product. */
    private static void check(int m, int n, int k, Layout aLayout, Layout bLayout, float alpha, float beta,
                              int cPadding, Epilogue epilogue, long seed) {
        Random random = new Random(seed);
        Operand a = aLayout.random(m, k, random);
        Operand b = bLayout.random(k, n, random);
        Output expected = Output.random(m, n, cPadding, random);
        Output actual = expected.copy();
        run(false, m, n, k, alpha, a, b, beta, expected, epilogue);
        run(true, m, n, k, alpha, a, b, beta, actual, epilogue);
        assertClose(expected, actual, k, String.format("m=%d n=%d k=%d A=%s B=%s alpha=%s beta=%s bits=%d threads=%d",
                m, n, k, aLayout, bLayout, alpha, beta, Sgemm.vectorBits(), IntraOpPool.numThreads()));
    }

    private static void assertClose(Output expected, Output actual, int k, String what) {
        float tolerance = TOLERANCE_PER_TERM * (k + 4);
        for (int index = 0; index < actual.data().length; index++) {
            float e = expected.data()[index], g = actual.data()[index];
            if (!actual.inWindow(index)) {
                if (g != SENTINEL) fail(what + ": wrote outside C's window at element " + index);
                continue;
            }
            if (Float.isNaN(e) != Float.isNaN(g) || Math.abs(e - g) > tolerance * (1 + Math.abs(e))) {
                long rel = index - actual.offset();
                fail(String.format("%s: C[%d,%d] expected %s got %s", what, rel / actual.ldc(), rel % actual.ldc(), e, g));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    static Stream<Arguments> oddSizesAllTransposes() {
        int[][] sizes = {
            {1, 1, 1}, {7, 17, 31}, {17, 7, 1}, {31, 31, 17}, {1, 1023, 31}, {1023, 1, 17}, {7, 7, 1023},
            {1023, 17, 31}, {17, 1023, 7}, {31, 7, 1023}, {33, 65, 300}, {1023, 31, 257}, {4, 16, 8}, {5, 17, 9},
        };
        Layout[] layouts = {Layout.ROW_MAJOR, Layout.TRANSPOSED};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : sizes) {
            for (Layout a : layouts) for (Layout b : layouts) out.add(Arguments.of(s[0], s[1], s[2], a, b));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} A {3} B {4}")
    @MethodSource("oddSizesAllTransposes")
    void oddSizesInEveryTransposeCombination(int m, int n, int k, Layout a, Layout b) {
        check(m, n, k, a, b, 1f, 0f, 0, Epilogue.NONE, m * 31L + n * 7L + k);
    }

    static Stream<Arguments> stridedLayouts() {
        List<Arguments> out = new ArrayList<>();
        Layout[] layouts = {Layout.PADDED_ROW_MAJOR, Layout.PADDED_TRANSPOSED, Layout.STRIDED};
        for (Layout a : layouts) for (Layout b : layouts) out.add(Arguments.of(a, b));
        out.add(Arguments.of(Layout.STRIDED, Layout.ROW_MAJOR));
        out.add(Arguments.of(Layout.ROW_MAJOR, Layout.STRIDED));
        return out.stream();
    }

    @ParameterizedTest(name = "A {0} B {1}")
    @MethodSource("stridedLayouts")
    void nonUnitLeadingDimensionsAndOffsets(Layout a, Layout b) {
        check(45, 37, 300, a, b, 1f, 0f, 3, Epilogue.NONE, 1);
        check(3, 37, 19, a, b, 1f, 0.5f, 3, Epilogue.NONE, 2);   // direct path: m below a tile
        check(45, 5, 6, a, b, -1f, 1f, 3, Epilogue.NONE, 3);     // direct path: n below a tile, tiny k
    }

    @ParameterizedTest(name = "alpha={0} beta={1}")
    @MethodSource("alphaBeta")
    void alphaAndBeta(float alpha, float beta) {
        check(50, 70, 40, Layout.ROW_MAJOR, Layout.ROW_MAJOR, alpha, beta, 2, Epilogue.NONE, 5);
        check(50, 70, 600, Layout.TRANSPOSED, Layout.ROW_MAJOR, alpha, beta, 0, Epilogue.NONE, 6); // beta then 1 across KC blocks
        check(2, 70, 40, Layout.ROW_MAJOR, Layout.TRANSPOSED, alpha, beta, 2, Epilogue.NONE, 7);
    }

    static Stream<Arguments> alphaBeta() {
        return Stream.of(Arguments.of(1f, 0f), Arguments.of(1f, 1f), Arguments.of(-0.5f, 0.25f), Arguments.of(2f, -1f),
                Arguments.of(0f, 0.5f), Arguments.of(0f, 0f));
    }

    @Test
    void kZeroScalesCByBeta() {
        check(9, 20, 0, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0.5f, 1, Epilogue.NONE, 8);
        check(9, 20, 0, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 1, Epilogue.NONE, 9);
        check(9, 20, 0, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 1f, 1, Epilogue.NONE, 10);
    }

    @Test
    void emptyOutputTouchesNothing() {
        check(0, 20, 5, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 1, Epilogue.NONE, 11);
        check(20, 0, 5, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 1, Epilogue.NONE, 12);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("nanSizes")
    void betaZeroNeverReadsC(int m, int n, int k) {
        Random random = new Random(13);
        Operand a = Layout.ROW_MAJOR.random(m, k, random);
        Operand b = Layout.ROW_MAJOR.random(k, n, random);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        Sgemm.gemm(m, n, k, 1f, a.segment(), 0, k, 1, b.segment(), 0, n, 1, 0f, MemorySegment.ofArray(c), 0, n);
        for (float v : c) assertTrue(!Float.isNaN(v), "NaN leaked from C with beta == 0");
    }

    static Stream<Arguments> nanSizes() {
        return Stream.of(Arguments.of(33, 47, 300), Arguments.of(3, 47, 30), Arguments.of(33, 47, 0), Arguments.of(300, 100, 20));
    }

    static Stream<Arguments> epilogues() {
        float[] bias = new float[1100];
        Random random = new Random(17);
        for (int i = 0; i < bias.length; i++) bias[i] = random.nextFloat() * 2 - 1;
        MemorySegment biasSegment = MemorySegment.ofArray(bias);
        return Stream.of(
                Arguments.of(Epilogue.biasPerColumn(biasSegment, 3, Activation.RELU)),
                Arguments.of(Epilogue.biasPerColumn(biasSegment, 0, Activation.NONE)),
                Arguments.of(Epilogue.biasPerRow(biasSegment, 5, Activation.RELU)),
                Arguments.of(Epilogue.biasPerRow(biasSegment, 0, Activation.NONE)),
                Arguments.of(Epilogue.activationOnly(Activation.RELU)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("epilogues")
    void epilogueFusesBiasAndActivation(Epilogue epilogue) {
        check(45, 70, 600, Layout.ROW_MAJOR, Layout.TRANSPOSED, 1f, 0f, 0, epilogue, 20);  // Linear: x @ W^T + b
        check(33, 40, 30, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 0.5f, 1f, 3, epilogue, 21);
        check(3, 70, 9, Layout.ROW_MAJOR, Layout.TRANSPOSED, 1f, 0f, 0, epilogue, 22);      // direct path
        check(7, 9, 0, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0.5f, 0, epilogue, 23);      // k == 0
    }

    @Test
    void reluKeepsNaN() {
        float[] a = {Float.NaN, 1, 1, 1};
        float[] b = new float[4 * 20];
        java.util.Arrays.fill(b, 1f);
        float[] c = new float[20];
        Sgemm.gemm(1, 20, 4, 1f, MemorySegment.ofArray(a), 0, 4, 1, MemorySegment.ofArray(b), 0, 20, 1,
                0f, MemorySegment.ofArray(c), 0, 20, Epilogue.activationOnly(Activation.RELU));
        for (float v : c) assertTrue(Float.isNaN(v));
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void everyVectorWidth(int bits) {
        Sgemm.useVectorBits(bits);
        assertEquals(bits, Sgemm.vectorBits());
        // The 512-bit kernels run in the Vector API's Java fallback on a machine without AVX-512: keep them small.
        int big = bits <= GemmVectorWidth.PREFERRED_BITS ? 600 : 260;
        for (Layout a : new Layout[] {Layout.ROW_MAJOR, Layout.TRANSPOSED}) {
            for (Layout b : new Layout[] {Layout.ROW_MAJOR, Layout.TRANSPOSED}) {
                check(37, 71, big, a, b, 1f, 0f, 0, Epilogue.NONE, bits);
                check(17, 33, 31, a, b, -1f, 0.5f, 2, Epilogue.NONE, bits + 1);
            }
        }
        check(40, 40, 40, Layout.STRIDED, Layout.PADDED_TRANSPOSED, 1f, 1f, 1, Epilogue.NONE, bits + 2);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void oneTwoAndThreeThreads(int threads) {
        IntraOpPool.setNumThreads(threads);
        // Every product here is above Sgemm.PARALLEL_MIN_WORK, so with 2 or 3 threads each is split.
        check(300, 130, 300, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 0, Epilogue.NONE, 30);   // units of rows
        check(9, 600, 500, Layout.TRANSPOSED, Layout.ROW_MAJOR, 1f, 0.5f, 1, Epilogue.NONE, 31);  // units of columns
        check(20, Sgemm.NC + 40, 30, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 0, Epilogue.NONE, 35); // 2 B blocks
        check(40, 700, 1000, Layout.TRANSPOSED, Layout.TRANSPOSED, 1f, 0f, 0, Epilogue.NONE, 37);   // 4 KC blocks
        check(3, 1200, 700, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 0, Epilogue.NONE, 32);    // direct, by columns
        check(1200, 3, 700, Layout.ROW_MAJOR, Layout.TRANSPOSED, 1f, 0f, 0, Epilogue.NONE, 33);   // direct, by rows
        check(1000, 260, 1, Layout.ROW_MAJOR, Layout.TRANSPOSED, 1f, 0f, 0, Epilogue.NONE, 38);   // direct, k = 1: split for its writes
        check(4, 1200, 1000, Layout.TRANSPOSED, Layout.TRANSPOSED, 1f, 0.5f, 0, Epilogue.NONE, 36); // small m, split
        check(200, 150, 260, Layout.ROW_MAJOR, Layout.TRANSPOSED, 1f, 0f, 0,
                Epilogue.activationOnly(Activation.RELU), 34);
    }

    /**
     * Claimed work gives the same bits whatever the number of threads: each C element's sum runs in the same
     * order on whichever thread computes it. Sizes cover several units, several KC blocks, two NC blocks and
     * ragged edges.
     */
    @Test
    void dynamicSchedulingGivesIdenticalResultsWithOneTwoAndThreeThreads() {
        int[][] sizes = {{1023, 257, 300}, {257, 1031, 1500}, {37, Sgemm.NC + 500, 700}};
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            Random random = new Random(m + n + k);
            Operand a = Layout.ROW_MAJOR.random(m, k, random);
            Operand b = Layout.TRANSPOSED.random(k, n, random);
            Output first = null;
            for (int threads : new int[] {1, 2, 3}) {
                IntraOpPool.setNumThreads(threads);
                Output c = Output.random(m, n, 1, new Random(99));
                for (int rep = 0; rep < 2; rep++) {
                    Output again = c.copy();
                    run(true, m, n, k, 0.5f, a, b, 0.25f, again, Epilogue.activationOnly(Activation.RELU));
                    if (first == null) first = again;
                    assertArrayEquals(first.data(), again.data(), threads + " threads, " + m + "x" + n + "x" + k);
                }
            }
        }
    }

    /** A failing participant (C too small for its window) surfaces as the exception, and the other threads do not hang. */
    @Test
    void aFailureOnAnyThreadReachesTheCallerAndThePoolRecovers() {
        IntraOpPool.setNumThreads(2);
        int m = 300, n = 300, k = 300;
        Random random = new Random(60);
        Operand a = Layout.ROW_MAJOR.random(m, k, random);
        Operand b = Layout.ROW_MAJOR.random(k, n, random);
        MemorySegment shortC = MemorySegment.ofArray(new float[m * n / 2]);
        assertThrows(IndexOutOfBoundsException.class, () -> Sgemm.gemm(m, n, k, 1f, a.segment(), 0, k, 1,
                b.segment(), 0, n, 1, 0f, shortC, 0, n));
        check(m, n, k, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 0, Epilogue.NONE, 61);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Few rows times a transposed weight (batch-1 Linear, LSTM step): the GEMV-like path

    static Stream<Arguments> smallM() {
        List<Arguments> out = new ArrayList<>();
        for (int m = 1; m <= Sgemm.SMALL_M; m++) {
            for (int[] nk : new int[][] {{1, 1}, {7, 17}, {17, 7}, {1023, 31}, {5, 1023}, {64, 784}, {13, 8}}) {
                out.add(Arguments.of(m, nk[0], nk[1], Layout.ROW_MAJOR, Layout.TRANSPOSED));
                out.add(Arguments.of(m, nk[0], nk[1], Layout.TRANSPOSED, Layout.TRANSPOSED));
                out.add(Arguments.of(m, nk[0], nk[1], Layout.STRIDED, Layout.PADDED_TRANSPOSED));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} A {3} B {4}")
    @MethodSource("smallM")
    void smallMTimesTransposedWeight(int m, int n, int k, Layout a, Layout b) {
        long seed = m * 1000L + n * 7L + k;
        check(m, n, k, a, b, 1f, 0f, 0, Epilogue.NONE, seed);
        check(m, n, k, a, b, -0.5f, 0.75f, 2, Epilogue.NONE, seed + 1);
        Operand bias = Layout.ROW_MAJOR.random(1, n + 3, new Random(seed + 2));
        check(m, n, k, a, b, 1f, 1f, 1, Epilogue.biasPerColumn(bias.segment(), 3, Activation.RELU), seed + 3);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void smallMSplitsLargeWeightsOverThreads(int threads) {
        IntraOpPool.setNumThreads(threads);
        // n * k above SmallM's parallel threshold (2^20 weights)
        check(1, 1031, 1023, Layout.ROW_MAJOR, Layout.TRANSPOSED, 1f, 0f, 0, Epilogue.NONE, 70);
        check(3, 1031, 1023, Layout.ROW_MAJOR, Layout.PADDED_TRANSPOSED, 1f, 0.5f, 1, Epilogue.NONE, 71);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Row-major B with k up to UNPACKED_MAX_K: the unpacked path, by routing and by name

    static Stream<Arguments> unpackedShapes() {
        int[][] sizes = {{7, 17, 31}, {17, 7, 17}, {64, 256, 64}, {64, 64, 256}, {1023, 17, 7}, {5, 1023, 9},
                         {33, 10, 84}, {4, 16, 8}, {9, 40, Sgemm.UNPACKED_MAX_K}, {30, 40, 64}};
        Layout[] aLayouts = {Layout.ROW_MAJOR, Layout.TRANSPOSED, Layout.STRIDED};
        Layout[] bLayouts = {Layout.ROW_MAJOR, Layout.PADDED_ROW_MAJOR};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : sizes) {
            for (Layout a : aLayouts) for (Layout b : bLayouts) out.add(Arguments.of(s[0], s[1], s[2], a, b));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} A {3} B {4}")
    @MethodSource("unpackedShapes")
    void unpackedPathMatchesReference(int m, int n, int k, Layout a, Layout b) {
        long seed = m * 131L + n * 17L + k;
        check(m, n, k, a, b, 1f, 0f, 0, Epilogue.NONE, seed);             // routed: row-major B, small k
        checkBy(Sgemm.Path.UNPACKED, m, n, k, a, b, -0.5f, 0.75f, 2, Epilogue.NONE, seed + 1);
        Operand bias = Layout.ROW_MAJOR.random(1, n + 3, new Random(seed + 2));
        checkBy(Sgemm.Path.UNPACKED, m, n, k, a, b, 1f, 1f, 1, Epilogue.biasPerColumn(bias.segment(), 3, Activation.RELU), seed + 3);
    }

    /**
     * B = W^T seen unchanged from one call to the next takes the unpacked path over W^T laid out once
     * ({@link TransposedWeights}): the same W three times, then W written in place, then another W at the same
     * place; every answer matches the reference for the W as it is at that call. An LSTM's input projection at
     * inference is 30 x 256 x 64.
     */
    @Test
    void repeatedTransposedWeightMatchesTheReferenceAsItChanges() {
        int m = 30, n = 256, k = 64;
        Random random = new Random(77);
        Operand a = Layout.ROW_MAJOR.random(m, k, random);
        Operand b = Layout.TRANSPOSED.random(k, n, random);
        float[] w = b.segment().toArray(ValueLayout.JAVA_FLOAT);
        for (int call = 0; call < 6; call++) {
            if (call == 3) b.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 5 * k + 9, 3.5f);
            if (call == 5) {
                for (int i = 0; i < w.length; i++) b.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, w[w.length - 1 - i]);
            }
            Output expected = Output.random(m, n, 1, random);
            Output actual = expected.copy();
            run(false, m, n, k, 1f, a, b, 0f, expected, Epilogue.NONE);
            run(true, m, n, k, 1f, a, b, 0f, actual, Epilogue.NONE);
            assertClose(expected, actual, k, "call " + call);
        }
    }

    /**
     * The blocked and the unpacked path give the same bits for row-major B with k within one block and n in whole
     * vectors: every C element is one fused multiply-add chain over k from zero on both, the rows below the last
     * whole tile included, and beta * C fused on. A transposed weight's product runs blocked on its first call and
     * unpacked over the kept layout on later ones ({@link #aRepeatedTransposedWeightGivesTheSameBitsOnEveryCall}).
     */
    @ParameterizedTest(name = "m={0} n={1} k={2} beta={3}")
    @MethodSource("pathAgreementShapes")
    void blockedAndUnpackedPathsGiveTheSameBits(int m, int n, int k, float beta) {
        Random random = new Random(m * 131L + n * 7L + k);
        Operand a = Layout.ROW_MAJOR.random(m, k, random);
        Operand b = Layout.ROW_MAJOR.random(k, n, random);
        Output blocked = Output.random(m, n, 1, random), unpacked = blocked.copy();
        for (Sgemm.Path path : new Sgemm.Path[] {Sgemm.Path.BLOCKED, Sgemm.Path.UNPACKED}) {
            Output c = path == Sgemm.Path.BLOCKED ? blocked : unpacked;
            Sgemm.gemmBy(path, m, n, k, -0.5f, a.segment(), a.offset(), a.rowStride(), a.colStride(),
                    b.segment(), b.offset(), b.rowStride(), b.colStride(), beta, c.segment(), c.offset(), c.ldc(), Epilogue.NONE);
        }
        assertArrayEquals(blocked.data(), unpacked.data(), "m=" + m + " n=" + n + " k=" + k + " beta=" + beta);
    }

    static Stream<Arguments> pathAgreementShapes() {
        List<Arguments> out = new ArrayList<>();
        // n in whole vectors at 4, 8 and 16 lanes; 48 ends in a partial panel of the 512-bit kernel, 30 and 33 rows
        // in a partial 4- and 8-row tile
        for (int[] mnk : new int[][] {{30, 48, 64}, {8, 16, 17}, {33, 256, Sgemm.UNPACKED_MAX_K}}) {
            for (float beta : new float[] {0f, 1f, 0.75f}) out.add(Arguments.of(mnk[0], mnk[1], mnk[2], beta));
        }
        return out.stream();
    }

    /**
     * W^T multiplied three times gives the same bits every time: at n = 128 blocked on the first call and unpacked
     * over the kept W^T on the others; at n = 132 (an LSTM layer's W_ih at 4H = 132, columns past the last whole
     * vector) blocked every time.
     */
    @ParameterizedTest(name = "n={0} beta={1}")
    @CsvSource({"128, 0", "128, 0.75", "132, 0", "132, 0.75"})
    void aRepeatedTransposedWeightGivesTheSameBitsOnEveryCall(int n, float beta) {
        int m = 30, k = 64;
        Random random = new Random(78 + n + (long) (beta * 100));   // a W this thread has not kept: call 0 runs blocked
        Operand a = Layout.ROW_MAJOR.random(m, k, random);
        Operand b = Layout.TRANSPOSED.random(k, n, random);
        Output c = Output.random(m, n, 0, random);
        Output first = c.copy();
        run(true, m, n, k, 1f, a, b, beta, first, Epilogue.NONE);
        for (int call = 1; call < 3; call++) {
            Output again = c.copy();
            run(true, m, n, k, 1f, a, b, beta, again, Epilogue.NONE);
            assertArrayEquals(first.data(), again.data(), "call " + call);
        }
    }

    /**
     * The direct path along B's rows (a batch-1 LSTM step is m = 1, n = 256, k = 64): n covers blocks of eight
     * vectors, then four, then one, then single columns, at every species width up to 512 bits (16 lanes: 128 + 64
     * + 16 + 3 = 211 columns; 8 lanes: 64 + 32 + 8 + 3 = 107), with alpha, beta, a bias epilogue and padded or
     * strided A.
     */
    @ParameterizedTest(name = "m={0} n={1} B {2}")
    @MethodSource("directRowShapes")
    void directPathAlongRowsOfB(int m, int n, Layout b) {
        long seed = m * 71L + n;
        checkBy(Sgemm.Path.DIRECT, m, n, 64, Layout.ROW_MAJOR, b, 1f, 0f, 0, Epilogue.NONE, seed);
        checkBy(Sgemm.Path.DIRECT, m, n, 9, Layout.ROW_MAJOR, b, -0.5f, 0f, 0, Epilogue.NONE, seed + 4);   // C only written, scaled
        checkBy(Sgemm.Path.DIRECT, m, n, 17, Layout.STRIDED, b, -0.5f, 0.75f, 2, Epilogue.NONE, seed + 1);
        Operand bias = Layout.ROW_MAJOR.random(1, n + 3, new Random(seed + 2));
        checkBy(Sgemm.Path.DIRECT, m, n, 7, Layout.TRANSPOSED, b, 1f, 1f, 1, Epilogue.biasPerColumn(bias.segment(), 3, Activation.RELU), seed + 3);
    }

    static Stream<Arguments> directRowShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int m : new int[] {1, 3}) {
            for (int n : new int[] {1, 7, 64, 107, 211, 256}) {
                for (Layout b : new Layout[] {Layout.ROW_MAJOR, Layout.PADDED_ROW_MAJOR}) out.add(Arguments.of(m, n, b));
            }
        }
        return out.stream();
    }

    /** Either side of the cutover on k, through the routing: the unpacked and the blocked path agree with reference. */
    @Test
    void bothSidesOfTheUnpackedCutover() {
        for (int k : new int[] {Sgemm.UNPACKED_MAX_K, Sgemm.UNPACKED_MAX_K + 1}) {
            check(40, 70, k, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0.5f, 1, Epilogue.NONE, k);
            check(40, 70, k, Layout.TRANSPOSED, Layout.ROW_MAJOR, 2f, 0f, 0, Epilogue.NONE, k + 1);
        }
    }

    /** The unpacked path splits column tiles over threads above PARALLEL_MIN_WORK, and the bits do not change. */
    @Test
    void unpackedPathGivesIdenticalResultsWithOneTwoAndThreeThreads() {
        int m = 300, n = 203, k = 250;   // m * n * k above Sgemm.PARALLEL_MIN_WORK, k within UNPACKED_MAX_K
        Random random = new Random(80);
        Operand a = Layout.TRANSPOSED.random(m, k, random);
        Operand b = Layout.ROW_MAJOR.random(k, n, random);
        Output first = null;
        for (int threads : new int[] {1, 2, 3}) {
            IntraOpPool.setNumThreads(threads);
            Output c = Output.random(m, n, 1, new Random(81));
            run(true, m, n, k, 0.5f, a, b, 0.25f, c, Epilogue.activationOnly(Activation.RELU));
            if (first == null) {
                Output expected = Output.random(m, n, 1, new Random(81));
                run(false, m, n, k, 0.5f, a, b, 0.25f, expected, Epilogue.activationOnly(Activation.RELU));
                assertClose(expected, c, k, "unpacked, 1 thread");
                first = c;
            }
            assertArrayEquals(first.data(), c.data(), threads + " threads");
        }
    }

    private static void checkBy(Sgemm.Path path, int m, int n, int k, Layout aLayout, Layout bLayout, float alpha,
                                float beta, int cPadding, Epilogue epilogue, long seed) {
        Random random = new Random(seed);
        Operand a = aLayout.random(m, k, random);
        Operand b = bLayout.random(k, n, random);
        Output expected = Output.random(m, n, cPadding, random);
        Output actual = expected.copy();
        run(false, m, n, k, alpha, a, b, beta, expected, epilogue);
        Sgemm.gemmBy(path, m, n, k, alpha, a.segment(), a.offset(), a.rowStride(), a.colStride(),
                b.segment(), b.offset(), b.rowStride(), b.colStride(), beta, actual.segment(), actual.offset(), actual.ldc(), epilogue);
        assertClose(expected, actual, k, String.format("%s m=%d n=%d k=%d A=%s B=%s alpha=%s beta=%s",
                path, m, n, k, aLayout, bLayout, alpha, beta));
    }

    @Test
    void moreColumnsThanOneNcBlock() {
        check(9, Sgemm.NC + 20, 20, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0.5f, 0, Epilogue.NONE, 40);
    }

    @ParameterizedTest(name = "{0} arena")
    @ValueSource(strings = {"confined", "shared"})
    void nativeSegments(String kind) {
        IntraOpPool.setNumThreads(2); // a confined arena's segments must keep the work on this thread
        int m = 150, n = 130, k = 120; // above Sgemm.PARALLEL_MIN_WORK
        Random random = new Random(50);
        try (Arena arena = kind.equals("confined") ? Arena.ofConfined() : Arena.ofShared()) {
            MemorySegment a = arena.allocate((long) m * k * Float.BYTES, 64);
            MemorySegment b = arena.allocate((long) k * n * Float.BYTES, 64);
            MemorySegment c = arena.allocate((long) m * n * Float.BYTES, 64);
            MemorySegment expected = arena.allocate((long) m * n * Float.BYTES, 64);
            for (long i = 0; i < (long) m * k; i++) a.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() - 0.5f);
            for (long i = 0; i < (long) k * n; i++) b.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() - 0.5f);
            Sgemm.reference(m, n, k, 1f, a, 0, k, 1, b, 0, n, 1, 0f, expected, 0, n);
            Sgemm.gemm(m, n, k, 1f, a, 0, k, 1, b, 0, n, 1, 0f, c, 0, n);
            for (long i = 0; i < (long) m * n; i++) {
                float e = expected.getAtIndex(ValueLayout.JAVA_FLOAT, i), g = c.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                assertEquals(e, g, TOLERANCE_PER_TERM * (k + 4) * (1 + Math.abs(e)), "element " + i);
            }
        }
    }

    /**
     * The blocked path's row edges: m on either side of multiples of every tile height (4 at 128 bits, 6 at 256,
     * 8 at 512) and of MC, so each kernel meets every m % MR, through each way packA reads A (rows, columns,
     * neither contiguous). Two KC blocks (beta, then 1) and a ragged last column panel.
     */
    @ParameterizedTest(name = "m={0}")
    @ValueSource(ints = {1, 2, 3, 5, 6, 7, 9, 11, 12, 13, 16, 17, 23, 24, 25, 143, 144, 145, 149})
    void blockedPathAtEveryRowRemainder(int m) {
        for (int bits : new int[] {128, 256, 512}) {
            if (bits > GemmVectorWidth.PREFERRED_BITS) continue; // the Java fallback: too slow for k = 300
            Sgemm.useVectorBits(bits);
            for (Layout a : new Layout[] {Layout.ROW_MAJOR, Layout.TRANSPOSED, Layout.STRIDED}) {
                checkBy(Sgemm.Path.BLOCKED, m, 37, 300, a, Layout.TRANSPOSED, 1.5f, 0.5f, 1, Epilogue.NONE, m * 7L + bits);
            }
            checkBy(Sgemm.Path.BLOCKED, m, 21, 19, Layout.ROW_MAJOR, Layout.ROW_MAJOR, 1f, 0f, 0,
                    Epilogue.activationOnly(Activation.RELU), m * 11L + bits);
        }
    }

    @Test
    void microKernelsMatchTheirPlainLoops() {
        for (int bits : new int[] {128, 256, 512}) {
            SgemmMicroKernel kernel = SgemmMicroKernel.forBits(bits);
            int kc = 37;
            Random random = new Random(bits);
            float[] a = new float[kc * kernel.mr + 5], b = new float[kc * kernel.nr + 7];
            for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() - 0.5f;
            float[] fast = new float[kernel.mr * kernel.nr], plain = new float[kernel.mr * kernel.nr];
            kernel.multiply(kc, a, 5, b, 7, fast);
            kernel.multiplyPlain(kc, a, 5, b, 7, plain);
            for (int i = 0; i < fast.length; i++) assertEquals(plain[i], fast[i], TILE_TOLERANCE, bits + "-bit tile element " + i);
            float[] firstVector = new float[kernel.mr * kernel.nr];
            kernel.multiplyFirstVector(kc, a, 5, b, 7, firstVector);
            for (int r = 0; r < kernel.mr; r++) {
                for (int j = 0; j < kernel.nr / 2; j++) {
                    int i = r * kernel.nr + j;
                    assertEquals(plain[i], firstVector[i], TILE_TOLERANCE, bits + "-bit first-vector tile element " + i);
                }
            }
        }
    }
}
