package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Each optimizer against PyTorch's documented algorithm, written in plain double arithmetic: five steps on
 * two parameters whose gradient is {@code a * p + b}; a third parameter without a gradient must not move.
 */
class OptimizerReferenceTest {
    /** A reference update of the concatenated parameters, keeping its own state. */
    interface Reference {
        void step(double[] p, double[] g);
    }

    record Case(String name, Function<List<Tensor>, Optimizer> make, Supplier<Reference> reference) {
        @Override public String toString() { return name; }
    }

    static final int N = 10;
    static final double[] A = random(41, N, 0.5, 2.0), B = random(42, N, -1, 1);

    static double[] random(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    static double[] gradient(double[] p) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) g[i] = A[i] * p[i] + B[i];
        return g;
    }

    /** Two parameters ([2, 3] and [4]) holding p's values, then a frozen one. */
    static List<Tensor> params(double[] p) {
        Tensor w = Tensor.of(java.util.Arrays.copyOfRange(p, 0, 6)).reshape(2, 3).requiresGrad(true);
        Tensor b = Tensor.of(java.util.Arrays.copyOfRange(p, 6, 10)).requiresGrad(true);
        Tensor frozen = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
        return List.of(w, b, frozen);
    }

    static double[] values(List<Tensor> ps) {
        double[] w = ps.get(0).toDoubleArray(), b = ps.get(1).toDoubleArray();
        double[] r = new double[N];
        System.arraycopy(w, 0, r, 0, 6);
        System.arraycopy(b, 0, r, 6, 4);
        return r;
    }

    /** Sets the gradients a * p + b from the tensors' current values; the frozen parameter gets none. */
    static void setGradients(List<Tensor> ps) {
        double[] g = gradient(values(ps));
        ps.get(0).setGrad(Tensor.of(java.util.Arrays.copyOfRange(g, 0, 6)).reshape(2, 3));
        ps.get(1).setGrad(Tensor.of(java.util.Arrays.copyOfRange(g, 6, 10)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheReferenceAlgorithmStepByStep(Case c) {
        double[] p = random(43, N, -1.5, 1.5);
        List<Tensor> ps = params(p);
        Tensor w = ps.get(0);
        Optimizer opt = c.make().apply(ps);
        Reference ref = c.reference().get();
        for (int step = 1; step <= 5; step++) {
            setGradients(ps);
            opt.step();
            ref.step(p, gradient(p));
            double[] got = values(ps);
            for (int i = 0; i < N; i++) {
                assertEquals(p[i], got[i], 1e-12 * Math.max(1, Math.abs(p[i])), c.name() + ": step " + step + ", element " + i);
            }
        }
        assertArrayEquals(new double[] {1, 2, 3}, ps.get(2).toDoubleArray(), "a parameter without a gradient is skipped");
        assertSame(w, opt.paramGroups().get(0).params().get(0), "parameters are updated in place");
        assertNull(ps.get(2).grad());
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("SGD plain", ps -> new SGD(ps, 0.1), () -> sgd(0.1, 0, 0, 0, false, false)),
                new Case("SGD momentum", ps -> new SGD(ps, SGD.options().lr(0.05).momentum(0.9)), () -> sgd(0.05, 0.9, 0, 0, false, false)),
                new Case("SGD momentum dampening weight decay", ps -> new SGD(ps, SGD.options().lr(0.05).momentum(0.8).dampening(0.3).weightDecay(0.1)),
                        () -> sgd(0.05, 0.8, 0.3, 0.1, false, false)),
                new Case("SGD nesterov", ps -> new SGD(ps, SGD.options().lr(0.05).momentum(0.9).nesterov(true).weightDecay(0.01)), () -> sgd(0.05, 0.9, 0, 0.01, true, false)),
                new Case("SGD maximize", ps -> new SGD(ps, SGD.options().lr(0.05).momentum(0.5).weightDecay(0.1).maximize(true)), () -> sgd(0.05, 0.5, 0, 0.1, false, true)),
                new Case("Adam defaults", ps -> new Adam(ps, 0.01), () -> adam(0.01, 0.9, 0.999, 1e-8, 0, false, false, false)),
                new Case("Adam betas eps weight decay", ps -> new Adam(ps, Adam.options().lr(0.02).betas(0.8, 0.99).eps(1e-3).weightDecay(0.1)),
                        () -> adam(0.02, 0.8, 0.99, 1e-3, 0.1, false, false, false)),
                new Case("Adam amsgrad", ps -> new Adam(ps, Adam.options().lr(0.05).amsgrad(true)), () -> adam(0.05, 0.9, 0.999, 1e-8, 0, true, false, false)),
                new Case("Adam maximize", ps -> new Adam(ps, Adam.options().lr(0.05).maximize(true).weightDecay(0.05)), () -> adam(0.05, 0.9, 0.999, 1e-8, 0.05, false, true, false)),
                new Case("AdamW defaults", ps -> new AdamW(ps, 0.05), () -> adam(0.05, 0.9, 0.999, 1e-8, 1e-2, false, false, true)),
                new Case("AdamW amsgrad decay", ps -> new AdamW(ps, AdamW.options().lr(0.05).weightDecay(0.3).amsgrad(true)), () -> adam(0.05, 0.9, 0.999, 1e-8, 0.3, true, false, true)),
                new Case("RMSprop defaults", ps -> new RMSprop(ps), () -> rmsprop(0.01, 0.99, 1e-8, 0, 0, false, false)),
                new Case("RMSprop momentum weight decay", ps -> new RMSprop(ps, RMSprop.options().lr(0.02).alpha(0.9).momentum(0.7).weightDecay(0.1)),
                        () -> rmsprop(0.02, 0.9, 1e-8, 0.1, 0.7, false, false)),
                new Case("RMSprop centered", ps -> new RMSprop(ps, RMSprop.options().lr(0.01).centered(true).eps(1e-4)), () -> rmsprop(0.01, 0.99, 1e-4, 0, 0, true, false)),
                new Case("RMSprop centered momentum maximize", ps -> new RMSprop(ps, RMSprop.options().lr(0.01).centered(true).momentum(0.5).maximize(true)),
                        () -> rmsprop(0.01, 0.99, 1e-8, 0, 0.5, true, true)),
                new Case("Adagrad defaults", ps -> new Adagrad(ps), () -> adagrad(0.01, 0, 0, 0, 1e-10, false)),
                new Case("Adagrad lr decay weight decay accumulator", ps -> new Adagrad(ps, Adagrad.options().lr(0.1).lrDecay(0.05).weightDecay(0.1).initialAccumulatorValue(0.5)),
                        () -> adagrad(0.1, 0.05, 0.1, 0.5, 1e-10, false)),
                new Case("Adagrad maximize", ps -> new Adagrad(ps, Adagrad.options().lr(0.1).maximize(true)), () -> adagrad(0.1, 0, 0, 0, 1e-10, true)),
                new Case("Adadelta defaults", ps -> new Adadelta(ps), () -> adadelta(1.0, 0.9, 1e-6, 0, false)),
                new Case("Adadelta rho eps weight decay", ps -> new Adadelta(ps, Adadelta.options().lr(0.5).rho(0.8).eps(1e-3).weightDecay(0.1)),
                        () -> adadelta(0.5, 0.8, 1e-3, 0.1, false)),
                new Case("Adadelta maximize", ps -> new Adadelta(ps, Adadelta.options().maximize(true)), () -> adadelta(1.0, 0.9, 1e-6, 0, true)));
    }

    // ---- the algorithms as PyTorch documents them (maximize negates the gradient first, as its code does) ----

    static Reference sgd(double lr, double momentum, double dampening, double wd, boolean nesterov, boolean maximize) {
        double[] buf = new double[N];
        boolean[] started = {false};
        return (p, g) -> {
            for (int i = 0; i < p.length; i++) {
                double d = (maximize ? -g[i] : g[i]) + wd * p[i];
                if (momentum != 0) {
                    buf[i] = started[0] ? momentum * buf[i] + (1 - dampening) * d : d; // the first step's buffer is the gradient
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
            started[0] = true;
        };
    }

    static Reference adam(double lr, double b1, double b2, double eps, double wd, boolean amsgrad, boolean maximize, boolean decoupled) {
        double[] m = new double[N], v = new double[N], vmax = new double[N];
        int[] t = {0};
        return (p, g) -> {
            t[0]++;
            for (int i = 0; i < p.length; i++) {
                double d = maximize ? -g[i] : g[i];
                if (decoupled) p[i] *= 1 - lr * wd;
                else d += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * d;
                v[i] = b2 * v[i] + (1 - b2) * d * d;
                double mHat = m[i] / (1 - Math.pow(b1, t[0]));
                vmax[i] = Math.max(vmax[i], v[i]);
                double vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.pow(b2, t[0]));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        };
    }

    static Reference rmsprop(double lr, double alpha, double eps, double wd, double momentum, boolean centered, boolean maximize) {
        double[] v = new double[N], gAvg = new double[N], buf = new double[N];
        return (p, g) -> {
            for (int i = 0; i < p.length; i++) {
                double d = (maximize ? -g[i] : g[i]) + wd * p[i];
                v[i] = alpha * v[i] + (1 - alpha) * d * d;
                double vTilde = v[i];
                if (centered) {
                    gAvg[i] = alpha * gAvg[i] + (1 - alpha) * d;
                    vTilde -= gAvg[i] * gAvg[i];
                }
                if (momentum > 0) {
                    buf[i] = momentum * buf[i] + d / (Math.sqrt(vTilde) + eps);
                    p[i] -= lr * buf[i];
                } else {
                    p[i] -= lr * d / (Math.sqrt(vTilde) + eps);
                }
            }
        };
    }

    static Reference adagrad(double lr, double lrDecay, double wd, double initialAccumulator, double eps, boolean maximize) {
        double[] sum = new double[N];
        java.util.Arrays.fill(sum, initialAccumulator);
        int[] t = {0};
        return (p, g) -> {
            t[0]++;
            double clr = lr / (1 + (t[0] - 1) * lrDecay);
            for (int i = 0; i < p.length; i++) {
                double d = (maximize ? -g[i] : g[i]) + wd * p[i];
                sum[i] += d * d;
                p[i] -= clr * d / (Math.sqrt(sum[i]) + eps);
            }
        };
    }

    static Reference adadelta(double lr, double rho, double eps, double wd, boolean maximize) {
        double[] v = new double[N], u = new double[N];
        return (p, g) -> {
            for (int i = 0; i < p.length; i++) {
                double d = (maximize ? -g[i] : g[i]) + wd * p[i];
                v[i] = rho * v[i] + (1 - rho) * d * d;
                double delta = Math.sqrt(u[i] + eps) / Math.sqrt(v[i] + eps) * d;
                u[i] = rho * u[i] + (1 - rho) * delta * delta;
                p[i] -= lr * delta;
            }
        };
    }
}
