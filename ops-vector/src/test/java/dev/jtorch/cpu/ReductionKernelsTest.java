package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.ReduceOp;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.*;

class ReductionKernelsTest {

    /** Reference reduction of a row-major [d0, d1, d2] array over the dims flagged in {@code reduce}. */
    private static double[] reduceRef(ReduceOp op, double[] x, long[] shape, boolean[] reduce) {
        long[] outShape = shape.clone();
        for (int d = 0; d < 3; d++) if (reduce[d]) outShape[d] = 1;
        double[] out = new double[(int) numel(outShape)];
        double init = switch (op) { case SUM -> 0; case PROD -> 1; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY; };
        java.util.Arrays.fill(out, init);
        for (int i = 0; i < shape[0]; i++) for (int j = 0; j < shape[1]; j++) for (int k = 0; k < shape[2]; k++) {
            double v = x[(int) ((i * shape[1] + j) * shape[2] + k)];
            int o = (int) (((reduce[0] ? 0 : i) * outShape[1] + (reduce[1] ? 0 : j)) * outShape[2] + (reduce[2] ? 0 : k));
            out[o] = switch (op) {
                case SUM -> out[o] + v;
                case PROD -> out[o] * v;
                case MAX -> Double.isNaN(v) || v > out[o] ? v : out[o];
                case MIN -> Double.isNaN(v) || v < out[o] ? v : out[o];
            };
            if (Double.isNaN(v)) out[o] = v;
        }
        return out;
    }

