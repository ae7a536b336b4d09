package dev.jtorch.tensor;

import net.jqwik.api.Assume;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broadcasting of add, mul and where against {@link Ref}: random broadcastable shape pairs (and triples for
 * where), each operand possibly a non-contiguous (transposed) view, in several dtypes. Results must match
 * exactly: each element is one correctly rounded operation.
 */
class BroadcastPropertiesTest {

    /** An operand's shape: the trailing {@code rank - drop} dims of the result, with the dims in {@code ones} set to 1. */
    static long[] operandShape(long[] result, int drop, int ones) {
        int r = Math.max(0, result.length - drop);
        long[] s = Arrays.copyOfRange(result, result.length - r, result.length);
        for (int i = 0; i < r; i++) if ((ones >> i & 1) != 0) s[i] = 1;
        return s;
    }

    static long[] toShape(List<Integer> dims) { return dims.stream().mapToLong(Integer::longValue).toArray(); }

    /** A tensor holding {@code ref}, laid out transposed (non-contiguous) when asked and possible. */
    static Tensor tensorOf(Ref ref, DType dtype, boolean transposed) {
        Tensor logical = Tensor.of(ref.data).reshape(ref.shape).to(dtype);
        int r = ref.shape.length;
        if (!transposed || r < 2) return logical.clone();
        long[] rev = new long[r];
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            rev[i] = ref.shape[r - 1 - i];
            perm[i] = r - 1 - i;
        }
        Tensor view = Tensor.zeros(rev, dtype).permute(perm);
        view.copy_(logical);
        return view;
    }

    static Ref randomRef(long[] shape, DType dtype, Random r) {
        double[] v = new double[(int) Ref.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (dtype) {
                case FLOAT32 -> (float) (r.nextGaussian() * 10);
                case FLOAT64 -> r.nextGaussian() * 10;
                case INT64, INT32 -> r.nextInt(201) - 100;
                case BOOL -> r.nextBoolean() ? 1 : 0;
            };
        }
        return new Ref(shape, v);
    }

    @Provide
    Arbitrary<DType> arithmeticDtypes() { return Arbitraries.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32); }

    @Property(tries = 300)
    void addAndMulBroadcastLikeTheReference(
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 4) Integer> resultDims,
            @ForAll @IntRange(max = 4) int dropA, @ForAll @IntRange(max = 15) int onesA, @ForAll boolean transposeA,
            @ForAll @IntRange(max = 4) int dropB, @ForAll @IntRange(max = 15) int onesB, @ForAll boolean transposeB,
            @ForAll("arithmeticDtypes") DType dtype, @ForAll long seed) {
        long[] result = toShape(resultDims);
        long[] sa = operandShape(result, dropA, onesA), sb = operandShape(result, dropB, onesB);
        long[] expectedShape = Ref.broadcastShape(sa, sb);
        Random r = new Random(seed);
        Ref ra = randomRef(sa, dtype, r), rb = randomRef(sb, dtype, r);
        Tensor a = tensorOf(ra, dtype, transposeA), b = tensorOf(rb, dtype, transposeB);

        Tensor sum = a.add(b), prod = a.mul(b);
        assertArrayEquals(expectedShape, sum.shape(), "add shape of " + Arrays.toString(sa) + " and " + Arrays.toString(sb));
        assertArrayEquals(expectedShape, prod.shape());
        assertEquals(dtype, sum.dtype());
        Ref wantSum = Ref.build(expectedShape, idx -> round(dtype, ra.atBroadcast(idx) + rb.atBroadcast(idx)));
        Ref wantProd = Ref.build(expectedShape, idx -> round(dtype, ra.atBroadcast(idx) * rb.atBroadcast(idx)));
        assertArrayEquals(wantSum.data, sum.toDoubleArray(), 0.0, "add");
        assertArrayEquals(wantProd.data, prod.toDoubleArray(), 0.0, "mul");
        // the operation commutes, whichever operand is broadcast
        assertArrayEquals(wantSum.data, b.add(a).toDoubleArray(), 0.0, "add commuted");
    }

    @Property(tries = 200)
    void whereBroadcastsAllThreeOperands(
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 3) Integer> resultDims,
            @ForAll @IntRange(max = 4) int dropC, @ForAll @IntRange(max = 15) int onesC,
            @ForAll @IntRange(max = 4) int dropA, @ForAll @IntRange(max = 15) int onesA, @ForAll boolean transposeA,
            @ForAll @IntRange(max = 4) int dropB, @ForAll @IntRange(max = 15) int onesB,
            @ForAll("arithmeticDtypes") DType dtype, @ForAll long seed) {
        long[] result = toShape(resultDims);
        long[] sc = operandShape(result, dropC, onesC), sa = operandShape(result, dropA, onesA), sb = operandShape(result, dropB, onesB);
        long[] expectedShape = Ref.broadcastShape(Ref.broadcastShape(sc, sa), sb);
        Random r = new Random(seed);
        Ref rc = randomRef(sc, DType.BOOL, r), ra = randomRef(sa, dtype, r), rb = randomRef(sb, dtype, r);
        Tensor out = Tensor.where(tensorOf(rc, DType.BOOL, true), tensorOf(ra, dtype, transposeA), tensorOf(rb, dtype, false));
        assertArrayEquals(expectedShape, out.shape());
        Ref want = Ref.build(expectedShape, idx -> rc.atBroadcast(idx) != 0 ? ra.atBroadcast(idx) : rb.atBroadcast(idx));
        assertArrayEquals(want.data, out.toDoubleArray(), 0.0);
    }

    @Property(tries = 100)
    void incompatibleShapesAreRejectedNamingBothShapes(
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 4) Integer> dims,
            @ForAll @IntRange(max = 3) int at, @ForAll @IntRange(min = 2, max = 5) int x, @ForAll @IntRange(min = 2, max = 5) int y) {
        Assume.that(x != y);
        long[] sa = toShape(dims), sb = toShape(dims);
        int d = at % sa.length;
        sa[d] = x;
        sb[d] = y;
        Tensor a = Tensor.zeros(sa), b = Tensor.zeros(sb);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("(" + x + ")") && e.getMessage().contains("(" + y + ")"), e.getMessage());
        assertTrue(e.getMessage().contains(Arrays.toString(sa)) && e.getMessage().contains(Arrays.toString(sb)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.where(Tensor.zeros(sa, DType.BOOL), a, b));
    }

    static double round(DType dtype, double v) {
        return switch (dtype) {
            case FLOAT32 -> (float) v;
            case INT32 -> (int) v;
            default -> v;
        };
    }
}
