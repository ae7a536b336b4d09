package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.*;

class ElementwiseKernelsTest {

    /** A view of a freshly filled storage tensor and the logical values it should hold. */
    record View(Tensor tensor, double[] values) {
        static View of(DType t, double[] storage, long[] shape, long[] strides, long offset) {
            double[] stored = asStored(t, storage);
            Tensor base = TestTensors.tensor(t, new long[]{storage.length}, storage);
            return new View(base.asStrided(shape, strides, offset), view(stored, shape, strides, offset));
        }

        static View contiguous(DType t, long[] shape, double[] values) {
            return of(t, values, shape, contiguousStrides(shape), 0);
        }
    }

    record Case(String name, long[] shape, View a, View b) {}

    private static double[] data(DType t, int n, long seed) {
        return switch (t) {
            case BOOL -> { double[] v = smallInts(n, seed); for (int i = 0; i < n; i++) v[i] = v[i] > 0 ? 1 : 0; yield v; }
            case INT64, INT32 -> smallInts(n, seed);
            default -> uniform(n, seed, -3, 3);
        };
    }

    /** Layouts every elementwise kernel must handle: odd sizes, transposes, steps, broadcasts, 0-dim, empty. */
    static List<Case> cases(DType t) {
        List<Case> cases = new ArrayList<>();
        for (int n : new int[]{1, 7, 17, 1023}) {
            long[] s = {n};
            cases.add(new Case("contiguous " + n, s, View.contiguous(t, s, data(t, n, n)), View.contiguous(t, s, data(t, n, n + 1))));
        }
        cases.add(new Case("transposed a", new long[]{7, 17},
                View.of(t, data(t, 119, 3), new long[]{7, 17}, new long[]{1, 7}, 0),
                View.contiguous(t, new long[]{7, 17}, data(t, 119, 4))));
        cases.add(new Case("stepped a, broadcast row b", new long[]{5, 9},
                View.of(t, data(t, 200, 5), new long[]{5, 9}, new long[]{40, 2}, 3),
                View.of(t, data(t, 9, 6), new long[]{5, 9}, new long[]{0, 1}, 0)));
        cases.add(new Case("scalar b", new long[]{1023},
                View.contiguous(t, new long[]{1023}, data(t, 1023, 7)),
                View.of(t, data(t, 1, 8), new long[]{1023}, new long[]{0}, 0)));
        cases.add(new Case("scalar a", new long[]{3, 37},
                View.of(t, data(t, 2, 9), new long[]{3, 37}, new long[]{0, 0}, 1),
                View.contiguous(t, new long[]{3, 37}, data(t, 111, 10))));
        cases.add(new Case("column-broadcast b", new long[]{3, 1023},
                View.contiguous(t, new long[]{3, 1023}, data(t, 3069, 11)),
                View.of(t, data(t, 3, 12), new long[]{3, 1023}, new long[]{1, 0}, 0)));
        cases.add(new Case("both broadcast", new long[]{4, 5},
                View.of(t, data(t, 5, 13), new long[]{4, 5}, new long[]{0, 1}, 0),
                View.of(t, data(t, 4, 14), new long[]{4, 5}, new long[]{1, 0}, 0)));
        cases.add(new Case("0-dim", new long[]{},
                View.of(t, data(t, 3, 15), new long[]{}, new long[]{}, 2),
                View.of(t, data(t, 1, 16), new long[]{}, new long[]{}, 0)));
        cases.add(new Case("empty", new long[]{0, 3},
                View.contiguous(t, new long[]{0, 3}, new double[0]),
                View.contiguous(t, new long[]{0, 3}, new double[0])));
        return cases;
    }

