package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp over a run of floats, in place, from multiplies, adds and bit shifts only.
 *
 * <p>Why not {@code lanewise(EXP)} in the kernels, or an {@code exp(FloatVector)} helper: a vector that crosses a
 * call the JIT did not inline is boxed, and a helper compiled on its own sees only the abstract {@code FloatVector}
 * type, so none of its operations are intrinsified and each allocates (JFR showed a kilobyte per LSTM cell in
 * {@code FloatVector.lanewiseTemplate}). Here the vectors never leave this loop; kernels stage their exponents in a
 * float array, call this once, and read the results back.
 *
 * <p>exp(x) = 2^n e^r with n = round(x / ln 2) and |r| <= ln(2)/2, e^r from Cephes' degree-6 minimax polynomial
 * for {@code expf} (within 2 ulp of {@link Math#exp}). 2^n is built in the exponent bits in two halves, so results
 * between e^-104 and e^-87.3 come out as the right subnormals; below e^-104 the result rounds to 0, above e^88.72
 * it overflows to infinity, and NaN stays NaN. The tail past the last full vector uses {@link Math#exp}.
 */
final class FloatVectorMath {
    private FloatVectorMath() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HI + LN2_LO, the high part exact in few bits so that n * LN2_HI is exact (Cody and Waite). */
    static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float below 2^22 to the nearest integer, which then sits in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float LOWEST = -104f, HIGHEST = 88.8f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** a[i] = exp(a[i]) for i in [from, to). */
    static void expInPlace(float[] a, int from, int to) {
        FloatVector minusLn2Hi = FloatVector.broadcast(S, -LN2_HI), minusLn2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector lowest = FloatVector.broadcast(S, LOWEST), highest = FloatVector.broadcast(S, HIGHEST);
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            // clamped by compare and blend, not max and min: Java's max and min order NaN and the signed zeros, five
            // instructions each on AVX2 against two; a NaN compares false either way and passes through unchanged
            FloatVector x = FloatVector.fromArray(S, a, i);
            x = x.blend(lowest, x.lt(lowest));
            x = x.blend(highest, highest.lt(x));
            FloatVector shifted = x.fma(LOG2E, ROUNDER);
            FloatVector n = shifted.sub(ROUNDER);
            IntVector k = shifted.reinterpretAsInts().sub(ROUNDER_BITS);
            FloatVector r = n.fma(minusLn2Hi, x);
            r = n.fma(minusLn2Lo, r);
            FloatVector p = r.fma(P0, P1);
            p = p.fma(r, FloatVector.broadcast(S, P2));
            p = p.fma(r, FloatVector.broadcast(S, P3));
            p = p.fma(r, FloatVector.broadcast(S, P4));
            p = p.fma(r, FloatVector.broadcast(S, P5));
            FloatVector er = p.fma(r.mul(r), r.add(1f));
            IntVector half = k.lanewise(VectorOperators.ASHR, 1);
            FloatVector scaleA = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector scaleB = k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            er.mul(scaleA).mul(scaleB).intoArray(a, i);
        }
        for (; i < to; i++) a[i] = (float) Math.exp(a[i]);
    }
}
