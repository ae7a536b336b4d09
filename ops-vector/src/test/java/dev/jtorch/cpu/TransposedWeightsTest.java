package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ComposedReference.Layout;
import static dev.jtorch.cpu.ComposedReference.draw;
import static dev.jtorch.cpu.ComposedReference.matrix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The kept transposes of {@link TransposedWeights}: each answer is the weight's transpose as it is at the call,
 * whether it was laid out afresh or kept, and a weight written behind the tensor's back (no version bump, as a
 * captured graph's replay writes) is laid out again. Float32 (the heap gather) and float64, contiguous and
 * strided views, more weights than the kept entries, and a weight too large to keep.
 */
class TransposedWeightsTest {
    private static void assertTransposeOf(Tensor w, MemorySegment t, String what) {
        int rows = (int) w.size(0), cols = (int) w.size(1);
        MemorySegment src = ElementAccess.segment(w);
        for (int j = 0; j < rows; j++) {
            for (int p = 0; p < cols; p++) {
                double expected = ElementAccess.getDouble(src, w.dtype(), w.storageOffset() + j * w.stride(0) + p * w.stride(1));
                double actual = ElementAccess.getDouble(t, w.dtype(), (long) p * rows + j);
                if (expected != actual) assertEquals(expected, actual, what + " at row " + j + " column " + p);
            }
        }
    }

    @Test
    void keptLayoutIsReusedUntilTheWeightsBytesChange() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            TransposedWeights cache = new TransposedWeights();
            Tensor w = matrix(dtype, 4 * 17, 17, draw(dtype, 4 * 17 * 17, 11, 1), Layout.CONTIGUOUS);
            assertTransposeOf(w, cache.of(w), dtype + " first call");
            long hits = cache.hits(), layouts = cache.layouts();
            assertTransposeOf(w, cache.of(w), dtype + " second call");
            assertEquals(hits + 1, cache.hits(), dtype + ": the second call with the same bytes reuses the layout");
            assertEquals(layouts, cache.layouts());

