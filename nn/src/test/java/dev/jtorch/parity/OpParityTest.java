package dev.jtorch.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import dev.jtorch.nn.F;
import dev.jtorch.nn.Losses;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numerical parity of jtorch ops with PyTorch itself (libtorch 2.7.1 through DJL) on the same random inputs.
 *
 * <p>Tolerances, {@code |jtorch - torch| <= atol + rtol * |torch|} element-wise:
 * <ul>
 *   <li>float32: rtol = atol = 1e-4 for reductions over up to ~100 terms (matmul, conv); 1e-5 for element-wise and
 *       short reductions (softmax, pooling, sum/mean/var). Both sides accumulate in float32 but in different orders
 *       and with different blocking, so the results may differ by a few ulps per term.</li>
 *   <li>float64: rtol = atol = 1e-10 (1e-9 for gradients).</li>
 * </ul>
 * Where DJL exposes no binding for the torch op itself ({@code var}, {@code cross_entropy}, {@code mean} over
 * several dims) or its binding is wrong ({@code avg_pool2d(count_include_pad=False)}: DJL 0.35.1 ignores the flag),
 * the reference is composed of libtorch primitives ({@code sum}, {@code mean}, {@code log_softmax}, {@code gather},
 * {@code avg_pool2d}), in float64 where it matters, and says so. Skipped, never passed, where libtorch cannot load ({@link Libtorch#assumeAvailable()}).
 */
class OpParityTest {
    private static final double F32 = 1e-4, F32_TIGHT = 1e-5, F64 = 1e-10, F64_GRAD = 1e-9;

    @BeforeEach
    void requireLibtorch() {
        Libtorch.assumeAvailable();
    }

    // -------------------------------------------------------------------------------------------------
    // matmul
    // -------------------------------------------------------------------------------------------------

    @Test
    void matmulFloat32() {
        Tensor a = Libtorch.randn(1, DType.FLOAT32, 33, 70), b = Libtorch.randn(2, DType.FLOAT32, 70, 45);
        assertClose(Libtorch.compute(x -> x.get(0).matMul(x.get(1)), a, b), a.matmul(b), F32, F32, "mm f32 33x70x45");
    }

    @Test
    void matmulFloat64Large() {
        Tensor a = Libtorch.randn(3, DType.FLOAT64, 130, 257), b = Libtorch.randn(4, DType.FLOAT64, 257, 66);
        assertClose(Libtorch.compute(x -> x.get(0).matMul(x.get(1)), a, b), a.matmul(b), F64, F64, "mm f64 130x257x66");
    }

    @Test
    void matmulBatchedBroadcastAndTransposed() {
        Tensor a = Libtorch.randn(5, DType.FLOAT32, 3, 8, 16), b = Libtorch.randn(6, DType.FLOAT32, 5, 16);
        Tensor bt = b.t(); // a non-contiguous view: [16, 5] with strides (1, 16)
        assertClose(Libtorch.compute(x -> x.get(0).matMul(x.get(1).transpose()), a, b), a.matmul(bt), F32, F32,
                "batched matmul [3,8,16] @ [5,16]^T");
    }

    @Test
    void addmmWithBiasAsLinearCallsIt() {
        // F.linear's form: a transposed weight view, the bias fused in the product; and float64 past one k block
        Tensor x = Libtorch.randn(7, DType.FLOAT32, 37, 70), w = Libtorch.randn(8, DType.FLOAT32, 45, 70), b = Libtorch.randn(9, DType.FLOAT32, 45);
        assertClose(Libtorch.compute(t -> t.get(1).matMul(t.get(2).transpose()).add(t.get(0)), b, x, w), b.addmm(x, w.t()), F32, F32,
                "addmm f32 37x70 @ (45x70)^T + [45]");
        Tensor x64 = Libtorch.randn(10, DType.FLOAT64, 9, 300), w64 = Libtorch.randn(11, DType.FLOAT64, 300, 33), b64 = Libtorch.randn(12, DType.FLOAT64, 33);
        assertClose(Libtorch.compute(t -> t.get(1).matMul(t.get(2)).add(t.get(0)), b64, x64, w64), b64.addmm(x64, w64), F64, F64,
                "addmm f64 9x300 @ 300x33 + [33]");
    }

    // -------------------------------------------------------------------------------------------------
    // conv2d, pooling
    // -------------------------------------------------------------------------------------------------

    @Test
    void conv2dStridePaddingBias() {
        Tensor x = Libtorch.randn(10, DType.FLOAT32, 2, 3, 11, 9), w = Libtorch.randn(11, DType.FLOAT32, 4, 3, 3, 3);
        Tensor bias = Libtorch.randn(12, DType.FLOAT32, 4);
        Tensor ref = Libtorch.compute(v -> Conv2d.conv2d(v.get(0), v.get(1), v.get(2), new Shape(2, 2), new Shape(1, 1),
                new Shape(1, 1), 1).singletonOrThrow(), x, w, bias);
        Tensor out = F.conv2d(x, w, bias, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 1);
        assertClose(ref, out, F32, F32, "conv2d stride 2 pad 1");
    }

    @Test
    void conv2dDilationGroups() {
        Tensor x = Libtorch.randn(13, DType.FLOAT32, 2, 4, 10, 12), w = Libtorch.randn(14, DType.FLOAT32, 6, 2, 3, 2);
        Tensor ref = Libtorch.compute(v -> Conv2d.conv2d(v.get(0), v.get(1), null, new Shape(1, 2), new Shape(2, 0),
                new Shape(2, 1), 2).singletonOrThrow(), x, w);
        Tensor out = F.conv2d(x, w, null, new int[] {1, 2}, new int[] {2, 0}, new int[] {2, 1}, 2);
        assertClose(ref, out, F32, F32, "conv2d dilation (2,1) groups 2 no bias");
    }

    @Test
    void maxPool2d() {
        Tensor x = Libtorch.randn(20, DType.FLOAT32, 2, 3, 9, 10);
        Tensor ref = Libtorch.compute(v -> Pool.maxPool2d(v.get(0), new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false), x);
        assertClose(ref, F.maxPool2d(x, 3, 2, 1), 0, 0, "max_pool2d k3 s2 p1");
        Tensor y = Libtorch.randn(21, DType.FLOAT32, 1, 2, 8, 8);
        Tensor refCeil = Libtorch.compute(v -> Pool.maxPool2d(v.get(0), new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), true), y);
        Tensor outCeil = F.maxPool2d(y, new int[] {3}, new int[] {2}, new int[] {0}, new int[] {1}, true);
        assertClose(refCeil, outCeil, 0, 0, "max_pool2d k3 s2 ceil_mode");
    }

    @Test
    void avgPool2d() {
        Tensor x = Libtorch.randn(22, DType.FLOAT32, 2, 3, 9, 10);
        Tensor ref = Libtorch.compute(v -> Pool.avgPool2d(v.get(0), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true), x);
        assertClose(ref, F.avgPool2d(x, 2, 2, 0), F32_TIGHT, F32_TIGHT, "avg_pool2d k2 s2");
        Tensor refPad = Libtorch.compute(v -> Pool.avgPool2d(v.get(0), new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false, true), x);
        assertClose(refPad, F.avgPool2d(x, 3, 2, 1), F32_TIGHT, F32_TIGHT, "avg_pool2d k3 s2 p1 count_include_pad");
        // DJL 0.35.1's avg_pool2d binding ignores count_include_pad (False gives the True result), so the reference
        // for False is composed in libtorch: avg_pool(x) / avg_pool(ones), both counting the padding (the divisors cancel).
        Tensor refExcl = Libtorch.compute(v -> {
            NDArray sum = Pool.avgPool2d(v.get(0), new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false, true);
            NDArray count = Pool.avgPool2d(v.get(0).onesLike(), new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false, true);
            return sum.div(count);
        }, x);
        Tensor outExcl = F.avgPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, false, false);
        assertClose(refExcl, outExcl, F32_TIGHT, F32_TIGHT, "avg_pool2d k3 s2 p1 count_include_pad=False");
    }

    // -------------------------------------------------------------------------------------------------
    // softmax, log_softmax, cross entropy
    // -------------------------------------------------------------------------------------------------

    @Test
    void softmaxAndLogSoftmax() {
        Tensor x = Libtorch.randn(30, DType.FLOAT32, 4, 7, 5).mul(4); // logits spread over ~+-12
        for (int dim : new int[] {0, 1, 2}) {
            assertClose(Libtorch.compute(v -> v.get(0).softmax(dim), x), F.softmax(x, dim), F32_TIGHT, F32_TIGHT, "softmax dim " + dim);
            assertClose(Libtorch.compute(v -> v.get(0).logSoftmax(dim), x), F.logSoftmax(x, dim), F32_TIGHT, F32_TIGHT, "log_softmax dim " + dim);
        }
        Tensor big = Libtorch.randn(31, DType.FLOAT64, 3, 6).mul(300); // overflows a naive exp
        assertClose(Libtorch.compute(v -> v.get(0).logSoftmax(1), big), F.logSoftmax(big, 1), F64, F64, "log_softmax large logits f64");
    }

    @Test
    void crossEntropyClassIndices() {
        Tensor logits = Libtorch.randn(40, DType.FLOAT64, 8, 5).mul(2);
        Tensor target = Libtorch.randint(41, 5, 8);
        // Reference composed of libtorch primitives: -mean(gather(log_softmax(x, 1), 1, target[:, None])).
        Tensor ref = Libtorch.compute(v -> v.get(0).logSoftmax(1).gather(v.get(1).reshape(8, 1), 1).mean().neg(), logits, target);
        assertClose(ref, Losses.crossEntropy(logits, target), F64, F64, "cross_entropy mean");
    }

    // -------------------------------------------------------------------------------------------------
    // sum / mean / var over dims
    // -------------------------------------------------------------------------------------------------

    @Test
    void sumMeanOverDims() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double tol = dt == DType.FLOAT32 ? F32_TIGHT : F64;
            Tensor x = Libtorch.randn(50, dt, 4, 5, 6);
            for (int[] dims : new int[][] {{0}, {1}, {2}, {0, 2}, {0, 1, 2}}) {
                for (boolean keep : new boolean[] {false, true}) {
                    String what = dt + " dims " + Arrays.toString(dims) + " keepdim " + keep;
                    assertClose(Libtorch.compute(v -> v.get(0).sum(dims, keep), x), x.sum(dims, keep), tol, tol, "sum " + what);
                    assertClose(Libtorch.compute(v -> mean(v.get(0), dims, keep), x), x.mean(dims, keep), tol, tol, "mean " + what);
                }
            }
        }
    }

    @Test
    void varOverDims() {
        Tensor x = Libtorch.randn(51, DType.FLOAT64, 4, 5, 6).mul(3).add(7); // a non-zero mean stresses the two-pass
        for (int[] dims : new int[][] {{0}, {2}, {0, 2}, {0, 1, 2}}) {
            long n = 1;
            for (int d : dims) n *= x.size(d);
            for (int correction : new int[] {0, 1}) {
                for (boolean keep : new boolean[] {false, true}) {
                    long denom = n - correction;
                    // torch.var has no DJL binding: sum((x - mean(x, dims, keepdim=True))^2, dims) / (n - correction).
                    Tensor ref = Libtorch.compute(v -> {
                        NDArray c = v.get(0).sub(mean(v.get(0), dims, true));
                        return c.square().sum(dims, keep).div(denom);
                    }, x);
                    assertClose(ref, x.var(dims, correction, keep), F64, F64,
                            "var dims " + Arrays.toString(dims) + " correction " + correction + " keepdim " + keep);
                }
            }
        }
        Tensor xf = x.to(DType.FLOAT32);
        Tensor ref = Libtorch.compute(v -> {
            NDArray c = v.get(0).sub(v.get(0).mean(new int[] {1}, true));
            return c.square().sum(new int[] {1}).div(4);
        }, xf.to(DType.FLOAT64));
        assertClose(ref.to(DType.FLOAT32), xf.var(1, false), F32_TIGHT, F32_TIGHT, "var f32 dim 1");
    }

    // -------------------------------------------------------------------------------------------------
    // gradients (libtorch autograd through DJL's GradientCollector)
    // -------------------------------------------------------------------------------------------------

    /** loss = cross_entropy(3 * tanh(x @ w + b), target) + 0.1 * sum(w^2), gradients w.r.t. x, w, b. */
    @Test
    void gradientOfMlpLoss() {
        Tensor x = Libtorch.randn(60, DType.FLOAT64, 6, 4), w = Libtorch.randn(61, DType.FLOAT64, 4, 3), b = Libtorch.randn(62, DType.FLOAT64, 3);
        Tensor target = Libtorch.randint(63, 3, 6);
        Libtorch.Gradients ref = Libtorch.gradient(v -> {
            NDArray z = v.get(0).matMul(v.get(1)).add(v.get(2)).tanh().mul(3);
            NDArray ce = z.logSoftmax(1).gather(v.get(3).reshape(6, 1), 1).mean().neg();
            return ce.add(v.get(1).square().sum().mul(0.1));
        }, new boolean[] {true, true, true, false}, x, w, b, target);

        Tensor xs = x.clone().requiresGrad_(), ws = w.clone().requiresGrad_(), bs = b.clone().requiresGrad_();
        Tensor z = xs.matmul(ws).add(bs).tanh().mul(3);
        Tensor loss = Losses.crossEntropy(z, target).add(ws.square().sum().mul(0.1));
        loss.backward();
        assertClose(ref.value(), loss, F64, F64, "loss value");
        assertClose(ref.grad(0), xs.grad(), F64_GRAD, F64_GRAD, "d loss / d x");
        assertClose(ref.grad(1), ws.grad(), F64_GRAD, F64_GRAD, "d loss / d w");
        assertClose(ref.grad(2), bs.grad(), F64_GRAD, F64_GRAD, "d loss / d b");
    }

    /** loss = sum(max_pool2d(tanh(conv2d(x, w, b, pad 1)), 2)^2), gradients w.r.t. x, w, b. */
    @Test
    void gradientThroughConvAndPool() {
        Tensor x = Libtorch.randn(70, DType.FLOAT64, 2, 2, 6, 6), w = Libtorch.randn(71, DType.FLOAT64, 3, 2, 3, 3), b = Libtorch.randn(72, DType.FLOAT64, 3);
        Libtorch.Gradients ref = Libtorch.gradient(v -> {
            NDArray c = Conv2d.conv2d(v.get(0), v.get(1), v.get(2), new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
            return Pool.maxPool2d(c.tanh(), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false).square().sum();
        }, x, w, b);

        Tensor xs = x.clone().requiresGrad_(), ws = w.clone().requiresGrad_(), bs = b.clone().requiresGrad_();
        Tensor loss = F.maxPool2d(F.conv2d(xs, ws, bs, 1, 1).tanh(), 2).square().sum();
        loss.backward();
        assertClose(ref.value(), loss, F64, F64, "loss value");
        assertClose(ref.grad(0), xs.grad(), F64_GRAD, F64_GRAD, "d loss / d x");
        assertClose(ref.grad(1), ws.grad(), F64_GRAD, F64_GRAD, "d loss / d w");
        assertClose(ref.grad(2), bs.grad(), F64_GRAD, F64_GRAD, "d loss / d b");
    }

    @Test
    void conversionRoundTrip() {
        Tensor x = Libtorch.randn(80, DType.FLOAT32, 3, 4).t(); // non-contiguous
        Tensor back = Libtorch.compute(v -> v.get(0), x);
        assertArrayEquals(x.shape(), back.shape());
        assertArrayEquals(x.toFloatArray(), back.toFloatArray());
        Tensor i = Libtorch.randint(81, 100, 5);
        Tensor ib = Libtorch.compute(v -> v.get(0), i);
        assertEquals(DType.INT64, ib.dtype());
        assertArrayEquals(i.toLongArray(), ib.toLongArray());
        assertTrue(Libtorch.version().startsWith("2."), Libtorch.version());
    }

    // -------------------------------------------------------------------------------------------------

    /** torch.mean over {@code dims}: DJL binds it for one dim only, so over several it is sum / count. */
    static NDArray mean(NDArray x, int[] dims, boolean keepdim) {
        if (dims.length == 1) return x.mean(dims, keepdim);
        long n = 1;
        for (int d : dims) n *= x.getShape().get(d);
        return x.sum(dims, keepdim).div(n);
    }

    /** {@code |actual - expected| <= atol + rtol * |expected|} everywhere, same shape and dtype; names the worst element. */
    static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), () -> what + ": shape " + Arrays.toString(actual.shape())
                + ", torch " + Arrays.toString(expected.shape()));
        assertEquals(expected.dtype(), actual.dtype(), () -> what + ": dtype");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        int worst = -1;
        double worstExcess = 0, maxAbs = 0;
        for (int k = 0; k < e.length; k++) {
            double d = Math.abs(a[k] - e[k]);
            maxAbs = Math.max(maxAbs, d);
            double excess = d - (atol + rtol * Math.abs(e[k]));
            if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Double.isNaN(excess))) {
                worst = k;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            int k = worst;
            throw new AssertionError(String.format("%s: element %d is %s, torch %s (rtol %g, atol %g; max |diff| %g over %d elements)",
                    what, k, a[k], e[k], rtol, atol, maxAbs, e.length));
        }
    }
}
