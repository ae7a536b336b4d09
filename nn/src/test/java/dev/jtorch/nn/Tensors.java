package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test inputs (seeded float64) and comparisons. */
final class Tensors {
    private Tensors() {}

    static Tensor randn(long seed, long... shape) {
        return Tensor.randn(shape, DType.FLOAT64, Device.CPU, new Generator(seed));
    }

    /** A float64 leaf that requires grad, for gradcheck. */
    static Tensor leaf(long seed, long... shape) { return randn(seed, shape).requiresGrad(true); }

    static void assertClose(double[] expected, Tensor actual, double tol) {
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, "element count");
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    static void assertShape(Tensor t, long... shape) { assertArrayEquals(shape, t.shape(), "shape"); }
}