            // one element written straight to memory: no version bump, and the layout must still follow
            ElementAccess.setDouble(ElementAccess.segment(w), dtype, w.storageOffset() + 5 * 17 + 3, 42.5);
            assertTransposeOf(w, cache.of(w), dtype + " after a write behind the tensor");
            assertEquals(layouts + 1, cache.layouts(), dtype + ": a changed weight is laid out again");
        }
    }

    /**
     * {@code stripsOf} and {@link StripGemv}: x @ W^T against the definition summed in double, on odd sizes, from
     * a contiguous weight (kept: the second call reuses the strips, a write behind the tensor lays them out again)
     * and a strided one (laid out every call).
     */
    @Test
    void stripProductIsTheRowTimesTheTransposeAsItIsNow() {
        for (int n : new int[] {1, 7, 17, 1023}) {
            for (int k : new int[] {1, 7, 17}) {
                for (Layout layout : new Layout[] {Layout.CONTIGUOUS, Layout.TRANSPOSED}) {
                    TransposedWeights cache = new TransposedWeights();
                    Tensor w = matrix(DType.FLOAT32, n, k, draw(DType.FLOAT32, n * k, n + k, 1), layout);
                    float[] x = new float[k];
                    for (int p = 0; p < k; p++) x[p] = (float) Math.sin(p + 1);
                    String what = n + "x" + k + " " + layout;
                    assertStripProduct(w, x, cache.stripsOf(w, StripGemv.WIDTH), what);
                    long layouts = cache.layouts();
                    assertStripProduct(w, x, cache.stripsOf(w, StripGemv.WIDTH), what + " second call");
                    boolean rowMajor = w.stride(1) == 1 && w.stride(0) == k;
                    assertEquals(rowMajor ? layouts : layouts + 1, cache.layouts(), what + ": kept only when row-major");
                    ElementAccess.setDouble(ElementAccess.segment(w), DType.FLOAT32, w.storageOffset() + (n - 1) * w.stride(0), 42.5);
                    assertStripProduct(w, x, cache.stripsOf(w, StripGemv.WIDTH), what + " after a write behind the tensor");
                }
            }
        }
    }

    private static void assertStripProduct(Tensor w, float[] x, float[] strips, String what) {
        int n = (int) w.size(0), k = (int) w.size(1);
        float[] out = new float[Math.ceilDiv(n, StripGemv.WIDTH) * StripGemv.WIDTH];
        StripGemv.multiply(x, k, strips, n, out);
        MemorySegment src = ElementAccess.segment(w);
        for (int j = 0; j < out.length; j++) {
            double want = 0;
            for (int p = 0; j < n && p < k; p++) want += x[p] * ElementAccess.getDouble(src, DType.FLOAT32, w.storageOffset() + j * w.stride(0) + p * w.stride(1));
            assertEquals(want, out[j], 1e-4 * (1 + Math.abs(want)), what + " column " + j);
        }
    }

    /** {@code ifUnchanged}: nothing on first sight, the transpose from the second call with the same bytes, nothing after a change. */
    @Test
    void ifUnchangedLaysOutOnTheSecondSightOfTheSameBytes() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            TransposedWeights cache = new TransposedWeights();
            Tensor w = matrix(dtype, 40, 24, draw(dtype, 40 * 24, 3, 1), Layout.CONTIGUOUS);
            MemorySegment src = ElementAccess.segment(w);
            int size = dtype.byteSize();
            assertNull(cache.ifUnchanged(src, w.storageOffset(), 40, 24, size), dtype + ": first sight");
            assertTransposeOf(w, cache.ifUnchanged(src, w.storageOffset(), 40, 24, size), dtype + " second sight");
            assertTransposeOf(w, cache.ifUnchanged(src, w.storageOffset(), 40, 24, size), dtype + " third sight");
            ElementAccess.setDouble(src, dtype, w.storageOffset() + 39 * 24 + 23, -7);
            assertNull(cache.ifUnchanged(src, w.storageOffset(), 40, 24, size), dtype + ": changed bytes");
            assertTransposeOf(w, cache.ifUnchanged(src, w.storageOffset(), 40, 24, size), dtype + " unchanged again");
        }
    }

    @Test
    void moreWeightsThanEntriesAndStridedOrLargeWeightsStayCorrect() {
        TransposedWeights cache = new TransposedWeights();
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor[] weights = new Tensor[TransposedWeights.ENTRIES + 2];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = matrix(dtype, 4 * 9, 9, draw(dtype, 4 * 9 * 9, 100 + i, 1), Layout.CONTIGUOUS);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < weights.length; i++) assertTransposeOf(weights[i], cache.of(weights[i]), dtype + " weight " + i + " round " + round);
            }
            for (Layout layout : new Layout[] {Layout.ROW_STRIDED, Layout.TRANSPOSED}) {
                Tensor w = matrix(dtype, 4 * 7, 7, draw(dtype, 4 * 7 * 7, 7, 1), layout);
                long layouts = cache.layouts();
                assertTransposeOf(w, cache.of(w), dtype + " " + layout);
                assertTransposeOf(w, cache.of(w), dtype + " " + layout + " again");
                assertEquals(layouts + 2, cache.layouts(), dtype + " " + layout + ": views are laid out on every call");
            }
            int hidden = (int) Math.sqrt(TransposedWeights.MAX_KEPT_BYTES / 4.0 / dtype.byteSize()) + 1;
            Tensor large = matrix(dtype, 4 * hidden, hidden, draw(dtype, 4 * hidden * hidden, 5, 1), Layout.CONTIGUOUS);
            long layouts = cache.layouts();
            assertTransposeOf(large, cache.of(large), dtype + " large");
            assertTransposeOf(large, cache.of(large), dtype + " large again");
            assertEquals(layouts + 2, cache.layouts(), dtype + ": a weight above the kept size is laid out on every call");
        }
    }
}