    /** Float32 sums over leading dims of contiguous tensors (the column-band path), every mask, odd sizes and blocks. */
    @Test
    void contiguousFloatSumsOverEverySubsetOfDims() {
        long[][] shapes = {{1, 1, 8}, {7, 1, 17}, {2, 3, 33}, {1023, 1, 9}, {3, 700, 40}, {5, 4, 1}};
        for (long[] shape : shapes) {
            int n = (int) numel(shape);
            double[] raw = uniform(n, 3, -1, 1.5);
            double[] stored = asStored(DType.FLOAT32, raw);
            Tensor x = tensor(DType.FLOAT32, shape, stored);
            for (int mask = 1; mask < 8; mask++) {
                boolean[] reduce = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
                long[] outShape = shape.clone();
                for (int d = 0; d < 3; d++) if (reduce[d]) outShape[d] = 1;
                Tensor out = empty(DType.FLOAT32, outShape);
                CPU.reduce(ReduceOp.SUM, x, out);
                double[] expected = reduceRef(ReduceOp.SUM, stored, shape, reduce);
                for (int i = 0; i < expected.length; i++) expected[i] = Reference.store(DType.FLOAT32, expected[i]);
                assertClose(expected, values(out), 1e-6, 1e-6, java.util.Arrays.toString(shape) + " mask " + mask);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everySubsetOfDimsOnATransposedView(DType t) {
        long[] shape = {3, 5, 7};
        double[] raw = t == DType.BOOL ? uniform(105, 1, 0, 2) : t.isFloatingPoint() ? uniform(105, 1, 0.5, 1.5) : smallInts(105, 1);
        if (t == DType.BOOL) for (int i = 0; i < raw.length; i++) raw[i] = Math.floor(raw[i]);
        double[] stored = asStored(t, raw);
        // storage laid out as [7, 5, 3]; the view [3, 5, 7] reads it transposed
        Tensor base = tensor(t, new long[]{105}, stored);
        Tensor view = base.asStrided(shape, new long[]{1, 3, 15}, 0);
        double[] logical = view(stored, shape, new long[]{1, 3, 15}, 0);
        for (ReduceOp op : ReduceOp.values()) {
            if (t == DType.BOOL && op == ReduceOp.PROD) continue;
            for (int mask = 0; mask < 8; mask++) {
                boolean[] reduce = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
                long[] outShape = shape.clone();
                for (int d = 0; d < 3; d++) if (reduce[d]) outShape[d] = 1;
                DType outType = op == ReduceOp.SUM && !t.isFloatingPoint() ? DType.INT64 : t;
                Tensor out = empty(outType, outShape);
                CPU.reduce(op, view, out);
                double[] expected = reduceRef(op, logical, shape, reduce);
                for (int i = 0; i < expected.length; i++) expected[i] = Reference.store(outType, expected[i]);
                double rtol = t == DType.FLOAT32 ? 1e-6 : 1e-12;
                assertClose(expected, values(out), rtol, 0, op + " " + t + " mask " + mask);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void fullAndLastDimSumsOfOddAndLargeSizes(DType t) {
        for (int n : new int[]{1, 7, 17, 1023, 100_003}) {
            double[] x = asStored(t, uniform(n, n, -1, 1));
            Tensor a = tensor(t, new long[]{n}, x);
            Tensor out = empty(t, 1);
            CPU.reduce(ReduceOp.SUM, a, out);
            double sum = 0;
            for (double v : x) sum += v;
            assertEquals(Reference.store(t, sum), values(out)[0], t == DType.FLOAT32 ? 1e-4 : 1e-10, "sum of " + n);   // float32: one ulp at the result's magnitude
        }
        Tensor rows = tensor(t, new long[]{3, 1023}, uniform(3069, 9, -1, 1));
        double[] x = values(rows);
        Tensor out = empty(t, 3, 1);
        CPU.reduce(ReduceOp.SUM, rows, out);
        for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int c = 0; c < 1023; c++) s += x[r * 1023 + c];
            assertEquals(s, values(out)[r], 1e-4);
        }
    }

    @Test
    void zeroSizeSumIsZeroAndZeroDimReducesToItself() {
        Tensor empty = empty(DType.FLOAT32, 0, 4);
        Tensor out = empty(DType.FLOAT32, 1, 4);
        CPU.reduce(ReduceOp.SUM, empty, out);
        assertArrayEquals(new double[]{0, 0, 0, 0}, values(out));
        Tensor prod = empty(DType.FLOAT32, 1, 1);
        CPU.reduce(ReduceOp.PROD, empty, prod);
        assertArrayEquals(new double[]{1}, values(prod));
        Tensor scalar = tensor(DType.INT64, new long[]{}, 42);
        Tensor s = empty(DType.INT64);
        CPU.reduce(ReduceOp.MAX, scalar, s);
        assertArrayEquals(new double[]{42}, values(s));
        assertThrows(IllegalArgumentException.class, () -> CPU.reduce(ReduceOp.MAX, empty, empty(DType.FLOAT32, 1, 1)));
    }

    @Test
    void maxAndMinPropagateNaN() {
        Tensor a = tensor(DType.FLOAT32, new long[]{2, 3}, 1, Double.NaN, 3, 4, 5, 6);
        Tensor out = empty(DType.FLOAT32, 2, 1);
        CPU.reduce(ReduceOp.MAX, a, out);
        double[] v = values(out);
        assertTrue(Double.isNaN(v[0]));
        assertEquals(6, v[1]);
        CPU.reduce(ReduceOp.MIN, a, out);
        v = values(out);
        assertTrue(Double.isNaN(v[0]));
        assertEquals(4, v[1]);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64", "INT32"})
    void argReduceFindsTheFirstOccurrence(DType t) {
        // [2, 4, 3] with ties; reduce along each dim of a transposed view
        double[] raw = {1, 5, 5, 2, 0, 2, 7, 7, 1, 3, 3, 0, 9, 9, 0, 4, 1, 4, 2, 8, 8, 0, 6, 6};
        Tensor base = tensor(t, new long[]{24}, raw);
        long[] shape = {2, 4, 3}, strides = {1, 2, 8};
        Tensor view = base.asStrided(shape, strides, 0);
        double[] x = view(asStored(t, raw), shape, strides, 0);
        for (ReduceOp op : new ReduceOp[]{ReduceOp.MAX, ReduceOp.MIN}) {
            for (int dim = 0; dim < 3; dim++) {
                long[] outShape = shape.clone();
                outShape[dim] = 1;
                Tensor values = empty(t, outShape), indices = empty(DType.INT64, outShape);
                CPU.argReduce(op, view, dim, values, indices);
                double[] gotV = values(values);
                long[] gotI = longValues(indices);
                int o = 0;
                for (int i = 0; i < outShape[0]; i++) for (int j = 0; j < outShape[1]; j++) for (int k = 0; k < outShape[2]; k++, o++) {
                    int bestAt = 0;
                    double best = Double.NaN;
                    for (int r = 0; r < shape[dim]; r++) {
                        int ii = dim == 0 ? r : i, jj = dim == 1 ? r : j, kk = dim == 2 ? r : k;
                        double v = x[(int) ((ii * shape[1] + jj) * shape[2] + kk)];
                        if (r == 0 || (op == ReduceOp.MAX ? v > best : v < best)) { best = v; bestAt = r; }
                    }
                    assertEquals(best, gotV[o], op + " value dim " + dim);
                    assertEquals(bestAt, gotI[o], op + " index dim " + dim + " at " + o);
                }
            }
        }
    }

    @Test
    void argMaxReturnsTheFirstNaN() {
        Tensor a = tensor(DType.FLOAT64, new long[]{6}, 1, 9, Double.NaN, 3, Double.NaN, 2);
        Tensor v = empty(DType.FLOAT64, 1), i = empty(DType.INT64, 1);
        CPU.argReduce(ReduceOp.MAX, a, 0, v, i);
        assertTrue(Double.isNaN(values(v)[0]));
        assertEquals(2, longValues(i)[0]);
        CPU.argReduce(ReduceOp.MIN, a, 0, v, i);
        assertEquals(2, longValues(i)[0]);
    }
}
