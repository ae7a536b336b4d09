package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.*;

/** The allocation-free flat paths against a plain loop: odd sizes, offset views, bias rows, scalars, and what they decline. */
class FlatElementwiseTest {
    private static final int[] SIZES = {1, 7, 17, 1023};

    /** A view of {@code shape} over fresh storage with the given strides and offset, and the values each element reads. */
    private static Tensor view(DType t, long[] shape, long[] strides, long offset, long seed) {
        long span = offset + 1;
        for (int d = 0; d < shape.length; d++) span += (shape[d] - 1) * strides[d];
        Tensor base = tensor(t, new long[] {span}, uniform((int) span, seed, -3, 3));
        return base.asStrided(shape, strides, offset);
    }

    @Test void periodTellsContiguousBroadcastRowsAndScalarsFromTheRest() {
        assertEquals(12, FlatElementwise.period(view(DType.FLOAT32, new long[] {3, 4}, new long[] {4, 1}, 5, 1)));
        assertEquals(4, FlatElementwise.period(view(DType.FLOAT32, new long[] {3, 4}, new long[] {0, 1}, 0, 1)), "a bias row");
        assertEquals(1, FlatElementwise.period(view(DType.FLOAT32, new long[] {3, 4}, new long[] {0, 0}, 2, 1)), "a scalar");
        assertEquals(4, FlatElementwise.period(view(DType.FLOAT32, new long[] {3, 1, 4}, new long[] {0, 9, 1}, 0, 1)), "size-1 dims ignored");
        assertEquals(-1, FlatElementwise.period(view(DType.FLOAT32, new long[] {3, 4}, new long[] {1, 3}, 0, 1)), "transposed");
        assertEquals(-1, FlatElementwise.period(view(DType.FLOAT32, new long[] {3, 4}, new long[] {1, 0}, 0, 1)), "a broadcast column");
        assertEquals(-1, FlatElementwise.period(view(DType.FLOAT32, new long[] {3, 4}, new long[] {8, 1}, 0, 1)), "rows with a gap");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void binaryMatchesTheReferenceOnFlatLayouts(DType t) {
        for (int n : SIZES) {
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM}) {
                long[] shape = {3, n};
                Tensor contiguous = view(t, shape, new long[] {n, 1}, 3, n);           // at an offset
                Tensor row = view(t, shape, new long[] {0, 1}, 1, n + 1);               // bias row
                Tensor scalar = view(t, shape, new long[] {0, 0}, 2, n + 2);
                assertBinary(op, contiguous, row);
                assertBinary(op, row, contiguous);
                assertBinary(op, scalar, contiguous);
                assertBinary(op, contiguous, scalar);
                assertBinary(op, row, scalar);
            }
        }
    }

    private static void assertBinary(BinaryOp op, Tensor a, Tensor b) {
        Tensor dst = empty(a.dtype(), a.shape());
        assertTrue(FlatElementwise.binary(op, a, b, dst), "flat layouts are taken");
        double[] x = values(a), y = values(b), got = values(dst);
        for (int i = 0; i < got.length; i++) {
            assertEquals(Reference.binary(op, a.dtype(), x[i], y[i]), got[i], 1e-6 * Math.max(1, Math.abs(got[i])), op + " element " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void unaryCopyAndFillMatchTheReference(DType t) {
        for (int n : SIZES) {
            Tensor src = view(t, new long[] {n}, new long[] {1}, 5, n);
            double[] x = values(src);
            for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.NEG}) {
                Tensor dst = empty(t, n);
                assertTrue(FlatElementwise.unary(op, src, dst));
                double[] got = values(dst);
                for (int i = 0; i < n; i++) assertEquals(Reference.unary(op, t, x[i]), got[i], 1e-5 * Math.max(1, Math.abs(got[i])), op + " element " + i);
            }
            Tensor repeated = view(t, new long[] {3, n}, new long[] {0, 1}, 5, n);
            Tensor copy = empty(t, 3, n);
            // a repeated single element is a broadcast scalar: a fill, which the general walk does
            assertEquals(n > 1, FlatElementwise.copy(repeated, copy), "copy of a repeated row of " + n);
            if (n > 1) assertArrayEquals(values(repeated), values(copy), 0);
            Tensor filled = empty(t, n);
            assertTrue(FlatElementwise.fill(filled, -1.5));
            for (double v : values(filled)) assertEquals(-1.5, v);
        }
    }

    @Test void otherLayoutsDtypesAndOpsAreLeftToTheGeneralWalk() {
        Tensor transposed = view(DType.FLOAT32, new long[] {7, 17}, new long[] {1, 7}, 0, 1);
        Tensor contiguous = view(DType.FLOAT32, new long[] {7, 17}, new long[] {17, 1}, 0, 2);
        Tensor dst = tensor(DType.FLOAT32, new long[] {7, 17}, new double[119]);
        assertFalse(FlatElementwise.binary(BinaryOp.ADD, transposed, contiguous, dst));
        assertFalse(FlatElementwise.unary(UnaryOp.RELU, transposed, dst));
        assertFalse(FlatElementwise.copy(transposed, dst));
        assertFalse(FlatElementwise.binary(BinaryOp.POW, contiguous, contiguous, dst), "not a vectorised op");
        assertFalse(FlatElementwise.fill(dst.asStrided(new long[] {7, 8}, new long[] {17, 2}, 0), 1), "strided dst");
        Tensor ints = tensor(DType.INT64, new long[] {4}, 1, 2, 3, 4);
        assertFalse(FlatElementwise.binary(BinaryOp.ADD, ints, ints, empty(DType.INT64, 4)));
        for (double v : values(dst)) assertEquals(0, v, "declining writes nothing");
    }
}