    private static boolean applies(BinaryOp op, DType t) {
        if (op == BinaryOp.DIV) return t.isFloatingPoint();   // the tensor layer promotes integer division
        if (t == DType.BOOL) return op != BinaryOp.SUB && op != BinaryOp.POW;
        return true;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void binaryMatchesReferenceOnEveryLayout(DType t) {
        for (BinaryOp op : BinaryOp.values()) {
            if (!applies(op, t)) continue;
            for (Case c : cases(t)) {
                DType outType = op.writesBool() ? DType.BOOL : t;
                Tensor out = empty(outType, c.shape());
                CPU.binary(op, c.a().tensor(), c.b().tensor(), out);
                double[] expected = new double[c.a().values().length];
                for (int i = 0; i < expected.length; i++) expected[i] = Reference.binary(op, t, c.a().values()[i], c.b().values()[i]);
                double rtol = op == BinaryOp.POW ? 1e-6 : 0;
                assertClose(expected, values(out), rtol, 0, op + " " + t + " " + c.name());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void binaryIntoTransposedDestinationAndInPlace(DType t) {
        double[] storage = uniform(119, 21, -2, 2);
        View a = View.contiguous(t, new long[]{7, 17}, uniform(119, 22, -2, 2));
        View b = View.of(t, uniform(17, 23, -2, 2), new long[]{7, 17}, new long[]{0, 1}, 0);
        Tensor base = tensor(t, new long[]{119}, storage);
        Tensor dst = base.asStrided(new long[]{7, 17}, new long[]{1, 7}, 0);
        CPU.binary(BinaryOp.MUL, a.tensor(), b.tensor(), dst);
        double[] expected = new double[119];
        for (int i = 0; i < 119; i++) expected[i] = Reference.binary(BinaryOp.MUL, t, a.values()[i], b.values()[i]);
        assertClose(expected, values(dst), 0, 0, "mul into transposed dst");

        CPU.binary(BinaryOp.ADD, a.tensor(), b.tensor(), a.tensor());   // dst aliases a
        for (int i = 0; i < 119; i++) expected[i] = Reference.binary(BinaryOp.ADD, t, a.values()[i], b.values()[i]);
        assertClose(expected, values(a.tensor()), 0, 0, "in-place add");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void maximumMinimumAndReluPropagateNaN(DType t) {
        int n = 37;   // spans vector body and tail
        double[] x = uniform(n, 31, -1, 1), y = uniform(n, 32, -1, 1);
        x[3] = Double.NaN;
        y[20] = Double.NaN;
        x[36] = Double.NaN;
        Tensor a = tensor(t, new long[]{n}, x), b = tensor(t, new long[]{n}, y);
        for (BinaryOp op : new BinaryOp[]{BinaryOp.MAXIMUM, BinaryOp.MINIMUM}) {
            Tensor out = empty(t, n);
            CPU.binary(op, a, b, out);
            double[] got = values(out);
            assertTrue(Double.isNaN(got[3]) && Double.isNaN(got[20]) && Double.isNaN(got[36]), op + " must propagate NaN");
            assertFalse(Double.isNaN(got[0]));
        }
        Tensor r = empty(t, n);
        CPU.unary(UnaryOp.RELU, a, r);
        double[] got = values(r);
        assertTrue(Double.isNaN(got[3]) && Double.isNaN(got[36]), "relu(NaN) is NaN");
    }

    private static boolean applies(UnaryOp op, DType t) {
        if (t.isFloatingPoint()) return true;
        return switch (op) {
            case NEG, ABS, SIGN, RELU -> t != DType.BOOL;
            case LOGICAL_NOT -> true;
            default -> false;
        };
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void unaryMatchesReferenceOnEveryLayout(DType t) {
        for (UnaryOp op : UnaryOp.values()) {
            if (!applies(op, t)) continue;
            for (Case c : cases(t)) {
                DType outType = op == UnaryOp.LOGICAL_NOT ? DType.BOOL : t;
                Tensor out = empty(outType, c.shape());
                CPU.unary(op, c.a().tensor(), out);
                double[] expected = new double[c.a().values().length];
                for (int i = 0; i < expected.length; i++) expected[i] = Reference.unary(op, t, c.a().values()[i]);
                double rtol = t == DType.FLOAT32 ? 2e-6 : 1e-14;
                assertClose(expected, values(out), rtol, t == DType.FLOAT32 ? 1e-7 : 1e-15, op + " " + t + " " + c.name());
            }
        }
    }

    /**
     * Float32 log's polynomial over positive normals from 1e-37 to 3e38 (both mantissa halves, every exponent) within
     * 2 ulp of the correctly rounded log; rows holding zero, a negative, a subnormal, infinity or NaN give what
     * Math.log gives, lane for lane.
     */
    @Test
    void float32LogOverEveryExponentAndTheSpecialValues() {
        int n = 4096;
        double[] x = new double[n];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < n; i++) x[i] = (float) Math.exp(-85 + 173.0 * i / n) * (float) (1 + random.nextDouble());
        x[n - 1] = Float.MAX_VALUE;
        double[] got = unaryOf(UnaryOp.LOG, x);
        for (int i = 0; i < n; i++) {
            float want = (float) Math.log(x[i]);
            assertTrue(Math.abs(got[i] - want) <= 2 * Math.ulp(want), "log(" + x[i] + ") = " + got[i] + ", want " + want);
        }
        double[] special = {2, 0, -0.0, -1, Float.MIN_VALUE, 1e-40, Double.POSITIVE_INFINITY, Double.NaN, 3, 0.5, 7, 1, 1.5, 9, 11, 13, 17};
        double[] out = unaryOf(UnaryOp.LOG, special);
        for (int i = 0; i < special.length; i++) {
            float v = (float) special[i], want = (float) Math.log(v);
            boolean normal = v >= Float.MIN_NORMAL && v < Float.POSITIVE_INFINITY;
            if (normal) assertTrue(Math.abs(out[i] - want) <= 2 * Math.ulp(want), "log(" + v + ") = " + out[i]);
            else assertEquals(want, (float) out[i], "log(" + v + ")");
        }
    }

    private static double[] unaryOf(UnaryOp op, double[] x) {
        Tensor in = tensor(DType.FLOAT32, new long[] {x.length}, x), out = empty(DType.FLOAT32, x.length);
        CPU.unary(op, in, out);
        return values(out);
    }

    @Test
    void signOfZeroIsZeroAndErfHitsKnownValues() {
        Tensor x = tensor(DType.FLOAT64, new long[]{7}, 0, -0.0, 0.1, 0.5, 1, 2, -3);
        Tensor s = empty(DType.FLOAT64, 7);
        CPU.unary(UnaryOp.SIGN, x, s);
        assertArrayEquals(new double[]{0, 0, 1, 1, 1, 1, -1}, values(s));
        Tensor e = empty(DType.FLOAT64, 7);
        CPU.unary(UnaryOp.ERF, x, e);
        assertClose(new double[]{0, 0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527,
                -0.9999779095030014}, values(e), 1e-15, 1e-16, "erf");
    }

    @Test
    void copyCastsAsPyTorch() {
        Tensor f = tensor(DType.FLOAT64, new long[]{6}, -2.7, -0.5, 0, 0.5, 2.7, Double.NaN);
        Tensor i = empty(DType.INT64, 6);
        CPU.copy(f, i);
        assertArrayEquals(new long[]{-2, 0, 0, 0, 2, 0}, longValues(i));
        Tensor i32 = empty(DType.INT32, 6);
        CPU.copy(f, i32);
        assertArrayEquals(new double[]{-2, 0, 0, 0, 2, 0}, values(i32));
        Tensor b = empty(DType.BOOL, 6);
        CPU.copy(f, b);
        assertArrayEquals(new double[]{1, 1, 0, 1, 1, 1}, values(b));
        Tensor big = longs(new long[]{2}, (1L << 53) + 1, -7);
        Tensor back = empty(DType.INT64, 2);
        CPU.copy(big, back);   // same dtype: bits, no detour through double
        assertArrayEquals(new long[]{(1L << 53) + 1, -7}, longValues(back));
        Tensor asFloat = empty(DType.FLOAT32, 2);
        CPU.copy(big, asFloat);
        assertArrayEquals(new double[]{(float) ((1L << 53) + 1), -7}, values(asFloat));
        Tensor fromBool = empty(DType.FLOAT32, 6);
        CPU.copy(b, fromBool);
        assertArrayEquals(new double[]{1, 1, 0, 1, 1, 1}, values(fromBool));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void copyBetweenEveryDtypeAndLayout(DType t) {
        for (DType to : DType.values()) {
            for (Case c : cases(t)) {
                Tensor out = empty(to, c.shape());
                CPU.copy(c.a().tensor(), out);
                double[] expected = new double[c.a().values().length];
                for (int i = 0; i < expected.length; i++) expected[i] = Reference.store(to, c.a().values()[i]);
                assertClose(expected, values(out), 0, 0, "copy " + t + " -> " + to + " " + c.name());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fillWritesEveryElementOfAStridedView(DType t) {
        Tensor base = tensor(t, new long[]{60}, new double[60]);
        Tensor view = base.asStrided(new long[]{3, 4}, new long[]{20, 3}, 1);
        CPU.fill(view, 5.9);
        double[] all = values(base);
        double expected = Reference.store(t, 5.9);
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) assertEquals(expected, all[1 + r * 20 + c * 3]);
        assertEquals(0, all[0]);
        assertEquals(0, all[2]);
        CPU.fill(base, 0);
        for (double v : values(base)) assertEquals(0, v);
        Tensor scalar = empty(t);
        CPU.fill(scalar, 1);
        assertArrayEquals(new double[]{1}, values(scalar));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void fillOfContiguousRowsWritesExactlyTheRow(DType t) {
        // the vector path and its scalar tail, at sizes around the lane count, inside a larger storage
        for (int n : new int[] {1, 7, 17, 1023}) {
            Tensor base = tensor(t, new long[]{n + 2}, new double[n + 2]);
            CPU.fill(base.asStrided(new long[]{n}, new long[]{1}, 1), -2.75);
            double[] all = values(base);
            assertEquals(0, all[0], "before the row, n=" + n);
            assertEquals(0, all[n + 1], "after the row, n=" + n);
            for (int i = 1; i <= n; i++) assertEquals(-2.75, all[i], "element " + i + " of " + n);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void whereBroadcastsCondition(DType t) {
        Tensor cond = tensor(DType.BOOL, new long[]{5}, 1, 0, 1, 1, 0);
        Tensor condRows = cond.asStrided(new long[]{3, 5}, new long[]{0, 1}, 0);
        View a = View.of(t, data(t, 30, 41), new long[]{3, 5}, new long[]{1, 3}, 2);
        View b = View.of(t, data(t, 1, 42), new long[]{3, 5}, new long[]{0, 0}, 0);
        Tensor out = empty(t, 3, 5);
        CPU.where(condRows, a.tensor(), b.tensor(), out);
        double[] expected = new double[15];
        int[] c = {1, 0, 1, 1, 0};
        for (int i = 0; i < 15; i++) expected[i] = c[i % 5] == 1 ? a.values()[i] : b.values()[i];
        assertClose(expected, values(out), 0, 0, "where " + t);
    }

    @Test
    void largeInputsSplitAcrossThreadsGiveTheSameAnswer() {
        int n = 3 * Math.toIntExact(IntraOpPool.DEFAULT_GRAIN) + 5;
        double[] x = uniform(n, 51, -1, 1);
        Tensor a = tensor(DType.FLOAT32, new long[]{n}, x);
        Tensor out = empty(DType.FLOAT32, n);
        CPU.unary(UnaryOp.NEG, a, out);
        double[] got = values(out);
        for (int i = 0; i < n; i++) assertEquals(-(float) x[i], got[i]);
    }
}
