package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss values against PyTorch's formulas written out as plain loops. */
class LossValueTest {
    private static final double TOL = 1e-12;

    static double[] random(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    static Tensor t(double[] v, long... shape) { return Tensor.of(v).reshape(shape); }

    /** none: the per-element values; sum and mean of them otherwise. */
    static double[] reduce(double[] perElement, Reduction r) {
        double s = 0;
        for (double v : perElement) s += v;
        return switch (r) {
            case NONE -> perElement;
            case SUM -> new double[] {s};
            default -> new double[] {s / perElement.length};
        };
    }

    static void assertValues(double[] expected, Tensor actual) {
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, "element count");
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], TOL * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    static final Reduction[] ELEMENTWISE = {Reduction.NONE, Reduction.MEAN, Reduction.SUM};

    // ---- regression ----

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void regressionLossesMatchTheirFormulas(Reduction r) {
        double[] x = random(1, 12, -2, 2), y = random(2, 12, -2, 2);
        double[] mse = new double[12], l1 = new double[12], smooth = new double[12], huber = new double[12], smoothBeta0 = new double[12];
        double beta = 0.7, delta = 0.6;
        for (int i = 0; i < 12; i++) {
            double d = x[i] - y[i], z = Math.abs(d);
            mse[i] = d * d;
            l1[i] = z;
            smooth[i] = z < beta ? 0.5 * z * z / beta : z - 0.5 * beta;
            huber[i] = z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
            smoothBeta0[i] = z;
        }
        Tensor in = t(x, 3, 4), tg = t(y, 3, 4);
        assertValues(reduce(mse, r), Losses.mseLoss(in, tg, r));
        assertValues(reduce(l1, r), Losses.l1Loss(in, tg, r));
        assertValues(reduce(smooth, r), Losses.smoothL1Loss(in, tg, r, beta));
        assertValues(reduce(smoothBeta0, r), Losses.smoothL1Loss(in, tg, r, 0.0));
        assertValues(reduce(huber, r), Losses.huberLoss(in, tg, r, delta));
        assertValues(reduce(mse, r), new MSELoss(r).forward(in, tg));
        assertValues(reduce(l1, r), new L1Loss(r).forward(in, tg));
        assertValues(reduce(smooth, r), new SmoothL1Loss(r, beta).forward(in, tg));
        assertValues(reduce(huber, r), new HuberLoss(r, delta).forward(in, tg));
    }

    @Test
    void defaultsAreMeanAndBetaDeltaOne() {
        Tensor in = Tensor.of(0.0, 3.0), tg = Tensor.of(0.5, 0.0);
        // smooth l1 / huber with 1: 0.5*0.25 = 0.125 and 3 - 0.5 = 2.5
        assertEquals((0.125 + 2.5) / 2, new SmoothL1Loss().forward(in, tg).item(), TOL);
        assertEquals((0.125 + 2.5) / 2, new HuberLoss().forward(in, tg).item(), TOL);
        assertEquals((0.25 + 9) / 2, new MSELoss().forward(in, tg).item(), TOL);
        assertEquals(Reduction.MEAN, new CrossEntropyLoss().reduction());
    }

    @Test
    void float32InputGivesFloat32Loss() {
        Tensor in = Tensor.of(1f, 2f), tg = Tensor.of(0f, 0f);
        Tensor loss = Losses.mseLoss(in, tg);
        assertEquals(DType.FLOAT32, loss.dtype());
        assertEquals(2.5, loss.item(), 1e-6);
    }

    // ---- cross entropy with class indices ----

