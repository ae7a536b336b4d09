package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** clip_grad_norm_: total norm over all gradients, scaled by min(1, max / (norm + 1e-6)). */
class ClipGradTest {
    static Tensor param(double[] grad) {
        Tensor p = Tensor.zeros(new long[] {grad.length}, dev.jtorch.tensor.DType.FLOAT64).requiresGrad(true);
        p.setGrad(Tensor.of(grad));
        return p;
    }

    @Test
    void twoNormScalesEveryGradient() {
        Tensor a = param(new double[] {3, 4}), b = param(new double[] {12});
        Tensor g = a.grad();
        Tensor total = ClipGrad.clipGradNorm_(List.of(a, b), 6.5);
        assertEquals(13.0, total.item(), 1e-12);
        double coef = 6.5 / (13 + 1e-6);
        assertArrayEquals(new double[] {3 * coef, 4 * coef}, a.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {12 * coef}, b.grad().toDoubleArray(), 1e-12);
        assertEquals(g, a.grad(), "gradients are scaled in place");
    }

    @Test
    void smallNormsAreLeftAlone() {
        Tensor a = param(new double[] {3, 4});
        assertEquals(5.0, ClipGrad.clipGradNorm_(List.of(a), 100).item(), 1e-12);
        assertArrayEquals(new double[] {3, 4}, a.grad().toDoubleArray(), 0);
    }

    @Test
    void infinityAndOneNorms() {
        Tensor a = param(new double[] {-7, 2}), b = param(new double[] {5});
        assertEquals(7.0, ClipGrad.clipGradNorm_(List.of(a, b), 3.5, Double.POSITIVE_INFINITY).item(), 1e-12);
        double coef = 3.5 / (7 + 1e-6);
        assertArrayEquals(new double[] {-7 * coef, 2 * coef}, a.grad().toDoubleArray(), 1e-12);
        Tensor c = param(new double[] {-1, 2}), d = param(new double[] {3});
        assertEquals(6.0, ClipGrad.clipGradNorm_(List.of(c, d), 3, 1).item(), 1e-12);
        assertArrayEquals(new double[] {3 * 3 / (6 + 1e-6)}, d.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void parametersWithoutGradientsAndNonFiniteNorms() {
        Tensor none = Tensor.zeros(2).requiresGrad(true);
        assertEquals(0.0, ClipGrad.clipGradNorm_(List.of(none), 1).item());
        Tensor bad = param(new double[] {Double.NaN, 1});
        assertThrows(IllegalStateException.class, () -> ClipGrad.clipGradNorm_(List.of(bad), 1, 2, true));
    }

    @Test
    void clipByValue() {
        Tensor a = param(new double[] {-3, 0.5, 2});
        ClipGrad.clipGradValue_(List.of(a), 1);
        assertArrayEquals(new double[] {-1, 0.5, 1}, a.grad().toDoubleArray(), 0);
    }
}
