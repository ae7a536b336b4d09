package dev.jtorch.nn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.jtorch.nn.Tensors.assertClose;
import static dev.jtorch.nn.Tensors.leaf;
import static dev.jtorch.nn.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormalizationTest {

    /** Per-channel mean and biased/unbiased variance of NCHW data, by loops. */
    private record Stats(double[] mean, double[] biasedVar, double[] unbiasedVar) {}

    private static Stats stats(double[] x, int n, int c, int spatial) {
        double[] mean = new double[c], var = new double[c], unbiased = new double[c];
        int count = n * spatial;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) for (int s = 0; s < spatial; s++) sum += x[(b * c + ch) * spatial + s];
            mean[ch] = sum / count;
            double sq = 0;
            for (int b = 0; b < n; b++) for (int s = 0; s < spatial; s++) sq += Math.pow(x[(b * c + ch) * spatial + s] - mean[ch], 2);
            var[ch] = sq / count;
            unbiased[ch] = sq / (count - 1);
        }
        return new Stats(mean, var, unbiased);
    }

    private static double[] normalize(double[] x, int n, int c, int spatial, double[] mean, double[] var, double[] w, double[] b, double eps) {
        double[] out = new double[x.length];
        for (int bi = 0; bi < n; bi++) for (int ch = 0; ch < c; ch++) for (int s = 0; s < spatial; s++) {
            int i = (bi * c + ch) * spatial + s;
            out[i] = (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps) * w[ch] + b[ch];
        }
        return out;
    }

    @Test
    void batchNorm2dTrainingUsesBatchStatsAndUpdatesRunningStats() {
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.to(DType.FLOAT64);
        try (var g = dev.jtorch.tensor.GradMode.noGrad()) {
            bn.weight().copy_(Tensor.of(0.5, 1.5, -2.0));
            bn.bias().copy_(Tensor.of(0.1, -0.2, 0.3));
        }
        Tensor x = randn(1, 2, 3, 2, 3).mul(3).add(1);
        Stats s = stats(x.toDoubleArray(), 2, 3, 6);
        double[] w = {0.5, 1.5, -2.0}, b = {0.1, -0.2, 0.3};
        assertClose(normalize(x.toDoubleArray(), 2, 3, 6, s.mean, s.biasedVar, w, b, 1e-5), bn.forward(x), 1e-10);

        double[] expectedMean = new double[3], expectedVar = new double[3];
        for (int ch = 0; ch < 3; ch++) {
            expectedMean[ch] = 0.9 * 0 + 0.1 * s.mean[ch];
            expectedVar[ch] = 0.9 * 1 + 0.1 * s.unbiasedVar[ch];
        }
        assertClose(expectedMean, bn.runningMean(), 1e-12);
        assertClose(expectedVar, bn.runningVar(), 1e-12);
        assertEquals(1, bn.numBatchesTracked().item());
        assertEquals(DType.INT64, bn.numBatchesTracked().dtype());

        bn.eval();
        Tensor y = randn(2, 1, 3, 2, 2);
        assertClose(normalize(y.toDoubleArray(), 1, 3, 4, expectedMean, expectedVar, w, b, 1e-5), bn.forward(y), 1e-10);
        assertClose(expectedMean, bn.runningMean(), 1e-15);
        assertEquals(1, bn.numBatchesTracked().item());
    }

    @Test
    void batchNorm1dWithCumulativeMomentumAveragesEveryBatch() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5, null, true, true);
        bn.to(DType.FLOAT64);
        Tensor a = randn(3, 4, 2), b = randn(4, 5, 2);
        bn.forward(a);
        bn.forward(b);
        Stats sa = stats(a.toDoubleArray(), 4, 2, 1), sb = stats(b.toDoubleArray(), 5, 2, 1);
        double[] mean = new double[2], var = new double[2];
        for (int ch = 0; ch < 2; ch++) {
            mean[ch] = (sa.mean[ch] + sb.mean[ch]) / 2;
            var[ch] = (sa.unbiasedVar[ch] + sb.unbiasedVar[ch]) / 2;
        }
        assertClose(mean, bn.runningMean(), 1e-12);
        assertClose(var, bn.runningVar(), 1e-12);
        assertEquals(2, bn.numBatchesTracked().item());
    }

    @Test
    void batchNorm1dOnThreeDimensionalInput() {
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.to(DType.FLOAT64);
        Tensor x = randn(5, 2, 3, 4);
        Stats s = stats(x.toDoubleArray(), 2, 3, 4);
        assertClose(normalize(x.toDoubleArray(), 2, 3, 4, s.mean, s.biasedVar, new double[] {1, 1, 1}, new double[3], 1e-5), bn.forward(x), 1e-10);
    }

    @Test
    void withoutAffineOrRunningStats() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-3, 0.1, false, false);
        assertNull(bn.weight());
        assertNull(bn.runningMean());
        assertEquals(0, bn.parameters().size());
        assertEquals(0, bn.stateDict().size());
        bn.to(DType.FLOAT64).eval();
        Tensor x = randn(6, 2, 2, 2, 2);
        Stats s = stats(x.toDoubleArray(), 2, 2, 4);
        // no running statistics: eval normalises with the batch's own
        assertClose(normalize(x.toDoubleArray(), 2, 2, 4, s.mean, s.biasedVar, new double[] {1, 1}, new double[2], 1e-3), bn.forward(x), 1e-10);
    }

    @Test
    void batchNormGradchecksInTrainingAndEval() {
        Tensor x = leaf(7, 3, 2, 2, 2), w = leaf(8, 2), b = leaf(9, 2);
        assertTrue(GradCheck.gradcheck(in -> F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5), x, w, b));
        Tensor rm = randn(10, 2), rv = randn(11, 2).abs().add(0.5);
        assertTrue(GradCheck.gradcheck(in -> F.batchNorm(in[0], rm, rv, in[1], in[2], false, 0.1, 1e-5), x, w, b));
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.to(DType.FLOAT64);
        assertTrue(GradCheck.gradcheck(in -> bn.forward(in[0]), leaf(12, 4, 3)));
    }

    @Test
    void layerNormMatchesTheDefinitionAndGradchecks() {
        LayerNorm ln = new LayerNorm(2, 3);
        ln.to(DType.FLOAT64);
        Tensor x = randn(13, 2, 2, 3);
        double[] xs = x.toDoubleArray(), expected = new double[12];
        for (int row = 0; row < 2; row++) {
            double mean = 0, var = 0;
            for (int i = 0; i < 6; i++) mean += xs[row * 6 + i] / 6;
            for (int i = 0; i < 6; i++) var += Math.pow(xs[row * 6 + i] - mean, 2) / 6;
            for (int i = 0; i < 6; i++) expected[row * 6 + i] = (xs[row * 6 + i] - mean) / Math.sqrt(var + 1e-5);
        }
        assertClose(expected, ln.forward(x), 1e-10);
        assertTrue(GradCheck.gradcheck(in -> F.layerNorm(in[0], new long[] {3}, in[1], in[2], 1e-5), leaf(14, 2, 3), leaf(15, 3), leaf(16, 3)));
        LayerNorm noBias = new LayerNorm(new long[] {4}, 1e-5, true, false);
        assertNull(noBias.bias());
        assertEquals(1, noBias.parameters().size());
    }
}
