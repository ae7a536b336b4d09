package dev.jtorch.autograd;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autograd engine's behaviour beyond single derivative rules, each checked against hand-derived values. */
class AutogradFeaturesTest {

    static Tensor leaf(double... v) { return Tensor.of(v).requiresGrad(true); }

    static void assertValues(double[] want, Tensor t) { assertArrayEquals(want, t.toDoubleArray(), 1e-12); }

    @Test
    void seedSnippet() {
        Tensor x = Tensor.scalar(2.0).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(3));
        y.backward();
        assertEquals(7.0, x.grad().item());
        assertEquals("tensor(10., grad_fn=<AddBackward0>)", y.toString());
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new long[0], x.grad().shape());
    }

    @Test
    void gradAccumulatesOverTwoBackwardCalls() {
        Tensor x = leaf(1, 2, 3);
        x.mul(x).sum().backward();
        assertValues(new double[] {2, 4, 6}, x.grad());
        Tensor first = x.grad();
        x.mul(3).sum().backward();
        assertValues(new double[] {5, 7, 9}, x.grad());
        assertTrue(first == x.grad(), "accumulated in place into the same .grad tensor");
        assertFalse(x.grad().requiresGrad());
        x.setGrad(null);
        x.mul(3).sum().backward();
        assertValues(new double[] {3, 3, 3}, x.grad());
    }

    @Test
    void backwardWithAGradientArgumentOnANonScalar() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.mul(x); // dy_i/dx_i = 2 x_i
        y.backward(Tensor.of(1.0, 0.5, -2.0));
        assertValues(new double[] {2, 2, -12}, x.grad());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2).backward());
        assertTrue(e.getMessage().contains("grad can be implicitly created only for scalar outputs"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> x.mul(2).backward(Tensor.of(1.0, 2.0)));
        assertTrue(shape.getMessage().contains("[2]") && shape.getMessage().contains("[3]"), shape.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = leaf(1, -2);
        Tensor y = x.mul(x).sum();
        y.backward(null, true);
        y.backward(null, true);
        assertValues(new double[] {4, -8}, x.grad());
        y.backward();
        assertValues(new double[] {6, -12}, x.grad());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("backward through the graph a second time"), e.getMessage());
    }

    @Test
    void detachCutsTheGraphButSharesStorage() {
        Tensor x = leaf(1, 2);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        assertTrue(d.storage() == x.storage(), "detach shares storage");
        x.mul(2).add(x.detach().mul(5)).sum().backward();
        assertValues(new double[] {2, 2}, x.grad());
        Tensor h = x.mul(3);
        Tensor hd = h.detach();
        assertTrue(hd.isLeaf());
        hd.fill_(7); // visible through the original, as PyTorch's detach
        assertValues(new double[] {7, 7}, h);
    }

    @Test
    void noGradScopeIsThreadLocal() throws Exception {
        Tensor x = leaf(1, 2);
        AtomicReference<Tensor> fromOtherThread = new AtomicReference<>();
        try (var g = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            Tensor y = x.mul(2);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            Thread t = new Thread(() -> fromOtherThread.set(x.mul(2)));
            t.start();
            t.join();
            try (var inner = GradMode.set(true)) {
                assertTrue(x.mul(2).requiresGrad(), "enable_grad inside no_grad records");
            }
            assertFalse(GradMode.isEnabled(), "the inner scope restored no-grad");
        }
        assertTrue(fromOtherThread.get().requiresGrad(), "another thread still records while this one is in noGrad");
        assertNotNull(fromOtherThread.get().gradFn());
        assertTrue(GradMode.isEnabled());
        assertTrue(x.mul(2).requiresGrad());
    }

    @Test
    void inPlaceModificationOfASavedTensorFailsAtBackward() {
        Tensor x = leaf(0.5, 1.5);
        Tensor a = x.mul(2);
        Tensor b = a.sin(); // saves a
        a.add_(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.sum().backward());
        assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
        assertTrue(e.getMessage().contains("is at version 1; expected version 0"), e.getMessage());
        // a plain tensor (no grad) saved by mul, modified through a view, also counts
        Tensor w = Tensor.of(1.0, 2.0);
        Tensor y = x.mul(w);
        w.narrow(0, 0, 1).mul_(3);
        assertThrows(IllegalStateException.class, () -> y.sum().backward());
    }

    @Test
    void inPlaceOnANonLeafIsRecorded() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2);
        y.mul_(3);
        assertEquals("MulBackward0", y.gradFn().name());
        y.add_(x); // y = 6x + x
        assertEquals("AddBackward0", y.gradFn().name());
        assertValues(new double[] {7, 14}, y);
        y.sum().backward();
        assertValues(new double[] {7, 7}, x.grad());
    }

    /**
     * {@code op_} with a tensor operand writes in place in one kernel where autograd records nothing; the results
     * are the out-of-place op's, through views, broadcasting, and an operand that overlaps the destination.
     */
    @Test
    void inPlaceArithmeticWithATensorOperandWritesTheOutOfPlaceResult() {
        Tensor a = Tensor.of(1.0, 2.0, 3.0, 4.0).reshape(2, 2);
        int version = a.storage().version();
        a.add_(Tensor.of(10.0, 20.0));
        assertValues(new double[] {11, 22, 13, 24}, a);
        assertTrue(a.storage().version() > version, "the write bumps the version autograd checks");
        a.t().mul_(Tensor.of(1.0, 2.0, 3.0, 4.0).reshape(2, 2));   // a^T *= [[1, 2], [3, 4]]
        assertValues(new double[] {11, 66, 26, 96}, a);
        a.sub_(Tensor.of(1.0)).div_(Tensor.of(5.0, 5.0));
        assertValues(new double[] {2, 13, 5, 19}, a);
        Tensor b = Tensor.of(1.0, 2.0, 3.0, 4.0).reshape(2, 2);
        b.add_(b.t());   // reads b as it was before the call, as b + b^T does
        assertValues(new double[] {2, 5, 5, 8}, b);
        Tensor f = Tensor.of(1f, 2f);
        f.add_(Tensor.of(0.5, 0.25));   // another dtype: the result is cast back
        assertArrayEquals(new double[] {1.5, 2.25}, f.toDoubleArray(), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(1.0, 2.0).add_(Tensor.of(1.0, 2.0, 3.0, 4.0).reshape(2, 2)));
    }

    @Test
    void retainGradKeepsTheGradientOfANonLeaf() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(3).retainGrad();
        Tensor other = x.mul(5);
        h.mul(h).add(other).sum().backward();
        assertValues(new double[] {6, 12}, h.grad()); // 2h
        assertNull(other.grad(), "a non-leaf without retainGrad keeps no .grad");
        assertValues(new double[] {18 + 5, 36 + 5}, x.grad());
    }

    @Test
    void gradientsOfOneTensorUsedTwiceAreSummed() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.mul(x).add(x); // 2x + 1
        y.sum().backward();
        assertValues(new double[] {3, 5, 7}, x.grad());
        // a diamond with paths of different lengths: z = sin(2x) * cos(2x)
        Tensor v = leaf(0.3, -0.7);
        Tensor a = v.mul(2);
        a.sin().mul(a.cos()).sum().backward();
        double[] want = new double[2];
        double[] vv = {0.3, -0.7};
        for (int i = 0; i < 2; i++) want[i] = 2 * Math.cos(4 * vv[i]);
        assertArrayEquals(want, v.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void leavesAreReachedThroughViews() {
        Tensor x = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).requiresGrad(true);
        // x.T[1:3] flattened: picks x[:, 1:3]
        Tensor y = x.transpose(0, 1).narrow(0, 1, 2).reshape(-1);
        y.mul(Tensor.of(1.0, 2.0, 3.0, 4.0)).sum().backward();
        // y = [x01, x11, x02, x12] times [1, 2, 3, 4]
        assertValues(new double[] {0, 1, 3, 0, 2, 4}, x.grad());
        assertArrayEquals(new long[] {2, 3}, x.grad().shape());
        assertTrue(x.grad().isContiguous());
        Tensor z = leaf(1, 2, 3, 4);
        z.slice(0, 0, 4, 2).add(z.expand(2, 4).sum(0).narrow(0, 1, 2)).sum().backward();
        assertValues(new double[] {1, 2, 3, 0}, z.grad());
    }

    @Test
    void float32LeafGetsAFloat32GradThroughFloat64Ops() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        x.to(DType.FLOAT64).mul(2.5).sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertValues(new double[] {2.5, 2.5}, x.grad());
    }

    @Test
    void requiresGradPropagatesAndLeavesAreMarked() {
        Tensor x = leaf(1, 2);
        Tensor c = Tensor.of(3.0, 4.0);
        assertTrue(x.isLeaf());
        Tensor y = x.add(c);
        assertTrue(y.requiresGrad());
        assertFalse(y.isLeaf());
        assertFalse(c.mul(2).requiresGrad());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.mul(2).sum().backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false), "non-leaf requires_grad cannot be cleared");
    }

    /** y = x^3 written by hand, as a user's autograd.Function. */
    static final class Cube extends Function {
        @Override protected Tensor forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].mul(in[0]).mul(in[0]);
        }

        @Override protected Tensor[] backward(FunctionContext ctx, Tensor g) {
            Tensor x = ctx.savedTensors()[0];
            return new Tensor[] {g.mul(x.square()).mul(3)};
        }
    }

    /** z = a * b + a with a, b of broadcastable shapes; gradients summed back to each input's shape. */
    static final class MulAdd extends Function {
        @Override protected Tensor forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            return in[0].mul(in[1]).add(in[0]);
        }

        @Override protected Tensor[] backward(FunctionContext ctx, Tensor g) {
            Tensor a = ctx.savedTensors()[0], b = ctx.savedTensors()[1];
            return new Tensor[] {
                    ctx.needsInputGrad(0) ? g.mul(b.add(1)).sumToSize(a.shape()) : null,
                    ctx.needsInputGrad(1) ? g.mul(a).sumToSize(b.shape()) : null};
        }
    }

    @Test
    void customFunctionPassesGradcheck() {
        Tensor x = Tensor.of(0.5, -1.25, 2.0).requiresGrad(true);
        assertTrue(GradCheck.gradcheck(t -> new Cube().apply(t[0]), x));
        Tensor y = new Cube().apply(x);
        assertEquals("CubeBackward", y.gradFn().name());
        assertTrue(y.toString().endsWith("grad_fn=<CubeBackward>)"), y.toString());
        Tensor a = Tensor.randn(new long[] {2, 3}, DType.FLOAT64, dev.jtorch.tensor.Device.CPU, new dev.jtorch.tensor.Generator(3)).requiresGrad(true);
        Tensor b = Tensor.randn(new long[] {3}, DType.FLOAT64, dev.jtorch.tensor.Device.CPU, new dev.jtorch.tensor.Generator(4)).requiresGrad(true);
        assertTrue(GradCheck.gradcheck(t -> new MulAdd().apply(t[0], t[1]).exp(), a, b));
        // composes with recorded ops on both sides
        Tensor z = leaf(1, 2);
        new Cube().apply(z.mul(2)).sum().backward();
        assertValues(new double[] {24, 96}, z.grad()); // d/dz (2z)^3 = 24 z^2
    }

    @Test
    void customFunctionErrorsAreReported() {
        Function wrongCount = new Function() {
            @Override protected Tensor forward(FunctionContext ctx, Tensor... in) { return in[0].mul(2); }

            @Override protected Tensor[] backward(FunctionContext ctx, Tensor g) { return new Tensor[] {g, g}; }
        };
        Tensor x = leaf(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrongCount.apply(x).sum().backward());
        assertTrue(e.getMessage().contains("incorrect number of gradients (expected 1, got 2)"), e.getMessage());
        Function wrongShape = new Function() {
            @Override protected Tensor forward(FunctionContext ctx, Tensor... in) { return in[0].sum(); }

            @Override protected Tensor[] backward(FunctionContext ctx, Tensor g) { return new Tensor[] {g}; }
        };
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> wrongShape.apply(x).backward());
        assertTrue(s.getMessage().contains("invalid gradient at index 0") && s.getMessage().contains("[2]"), s.getMessage());
        // a tensor saved by a custom function and modified in place
        Tensor w = leaf(1, 2);
        Tensor h = w.mul(1);
        Tensor y = new Cube().apply(h);
        h.add_(1);
        IllegalStateException v = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(v.getMessage().contains("modified by an inplace operation"), v.getMessage());
    }

    @Test
    void customFunctionForwardDoesNotRecordAndIsPlainWithoutGrad() {
        Tensor c = Tensor.of(1.0, 2.0);
        Tensor y = new Cube().apply(c);
        assertFalse(y.requiresGrad());
        assertValues(new double[] {1, 8}, y);
        Tensor x = leaf(1, 2);
        Tensor z = new Cube().apply(x);
        // only the custom node: the ops inside forward were not recorded
        assertEquals(java.util.List.of("CubeBackward", "  AccumulateGrad"), Engine.describe(z));
    }

    @Test
    void gradFnNamesFollowPyTorch() {
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}}).requiresGrad(true);
        assertEquals("SumBackward0", x.sum().gradFn().name());
        assertEquals("SumBackward1", x.sum(1).gradFn().name());
        assertEquals("ViewBackward0", x.reshape(4).gradFn().name());
        assertEquals("PermuteBackward0", x.permute(1, 0).gradFn().name());
        assertEquals("PowBackward0", x.pow(2).gradFn().name());
        assertEquals("PowBackward1", x.pow(x).gradFn().name());
        assertEquals("SliceBackward0", x.slice(0, 0, 2, 2).gradFn().name());
        assertEquals("CatBackward0", Tensor.cat(0, x, x).gradFn().name());
        assertEquals("ToCopyBackward0", x.to(DType.FLOAT64).gradFn().name());
    }

    @Test
    void gradIsNotSharedBetweenLeaves() {
        Tensor x = leaf(1, 2), y = leaf(3, 4);
        x.add(y).sum().backward();
        assertNotSame(x.grad(), y.grad());
        x.grad().add_(Tensor.of(100.0, 100.0));
        assertValues(new double[] {1, 1}, y.grad());
    }
}
