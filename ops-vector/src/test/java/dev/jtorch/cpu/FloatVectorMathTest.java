package dev.jtorch.cpu;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vector exp against java.lang.Math, element by element, over the whole float range, its edges and odd run lengths. */
class FloatVectorMathTest {

    private static float[] sweep() {
        float[] edges = {0f, -0f, 1e-8f, -1e-8f, 1f, -1f, 10f, -10f, 87f, -87f, -87.5f, -90f, -100f, -103.9f, -104f, -104.5f, -200f,
                88.5f, 88.72f, 88.73f, 89f, 100f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        SplittableRandom random = new SplittableRandom(7);
        float[] x = new float[edges.length + 20_000];
        System.arraycopy(edges, 0, x, 0, edges.length);
        for (int i = edges.length; i < x.length; i++) x[i] = (float) random.nextDouble(-110, 95);
        return x;
    }

    private static void assertExp(float x, float y) {
        float want = (float) Math.exp(x);
        if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) {
            assertEquals(want, y, "exp(" + x + ")");
        } else if (want < Float.MIN_NORMAL) {
            // subnormal results keep fewer mantissa bits: compare in steps of the smallest subnormal
            assertTrue(Math.abs(y - want) <= 2 * Float.MIN_VALUE, "exp(" + x + ") = " + y + ", want " + want);
        } else {
            assertTrue(Math.abs(y - want) <= 2 * Math.ulp(want), "exp(" + x + ") = " + y + ", want " + want);
        }
    }

    @Test void expIsWithinTwoUlpOfMathExp() {
        float[] x = sweep(), y = x.clone();
        FloatVectorMath.expInPlace(y, 0, y.length);
        for (int i = 0; i < x.length; i++) assertExp(x[i], y[i]);
    }

    @Test void onlyTheGivenRangeChanges() {
        for (int n : new int[] {1, 7, 17, 1023}) {
            float[] x = sweep(), y = x.clone();
            FloatVectorMath.expInPlace(y, 3, 3 + n);
            for (int i = 0; i < x.length; i++) {
                if (i >= 3 && i < 3 + n) assertExp(x[i], y[i]);
                else assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "element " + i + " outside [3, " + (3 + n) + ")");
            }
        }
    }
}
