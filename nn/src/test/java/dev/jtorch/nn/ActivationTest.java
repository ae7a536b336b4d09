package dev.jtorch.nn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static dev.jtorch.nn.Tensors.assertClose;
import static dev.jtorch.nn.Tensors.leaf;
import static dev.jtorch.nn.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationTest {

    /** Erf by its Taylor series, accurate to double precision for |x| < 3 (the test inputs). */
    private static double erf(double x) {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static void checkElementwise(Module module, DoubleUnaryOperator f, long seed) {
        Tensor x = randn(seed, 3, 4);
        double[] xs = x.toDoubleArray(), expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) expected[i] = f.applyAsDouble(xs[i]);
        assertClose(expected, module.forward(x), 1e-12);
        assertTrue(GradCheck.gradcheck(in -> module.forward(in[0]), leaf(seed + 100, 2, 3)));
    }

    @Test
    void elementwiseActivationsMatchTheirFormulasAndGradcheck() {
        checkElementwise(new ReLU(), v -> Math.max(0, v), 1);
        checkElementwise(new LeakyReLU(), v -> v > 0 ? v : 0.01 * v, 2);
        checkElementwise(new LeakyReLU(0.2), v -> v > 0 ? v : 0.2 * v, 3);
        checkElementwise(new Sigmoid(), v -> 1 / (1 + Math.exp(-v)), 4);
        checkElementwise(new Tanh(), Math::tanh, 5);
        checkElementwise(new GELU(), v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))), 6);
        checkElementwise(new GELU("tanh"), v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), 7);
        checkElementwise(new Identity(), v -> v, 8);
    }

    @Test
    void softmaxAndLogSoftmaxAlongADimension() {
        Tensor x = randn(9, 2, 3);
        double[] xs = x.toDoubleArray(), soft = new double[6], logSoft = new double[6];
        for (int col = 0; col < 3; col++) {
            double z = Math.exp(xs[col]) + Math.exp(xs[3 + col]);
            for (int row = 0; row < 2; row++) {
                soft[row * 3 + col] = Math.exp(xs[row * 3 + col]) / z;
                logSoft[row * 3 + col] = xs[row * 3 + col] - Math.log(z);
            }
        }
        assertClose(soft, new Softmax(0).forward(x), 1e-12);
        assertClose(logSoft, new LogSoftmax(0).forward(x), 1e-12);
        assertTrue(GradCheck.gradcheck(in -> F.softmax(in[0], 1), leaf(10, 2, 3)));
        assertTrue(GradCheck.gradcheck(in -> F.logSoftmax(in[0], -1), leaf(11, 2, 3)));
    }

    @Test
    void softmaxIsStableForLargeInputs() {
        Tensor x = Tensor.of(1000.0, 0.0, -1000.0);
        assertClose(new double[] {1, 0, 0}, F.softmax(x, 0), 1e-12);
        assertClose(new double[] {0, -1000, -2000}, F.logSoftmax(x, 0), 1e-9);
    }

    @Test
    void flattenKeepsTheBatchByDefault() {
        Tensor x = randn(12, 2, 3, 4);
        assertArrayEquals(new long[] {2, 12}, new Flatten().forward(x).shape());
        assertArrayEquals(new long[] {6, 4}, new Flatten(0, 1).forward(x).shape());
        assertTrue(GradCheck.gradcheck(in -> new Flatten().forward(in[0]).mul(2), leaf(13, 2, 2, 2)));
    }

    @Test
    void dropoutZeroesAboutPAndScalesTheRest() {
        Generator.defaultGenerator().manualSeed(42);
        Dropout dropout = new Dropout(0.25);
        Tensor x = Tensor.ones(new long[] {4000}, DType.FLOAT64);
        double[] out = dropout.forward(x).toDoubleArray();
        int zeros = 0;
        for (double v : out) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75, v, 1e-12);
        }
        assertEquals(0.25, zeros / 4000.0, 0.03);
    }

    @Test
    void dropoutIsRepeatableUnderASeedAndOffInEval() {
        Dropout dropout = new Dropout(0.5);
        Tensor x = randn(14, 50);
        Generator.defaultGenerator().manualSeed(7);
        double[] first = dropout.forward(x).toDoubleArray();
        Generator.defaultGenerator().manualSeed(7);
        assertArrayEquals(first, dropout.forward(x).toDoubleArray());
        dropout.eval();
        assertSame(x, dropout.forward(x));
        assertClose(new double[50], F.dropout(x, 1.0), 0);
    }

    @Test
    void dropoutGradientFollowsTheMask() {
        Generator.defaultGenerator().manualSeed(3);
        Tensor x = leaf(15, 20);
        Tensor y = F.dropout(x, 0.5);
        y.sum().backward();
        double[] out = y.toDoubleArray(), grad = x.grad().toDoubleArray(), xs = x.toDoubleArray();
        int dropped = 0;
        for (int i = 0; i < 20; i++) {
            // each element is dropped or kept scaled by 1/(1-p), and its gradient says which
            assertTrue(out[i] == 0 || out[i] == 2 * xs[i], "element " + i + ": " + out[i] + " from " + xs[i]);
            boolean kept = out[i] != 0 || xs[i] == 0;
            assertEquals(kept ? 2 : 0, grad[i], 1e-12, "gradient of element " + i);
            if (!kept) dropped++;
        }
        assertTrue(dropped > 0 && dropped < 20, "p = 0.5 dropped " + dropped + " of 20");
    }

    @Test
    void inplaceReluWritesIntoItsInput() {
        Tensor x = Tensor.of(-1.0, 2.0);
        Tensor y = new ReLU(true).forward(x);
        assertSame(x, y);
        assertArrayEquals(new double[] {0, 2}, x.toDoubleArray());
        UnaryOperator<Tensor> leaky = t -> new LeakyReLU(0.5, true).forward(t);
        Tensor z = Tensor.of(-2.0, 4.0);
        assertSame(z, leaky.apply(z));
        assertArrayEquals(new double[] {-1, 4}, z.toDoubleArray());
        assertFalse(z.requiresGrad());
    }
}
