package dev.jtorch.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link SgemmPacking#packA} and {@link SgemmPacking#packB} against their element-by-element loops
 * ({@link SgemmPacking#packAPlain}, {@link SgemmPacking#packBPlain}), bit for bit: every layout, the panel shapes of
 * every kernel width, odd sizes, partial last panels, and the zero padding.
 */
class SgemmPackingTest {
    /** Written past the packed panels; must survive. */
    private static final float SENTINEL = -777.25f;

    /** An operand of rows x cols: its segment, the offset of element [0, 0] and its strides. */
    record Operand(MemorySegment segment, long offset, long rowStride, long colStride, String layout) {
        static Operand of(String layout, int rows, int cols, Random random) {
            long offset = 3, rowStride, colStride;
            // "native ...": the same layout in native memory, where tensors live (packing reads it by other loops)
            boolean offHeap = layout.startsWith("native ");
            switch (offHeap ? layout.substring("native ".length()) : layout) {
                case "row-major" -> { rowStride = cols; colStride = 1; }
                case "padded row-major" -> { rowStride = cols + 5; colStride = 1; }
                case "transposed" -> { rowStride = 1; colStride = rows; }
                case "padded transposed" -> { rowStride = 1; colStride = rows + 3; }
                default -> { rowStride = 2L * cols + 1; colStride = 2; }
            }
            float[] data = new float[(int) (offset + (rows - 1) * rowStride + (cols - 1) * colStride + 1 + 7)];
            for (int i = 0; i < data.length; i++) data[i] = random.nextFloat() * 2 - 1;
            MemorySegment segment = MemorySegment.ofArray(data);
            if (offHeap) segment = Arena.ofAuto().allocate(segment.byteSize(), Float.BYTES).copyFrom(segment);
            return new Operand(segment, offset, rowStride, colStride, layout);
        }
    }

    private static final String[] LAYOUTS = {"row-major", "padded row-major", "transposed", "padded transposed", "strided",
            "native row-major", "native padded row-major", "native transposed"};

    /** Every layout, panel width, operand length (rows of A, columns of B) and k block, up to 64 Ki elements. */
    private static Stream<Arguments> cases(int[] panelWidths, int[] lengths) {
        List<Arguments> cases = new ArrayList<>();
        for (String layout : LAYOUTS) {
            for (int width : panelWidths) {
                for (int length : lengths) {
                    for (int kc : new int[] {1, 7, 17, Sgemm.KC}) {
                        if ((long) length * kc <= 64 * 1024) cases.add(Arguments.of(layout, width, length, kc));
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> aCases() { return cases(new int[] {4, 8}, new int[] {1, 4, 7, 17, 1023}); }

    @ParameterizedTest(name = "A {0}, mr={1}, {2} rows, kc={3}")
    @MethodSource("aCases")
    void packAMatchesItsPlainLoop(String layout, int mr, int rows, int kc) {
        Random random = new Random(31L * rows + kc);
        Operand a = Operand.of(layout, rows, kc, random);
        int packed = Math.ceilDiv(rows, mr) * mr * kc;
        for (float alpha : new float[] {1f, -0.75f}) {
            float[] expected = filled(packed + 9), actual = filled(packed + 9);
            SgemmPacking.packAPlain(expected, mr, alpha, a.segment(), a.offset(), a.rowStride(), a.colStride(), rows, kc);
            // the least scratch a caller gives (square panels): 4 x 4 is Dgemm's kernel at 128 bits
            SgemmPacking.packA(actual, mr, alpha, a.segment(), a.offset(), a.rowStride(), a.colStride(), rows, kc,
                    new float[SgemmPacking.scratchElements(mr, mr)]);
            assertArrayEquals(expected, actual, layout + " alpha=" + alpha);
            assertEquals(SENTINEL, actual[packed], "written past the panels");
            // the specification itself: element [r, p] of the last row, and the padding rows are zero
            int last = rows - 1, panelAt = last / mr * mr * kc;
            float lastAtEnd = a.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT,
                    a.offset() + last * a.rowStride() + (kc - 1) * a.colStride());
            assertEquals(alpha * lastAtEnd, actual[panelAt + (kc - 1) * mr + last % mr]);
            for (int r = last % mr + 1; r < mr; r++) assertEquals(0f, actual[panelAt + (kc - 1) * mr + r]);
        }
    }

    static Stream<Arguments> bCases() { return cases(new int[] {8, 16, 32}, new int[] {1, 7, 16, 17, 1023}); }

    @ParameterizedTest(name = "B {0}, nr={1}, {2} columns, kc={3}")
    @MethodSource("bCases")
    void packBMatchesItsPlainLoop(String layout, int nr, int cols, int kc) {
        Random random = new Random(17L * cols + kc);
        Operand b = Operand.of(layout, kc, cols, random);
        int dstAt = 5, packed = Math.ceilDiv(cols, nr) * nr * kc;
        float[] expected = filled(dstAt + packed + 9), actual = filled(dstAt + packed + 9);
        SgemmPacking.packBPlain(expected, dstAt, nr, b.segment(), b.offset(), b.rowStride(), b.colStride(), kc, cols);
        SgemmPacking.packB(actual, dstAt, nr, b.segment(), b.offset(), b.rowStride(), b.colStride(), kc, cols,
                new float[SgemmPacking.scratchElements(4, nr)]);
        assertArrayEquals(expected, actual, layout);
        assertEquals(SENTINEL, actual[dstAt - 1], "written before the panels");
        assertEquals(SENTINEL, actual[dstAt + packed], "written past the panels");
        int last = cols - 1, panelAt = dstAt + last / nr * nr * kc;
        float lastAtEnd = b.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT,
                b.offset() + (kc - 1) * b.rowStride() + last * b.colStride());
        assertEquals(lastAtEnd, actual[panelAt + (kc - 1) * nr + last % nr]);
        for (int j = last % nr + 1; j < nr; j++) assertEquals(0f, actual[panelAt + (kc - 1) * nr + j]);
    }

    private static float[] filled(int length) {
        float[] x = new float[length];
        Arrays.fill(x, SENTINEL);
        return x;
    }
}