    /**
     * PyTorch's cross entropy on input laid out [N, C, S] (S = product of the trailing dims) with targets [N, S]:
     * (1 - ls) * nll + ls / C * smooth, where both use the summed weights of kept targets as the mean's denominator.
     */
    static double[] referenceCrossEntropy(double[] x, long[] target, int n, int c, int s, double[] w, long ignore, Reduction r, double ls) {
        double[] nll = new double[n * s], smooth = new double[n * s];
        double denom = 0;
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < s; k++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) max = Math.max(max, x[(b * c + j) * s + k]);
                double sumExp = 0;
                for (int j = 0; j < c; j++) sumExp += Math.exp(x[(b * c + j) * s + k] - max);
                double lse = max + Math.log(sumExp);
                long t = target[b * s + k];
                if (t == ignore) continue;
                double wt = w == null ? 1 : w[(int) t];
                nll[b * s + k] = -wt * (x[(b * c + (int) t) * s + k] - lse);
                double sm = 0;
                for (int j = 0; j < c; j++) sm -= (w == null ? 1 : w[j]) * (x[(b * c + j) * s + k] - lse);
                smooth[b * s + k] = sm;
                denom += wt;
            }
        }
        double[] out = new double[n * s];
        double nllSum = 0, smoothSum = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = (1 - ls) * nll[i] + ls / c * smooth[i];
            nllSum += nll[i];
            smoothSum += smooth[i];
        }
        return switch (r) {
            case NONE -> out;
            case SUM -> new double[] {(1 - ls) * nllSum + ls / c * smoothSum};
            default -> new double[] {(1 - ls) * nllSum / denom + ls / c * smoothSum / denom};
        };
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyWithClassIndices(Reduction r) {
        double[] x = random(3, 20, -3, 3);
        long[] target = {1, 4, 0, 2};
        double[] w = {0.5, 2.0, 1.0, 0.25, 3.0};
        Tensor in = t(x, 4, 5), tg = Tensor.of(target), wt = Tensor.of(w);
        assertValues(referenceCrossEntropy(x, target, 4, 5, 1, null, -100, r, 0), Losses.crossEntropy(in, tg, null, -100, r, 0));
        assertValues(referenceCrossEntropy(x, target, 4, 5, 1, w, -100, r, 0), Losses.crossEntropy(in, tg, wt, -100, r, 0));
        assertValues(referenceCrossEntropy(x, target, 4, 5, 1, null, -100, r, 0.2), Losses.crossEntropy(in, tg, null, -100, r, 0.2));
        assertValues(referenceCrossEntropy(x, target, 4, 5, 1, w, -100, r, 0.3), Losses.crossEntropy(in, tg, wt, -100, r, 0.3));
        assertValues(referenceCrossEntropy(x, target, 4, 5, 1, w, -100, r, 0.3), new CrossEntropyLoss(wt, -100, r, 0.3).forward(in, tg));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyIgnoresTargetsWithWeightsAndSmoothing(Reduction r) {
        double[] x = random(4, 20, -3, 3);
        long[] target = {1, -100, 3, -100};
        long[] target7 = {7, 2, 7, 0};
        double[] w = {0.5, 2.0, 1.0, 0.25, 3.0};
        Tensor in = t(x, 4, 5), wt = Tensor.of(w);
        assertValues(referenceCrossEntropy(x, target, 4, 5, 1, w, -100, r, 0), Losses.crossEntropy(in, Tensor.of(target), wt, -100, r, 0));
        assertValues(referenceCrossEntropy(x, target, 4, 5, 1, w, -100, r, 0.1), Losses.crossEntropy(in, Tensor.of(target), wt, -100, r, 0.1));
        assertValues(referenceCrossEntropy(x, target7, 4, 5, 1, null, 7, r, 0.1), Losses.crossEntropy(in, Tensor.of(target7), null, 7, r, 0.1));
        assertValues(referenceCrossEntropy(x, target7, 4, 5, 1, w, 7, r, 0), new NLLLoss(wt, 7, r).forward(logSoftmax(in), Tensor.of(target7)));
    }

    @Test
    void crossEntropyOfOnlyIgnoredTargetsIsNanForMean() {
        Tensor loss = Losses.crossEntropy(t(random(5, 6, -1, 1), 2, 3), Tensor.of(-100L, -100L));
        assertTrue(Double.isNaN(loss.item()));
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyOverSpatialDims(Reduction r) {
        int n = 2, c = 3, h = 2, wd = 2;
        double[] x = random(6, n * c * h * wd, -2, 2);
        long[] target = {0, 2, 1, -100, 2, 2, 0, 1};
        double[] w = {1.5, 0.5, 2.0};
        Tensor in = t(x, n, c, h, wd), tg = Tensor.of(target).reshape(n, h, wd);
        Tensor got = Losses.crossEntropy(in, tg, Tensor.of(w), -100, r, 0.15);
        assertValues(referenceCrossEntropy(x, target, n, c, h * wd, w, -100, r, 0.15), got);
        if (r == Reduction.NONE) assertArrayEquals(new long[] {n, h, wd}, got.shape());
    }

    @Test
    void crossEntropyOfUnbatchedInput() {
        double[] x = {0.3, -1.2, 2.0, 0.7};
        Tensor got = Losses.crossEntropy(Tensor.of(x), Tensor.scalar(2, DType.INT64));
        assertEquals(0, got.dim());
        assertValues(referenceCrossEntropy(x, new long[] {2}, 1, 4, 1, null, -100, Reduction.MEAN, 0), got);
    }

    @Test
    void crossEntropyIsStableForLargeLogits() {
        Tensor in = Tensor.of(new double[][] {{1000, 0, -1000}});
        assertEquals(0.0, Losses.crossEntropy(in, Tensor.of(new long[] {0})).item(), 1e-12);
        assertEquals(2000.0, Losses.crossEntropy(in, Tensor.of(new long[] {2})).item(), 1e-9);
    }

    @Test
    void crossEntropyGradientInFloat32IsSoftmaxMinusOneHotOverN() {
        float[] x = {0.5f, -1f, 2f, 0f, 1f, 1f};
        Tensor in = Tensor.of(x).reshape(2, 3).requiresGrad(true);
        new CrossEntropyLoss().forward(in, Tensor.of(new long[] {2, 0})).backward();
        assertEquals(DType.FLOAT32, in.grad().dtype());
        float[] g = in.grad().toFloatArray();
        long[] target = {2, 0};
        for (int b = 0; b < 2; b++) {
            double z = 0;
            for (int j = 0; j < 3; j++) z += Math.exp(x[b * 3 + j]);
            for (int j = 0; j < 3; j++) {
                double expected = (Math.exp(x[b * 3 + j]) / z - (j == target[b] ? 1 : 0)) / 2;
                assertEquals(expected, g[b * 3 + j], 1e-6);
            }
        }
    }

    // ---- cross entropy with class probabilities ----

    static double[] referenceProbCrossEntropy(double[] x, double[] p, int n, int c, double[] w, Reduction r, double ls) {
        double[] out = new double[n];
        for (int b = 0; b < n; b++) {
            double max = Double.NEGATIVE_INFINITY, sumExp = 0;
            for (int j = 0; j < c; j++) max = Math.max(max, x[b * c + j]);
            for (int j = 0; j < c; j++) sumExp += Math.exp(x[b * c + j] - max);
            double lse = max + Math.log(sumExp);
            for (int j = 0; j < c; j++) {
                double target = p[b * c + j] * (1 - ls) + ls / c;
                out[b] -= (w == null ? 1 : w[j]) * target * (x[b * c + j] - lse);
            }
        }
        return reduce(out, r); // mean divides by N = numel / C
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void crossEntropyWithClassProbabilities(Reduction r) {
        double[] x = random(7, 12, -2, 2), p = new double[12];
        double[] raw = random(8, 12, 0, 1);
        for (int b = 0; b < 3; b++) {
            double s = 0;
            for (int j = 0; j < 4; j++) s += raw[b * 4 + j];
            for (int j = 0; j < 4; j++) p[b * 4 + j] = raw[b * 4 + j] / s;
        }
        double[] w = {1, 2, 0.5, 1.5};
        Tensor in = t(x, 3, 4), tg = t(p, 3, 4);
        assertValues(referenceProbCrossEntropy(x, p, 3, 4, null, r, 0), Losses.crossEntropy(in, tg, null, -100, r, 0));
        assertValues(referenceProbCrossEntropy(x, p, 3, 4, w, r, 0), Losses.crossEntropy(in, tg, Tensor.of(w), -100, r, 0));
        assertValues(referenceProbCrossEntropy(x, p, 3, 4, w, r, 0.25), Losses.crossEntropy(in, tg, Tensor.of(w), -100, r, 0.25));
    }

    // ---- nll ----

    static Tensor logSoftmax(Tensor x) { return x.sub(x.logsumexp(1, true)); }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void nllLossPicksNegativeWeightedLogProbabilities(Reduction r) {
        double[] x = random(9, 15, -3, 0);
        long[] target = {2, 0, -100};
        double[] w = {2, 3, 5, 7, 11};
        double[] per = new double[3];
        double denom = 0;
        for (int b = 0; b < 2; b++) {
            per[b] = -w[(int) target[b]] * x[b * 5 + (int) target[b]];
            denom += w[(int) target[b]];
        }
        double sum = per[0] + per[1];
        double[] expected = switch (r) {
            case NONE -> per;
            case SUM -> new double[] {sum};
            default -> new double[] {sum / denom};
        };
        assertValues(expected, Losses.nllLoss(t(x, 3, 5), Tensor.of(target), Tensor.of(w), -100, r));
        assertValues(expected, new NLLLoss(Tensor.of(w), -100, r).forward(t(x, 3, 5), Tensor.of(target)));
    }

    // ---- binary ----

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void binaryCrossEntropyWithWeightAndClampedLogs(Reduction r) {
        double[] x = {0.2, 0.9, 0.0, 1.0, 0.5, 0.33};
        double[] y = {0.0, 1.0, 1.0, 0.0, 0.3, 1.0};
        double[] w = {1.0, 2.0, 0.5};
        double[] per = new double[6];
        for (int i = 0; i < 6; i++) {
            double logX = Math.max(Math.log(x[i]), -100), log1mX = Math.max(Math.log(1 - x[i]), -100);
            per[i] = -w[i % 3] * (y[i] * logX + (1 - y[i]) * log1mX);
        }
        assertValues(reduce(per, r), Losses.binaryCrossEntropy(t(x, 2, 3), t(y, 2, 3), Tensor.of(w), r));
        assertValues(reduce(per, r), new BCELoss(Tensor.of(w), r).forward(t(x, 2, 3), t(y, 2, 3)));
        // saturated inputs: -100 per wrong certain prediction, as PyTorch
        assertEquals(100.0, Losses.binaryCrossEntropy(Tensor.of(new double[] {0.0}), Tensor.of(new double[] {1.0})).item(), TOL);
    }

    @Test
    void binaryCrossEntropyGradientIsFiniteAtSaturation() {
        Tensor x = Tensor.of(0.0, 1.0, 0.5).requiresGrad(true);
        Losses.binaryCrossEntropy(x, Tensor.of(1.0, 0.0, 1.0), null, Reduction.SUM).backward();
        double[] g = x.grad().toDoubleArray();
        // PyTorch: (x - y) / max(x (1 - x), 1e-12)
        assertEquals(-1e12, g[0], 1);
        assertEquals(1e12, g[1], 1);
        assertEquals(-2.0, g[2], TOL);
    }

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"NONE", "MEAN", "SUM"})
    void binaryCrossEntropyWithLogitsWithPosWeightAndWeight(Reduction r) {
        double[] x = random(10, 6, -4, 4), y = {0, 1, 1, 0, 0.25, 1};
        double[] pw = {3.0, 0.5, 2.0}, w = {0.5, 1.5};
        double[] per = new double[6], plain = new double[6];
        for (int i = 0; i < 6; i++) {
            double sig = 1 / (1 + Math.exp(-x[i]));
            per[i] = -w[i / 3] * (pw[i % 3] * y[i] * Math.log(sig) + (1 - y[i]) * Math.log(1 - sig));
            plain[i] = -(y[i] * Math.log(sig) + (1 - y[i]) * Math.log(1 - sig));
        }
        Tensor in = t(x, 2, 3), tg = t(y, 2, 3), wt = t(w, 2, 1), pwt = Tensor.of(pw);
        assertValues(reduce(per, r), Losses.binaryCrossEntropyWithLogits(in, tg, wt, r, pwt));
        assertValues(reduce(per, r), new BCEWithLogitsLoss(wt, r, pwt).forward(in, tg));
        assertValues(reduce(plain, r), Losses.binaryCrossEntropyWithLogits(in, tg, null, r, null));
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableForLargeLogits() {
        Tensor loss = Losses.binaryCrossEntropyWithLogits(Tensor.of(200.0, -200.0, 200.0), Tensor.of(1.0, 0.0, 0.0), null, Reduction.NONE, null);
        assertArrayEquals(new double[] {0, 0, 200}, loss.toDoubleArray(), 1e-12);
    }

    // ---- kl divergence ----

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void klDivergenceInLogSpace(Reduction r) {
        double[] logq = random(11, 8, -3, 0), p = {0.1, 0.0, 0.5, 0.4, 0.25, 0.25, 0.25, 0.25};
        double[] per = new double[8], perLogTarget = new double[8];
        double[] logp = new double[8];
        for (int i = 0; i < 8; i++) {
            per[i] = p[i] == 0 ? 0 : p[i] * (Math.log(p[i]) - logq[i]);
            logp[i] = Math.log(p[i] + 0.05);
            perLogTarget[i] = Math.exp(logp[i]) * (logp[i] - logq[i]);
        }
        double[] expected, expectedLog;
        if (r == Reduction.BATCHMEAN) {
            expected = new double[] {reduce(per, Reduction.SUM)[0] / 2};
            expectedLog = new double[] {reduce(perLogTarget, Reduction.SUM)[0] / 2};
        } else {
            expected = reduce(per, r);
            expectedLog = reduce(perLogTarget, r);
        }
        assertValues(expected, Losses.klDiv(t(logq, 2, 4), t(p, 2, 4), r, false));
        assertValues(expectedLog, Losses.klDiv(t(logq, 2, 4), t(logp, 2, 4), r, true));
        assertValues(expectedLog, new KLDivLoss(r, true).forward(t(logq, 2, 4), t(logp, 2, 4)));
    }

    // ---- modules ----

    @Test
    void lossModulesPrintAsPyTorchAndKeepWeightsAsBuffers() {
        assertEquals("CrossEntropyLoss()", new CrossEntropyLoss().toString());
        assertEquals("MSELoss()", new MSELoss().toString());
        assertEquals("BCEWithLogitsLoss()", new BCEWithLogitsLoss().toString());
        Tensor w = Tensor.of(1.0, 2.0);
        var ce = new CrossEntropyLoss(w);
        assertEquals(java.util.List.of("weight"), java.util.List.copyOf(ce.stateDict().keySet()));
        assertTrue(new CrossEntropyLoss().stateDict().isEmpty());
        var bce = new BCEWithLogitsLoss(null, Reduction.MEAN, Tensor.of(new double[] {2.0}));
        assertEquals(java.util.List.of("pos_weight"), java.util.List.copyOf(bce.stateDict().keySet()));
        assertTrue(ce.parameters().isEmpty());
    }
}
