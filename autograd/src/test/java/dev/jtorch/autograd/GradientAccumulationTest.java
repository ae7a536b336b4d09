package dev.jtorch.autograd;

import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The engine sums a tensor's gradients over its uses in a buffer it owns: slices add into that buffer in place,
 * and gradients it was handed (the caller's seed, a rule's view of another gradient) are never written.
 */
class GradientAccumulationTest {

    @Test
    void slicesOfOneTensorAddIntoOneGradient() {
        // an RNN's pattern: a projection computed once, one slice per step, each slice used (here twice)
        Tensor x = Tensor.of(1.0, 2, 3, 4, 5, 6).requiresGrad(true);
        Tensor projected = x.mul(2).reshape(3, 2);
        Tensor loss = Tensor.scalar(0.0);
        for (int t = 0; t < 3; t++) {
            Tensor step = projected.select(0, t);
            loss = loss.add(step.mul(t + 1).sum()).add(step.select(0, 1).mul(10));
        }
        loss = loss.add(projected.sum());   // a use of the whole beside the slices
        loss.backward();
        // d/dx: 2 * (row weight t+1, plus 10 on the second column, plus 1 for the whole)
        assertArrayEquals(new double[] {4, 24, 6, 26, 8, 28}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void stridedSlicesAndIndexSelectShareTheBuffer() {
        Tensor x = Tensor.of(1.0, 2, 3, 4, 5, 6).requiresGrad(true);
        Tensor y = x.slice(0, 0, 6, 2).sum()                               // positions 0, 2, 4
                .add(x.slice(0, 1, 6, 2).mul(3).sum())                     // positions 1, 3, 5
                .add(x.indexSelect(0, Tensor.of(new long[] {5, 5, 0})).sum())
                .add(x.gather(0, Tensor.of(new long[] {2})).sum());
        y.backward();
        assertArrayEquals(new double[] {2, 3, 2, 3, 1, 5}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void theSeedGradientIsNeverWritten() {
        Tensor x = Tensor.of(1.0, 2, 3).requiresGrad(true);
        Tensor y = x.mul(1);
        Tensor z = y.slice(0, 0, 2, 1).add(y.slice(0, 1, 3, 1));           // y's gradient: two slices summed
        Tensor seed = Tensor.of(1.0, 10);
        z.backward(seed);
        assertArrayEquals(new double[] {1, 10}, seed.toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 11, 10}, x.grad().toDoubleArray(), 1e-12);
    }
}
