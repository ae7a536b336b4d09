package dev.jtorch.nn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jtorch.nn.LossValueTest.random;
import static dev.jtorch.nn.LossValueTest.t;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every loss's gradient against finite differences in float64, for each reduction and option. */
class LossGradCheckTest {
    static Tensor leaf(double[] v, long... shape) { return t(v, shape).requiresGrad(true); }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void regressionLosses(Reduction r) {
        Tensor x = leaf(random(21, 6, -2, 2), 2, 3);
        Tensor y = t(random(22, 6, -2, 2), 2, 3);
        assertTrue(GradCheck.gradcheck(in -> Losses.mseLoss(in[0], y, r), x));
        assertTrue(GradCheck.gradcheck(in -> Losses.l1Loss(in[0], y, r), x));
        assertTrue(GradCheck.gradcheck(in -> Losses.smoothL1Loss(in[0], y, r, 0.8), x));
        assertTrue(GradCheck.gradcheck(in -> Losses.huberLoss(in[0], y, r, 0.5), x));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyWithClassIndices(Reduction r) {
        Tensor x = leaf(random(23, 12, -2, 2), 3, 4);
        Tensor target = Tensor.of(3L, 0L, 2L);
        assertTrue(GradCheck.gradcheck(in -> Losses.crossEntropy(in[0], target, null, -100, r, 0), x));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyWithWeightIgnoreIndexAndSmoothing(Reduction r) {
        Tensor x = leaf(random(24, 12, -2, 2), 3, 4);
        Tensor w = leaf(new double[] {0.5, 1.5, 2.0, 0.7}, 4);
        Tensor target = Tensor.of(3L, -100L, 1L);
        assertTrue(GradCheck.gradcheck(in -> Losses.crossEntropy(in[0], target, in[1], -100, r, 0), x, w));
        assertTrue(GradCheck.gradcheck(in -> Losses.crossEntropy(in[0], target, in[1], -100, r, 0.2), x, w));
        assertTrue(GradCheck.gradcheck(in -> Losses.crossEntropy(in[0], Tensor.of(3L, 2L, 1L), in[1], 2, r, 0.1), x, w));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyOverSpatialDims(Reduction r) {
        Tensor x = leaf(random(25, 12, -2, 2), 2, 3, 2);
        Tensor w = leaf(new double[] {0.5, 1.5, 2.0}, 3);
        Tensor target = Tensor.of(new long[][] {{0, 2}, {-100, 1}});
        assertTrue(GradCheck.gradcheck(in -> Losses.crossEntropy(in[0], target, in[1], -100, r, 0.1), x, w));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyWithClassProbabilities(Reduction r) {
        Tensor x = leaf(random(26, 8, -2, 2), 2, 4);
        Tensor w = leaf(new double[] {0.5, 1.5, 2.0, 1.0}, 4);
        Tensor p = t(new double[] {0.1, 0.2, 0.3, 0.4, 0.7, 0.1, 0.1, 0.1}, 2, 4);
        assertTrue(GradCheck.gradcheck(in -> Losses.crossEntropy(in[0], p, null, -100, r, 0), x));
        assertTrue(GradCheck.gradcheck(in -> Losses.crossEntropy(in[0], p, in[1], -100, r, 0.3), x, w));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void nllLoss(Reduction r) {
        Tensor x = leaf(random(27, 12, -3, -0.1), 3, 4);
        Tensor w = leaf(new double[] {0.5, 1.5, 2.0, 0.7}, 4);
        Tensor target = Tensor.of(1L, -100L, 3L);
        assertTrue(GradCheck.gradcheck(in -> Losses.nllLoss(in[0], target, in[1], -100, r), x, w));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void binaryCrossEntropy(Reduction r) {
        Tensor x = leaf(random(28, 6, 0.05, 0.95), 2, 3);
        Tensor y = t(random(29, 6, 0, 1), 2, 3);
        Tensor w = leaf(new double[] {0.5, 2.0, 1.2}, 3);
        assertTrue(GradCheck.gradcheck(in -> Losses.binaryCrossEntropy(in[0], y, null, r), x));
        assertTrue(GradCheck.gradcheck(in -> Losses.binaryCrossEntropy(in[0], y, in[1], r), x, w));
        // with respect to the target too, as PyTorch allows
        Tensor yLeaf = leaf(random(29, 6, 0, 1), 2, 3);
        assertTrue(GradCheck.gradcheck(in -> Losses.binaryCrossEntropy(x.detach(), in[0], null, r), yLeaf));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void binaryCrossEntropyWithLogits(Reduction r) {
        Tensor x = leaf(random(30, 6, -3, 3), 2, 3);
        Tensor y = t(new double[] {0, 1, 0.3, 1, 0, 0.8}, 2, 3);
        Tensor w = leaf(new double[] {0.5, 2.0}, 2, 1);
        Tensor pw = leaf(new double[] {3.0, 0.5, 1.5}, 3);
        assertTrue(GradCheck.gradcheck(in -> Losses.binaryCrossEntropyWithLogits(in[0], y, null, r, null), x));
        assertTrue(GradCheck.gradcheck(in -> Losses.binaryCrossEntropyWithLogits(in[0], y, in[1], r, in[2]), x, w, pw));
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void klDivergence(Reduction r) {
        Tensor x = leaf(random(31, 6, -3, -0.1), 2, 3);
        Tensor p = t(new double[] {0.2, 0.0, 0.8, 0.5, 0.25, 0.25}, 2, 3);
        Tensor logp = t(random(32, 6, -3, -0.1), 2, 3);
        assertTrue(GradCheck.gradcheck(in -> Losses.klDiv(in[0], p, r, false), x));
        assertTrue(GradCheck.gradcheck(in -> Losses.klDiv(in[0], logp, r, true), x));
    }
}
