package dev.jtorch.autograd;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.GradFn;
import dev.jtorch.tensor.Index;
import dev.jtorch.tensor.Op;
import dev.jtorch.tensor.Recurrent;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradcheck (float64) of every differentiable {@link Op} and of the composite operations
 * built from them, each on four input layouts: contiguous, transposed (non-contiguous leaf), sliced with a
 * step (non-contiguous leaf) and expanded (stride-0 broadcast of a smaller leaf). Binary operations also
 * have explicit broadcast cases. {@link #everyOpHasAGradcheckCase()} walks the graph each case records, so an
 * {@link Op} constant without a case here fails the build.
 */
class GradcheckAllOpsTest {

    /** How the values of a differentiable input are drawn. */
    enum Gen {
        /** standard normal */
        NORMAL,
        /** uniform on [0.5, 2]: log, sqrt, pow bases, divisors */
        POSITIVE,
        /** distinct magnitudes at least 0.17 apart, random signs: max/min/pooling without ties */
        DISTINCT;

        double[] draw(Random r, int n) {
            double[] v = new double[n];
            switch (this) {
                case NORMAL -> { for (int i = 0; i < n; i++) v[i] = r.nextGaussian(); }
                case POSITIVE -> { for (int i = 0; i < n; i++) v[i] = 0.5 + 1.5 * r.nextDouble(); }
                case DISTINCT -> {
                    List<Integer> perm = new ArrayList<>();
                    for (int i = 0; i < n; i++) perm.add(i);
                    Collections.shuffle(perm, r);
                    for (int i = 0; i < n; i++) v[i] = (0.3 + 0.17 * perm.get(i)) * (r.nextBoolean() ? 1 : -1);
                }
            }
            return v;
        }
    }

    /** The memory layout the differentiable inputs are given in; the logical shape is always the case's. */
    enum Layout { CONTIGUOUS, TRANSPOSED, STEPPED, EXPANDED }

    record Case(String name, long[][] shapes, Gen[] gens, Function<Tensor[], Tensor> f, double eps) {
        Case gens(Gen... g) { return new Case(name, shapes, g, f, eps); }
        Case eps(double e) { return new Case(name, shapes, gens, f, e); }
        Case pos() { Gen[] g = new Gen[shapes.length]; Arrays.fill(g, Gen.POSITIVE); return gens(g); }
        Case distinct() { Gen[] g = new Gen[shapes.length]; Arrays.fill(g, Gen.DISTINCT); return gens(g); }
    }

    static long[] s(long... shape) { return shape; }

    static Case c(String name, Function<Tensor[], Tensor> f, long[]... shapes) {
        Gen[] g = new Gen[shapes.length];
        Arrays.fill(g, Gen.NORMAL);
        return new Case(name, shapes, g, f, GradCheck.EPS);
    }

    // fixed non-differentiable operands
    static final Tensor COND34 = Tensor.of(new boolean[][] {{true, false, false, true}, {false, true, true, false}, {true, true, false, false}});
    static final Tensor COND31 = Tensor.of(new boolean[][] {{true}, {false}, {true}});
    static final Tensor MASK_ROW = Tensor.of(new boolean[] {false, true, true, false});
    static final Tensor IDX_DUP = Tensor.of(0L, 2L, 0L);
    static final Tensor IDX_2D = Tensor.of(new long[][] {{2, 0}, {1, 1}});
    static final Tensor GATHER_IDX = Tensor.of(new long[][] {{0, 3}, {1, 1}, {2, 0}});
    static final Tensor SCATTER_IDX = Tensor.of(new long[][] {{3, 0, 1}, {2, 1, 0}});

    static final Window2d CONV_W = Window2d.conv(3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    static final Window2d CONV_W_STRIDED = Window2d.conv(5, 5, 2, 2, 2, 2, 1, 1, 2, 2);
    static final Window2d CONV_GROUPED = Window2d.conv(5, 5, 3, 3, 2, 2, 1, 1, 1, 1);
    static final Window2d CONV_DILATED = Window2d.conv(5, 6, 2, 2, 1, 2, 0, 1, 2, 1);
    static final Window2d CONV_POINTWISE = Window2d.conv(3, 3, 1, 1, 1, 1, 0, 0, 1, 1);
    static final Window2d CONV_3X3_PAD = Window2d.conv(4, 4, 3, 3, 1, 1, 1, 1, 1, 1);
    static final Window2d POOL_2X2 = new Window2d(4, 4, 2, 2, 2, 2, 0, 0, 1, 1, false, true);
    static final Window2d POOL_3X3_PAD_CEIL = new Window2d(5, 5, 3, 3, 2, 2, 1, 1, 1, 1, true, true);
    static final Window2d AVG_3X3_PAD_EXCL = new Window2d(5, 5, 3, 3, 2, 2, 1, 1, 1, 1, true, false);

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        // ---- elementwise binary, same shape and broadcast ----
        cs.add(c("add", t -> t[0].add(t[1]), s(3, 4), s(3, 4)));
        cs.add(c("add broadcast", t -> t[0].add(t[1]), s(2, 1, 3), s(4, 1)));
        cs.add(c("add alpha", t -> t[0].add(t[1], -1.5), s(3, 4), s(4)));
        cs.add(c("add scalar", t -> t[0].add(2.5), s(3, 4)));
        cs.add(c("sub", t -> t[0].sub(t[1]), s(3, 4), s(3, 4)));
        cs.add(c("sub broadcast", t -> t[0].sub(t[1]), s(3, 1), s(2, 1, 4)));
        cs.add(c("sub scalar and rsub", t -> t[0].sub(1.5).add(t[0].rsub(0.25)), s(3, 4)));
        cs.add(c("mul", t -> t[0].mul(t[1]), s(3, 4), s(3, 4)));
        cs.add(c("mul broadcast", t -> t[0].mul(t[1]), s(2, 3, 1), s(1, 4)));
        cs.add(c("mul broadcast 0-dim", t -> t[0].mul(t[1]), s(3, 4), s()));
        cs.add(c("mul scalar", t -> t[0].mul(-3), s(3, 4)));
        cs.add(c("div", t -> t[0].div(t[1]), s(3, 4), s(3, 4)).gens(Gen.NORMAL, Gen.POSITIVE));
        cs.add(c("div broadcast", t -> t[0].div(t[1]), s(4), s(3, 1)).gens(Gen.NORMAL, Gen.POSITIVE));
        cs.add(c("div scalar", t -> t[0].div(0.75), s(3, 4)));
        cs.add(c("pow tensor exponent", t -> t[0].pow(t[1]), s(3, 4), s(3, 4)).gens(Gen.POSITIVE, Gen.NORMAL));
        cs.add(c("pow tensor exponent broadcast", t -> t[0].pow(t[1]), s(3, 1), s(2, 1, 4)).gens(Gen.POSITIVE, Gen.NORMAL));
        cs.add(c("pow scalar exponent", t -> t[0].pow(2.5), s(3, 4)).pos());
        cs.add(c("pow integral scalar exponent of negatives", t -> t[0].pow(3), s(3, 4)));
        cs.add(c("maximum", t -> t[0].maximum(t[1]), s(3, 4), s(3, 4)));
        cs.add(c("maximum broadcast", t -> t[0].maximum(t[1]), s(3, 1), s(4)));
        cs.add(c("minimum", t -> t[0].minimum(t[1]), s(3, 4), s(3, 4)));
        cs.add(c("minimum broadcast", t -> t[0].minimum(t[1]), s(2, 1, 4), s(3, 1)));
        cs.add(c("where", t -> Tensor.where(COND34, t[0], t[1]), s(3, 4), s(3, 4)));
        cs.add(c("where broadcast", t -> Tensor.where(COND31, t[0], t[1]), s(4), s(2, 3, 1)));
        cs.add(c("where scalar other", t -> Tensor.where(COND34, t[0], 0.5), s(3, 4)));
        cs.add(c("maskedFill broadcast mask", t -> t[0].maskedFill(MASK_ROW, 0.5), s(3, 4)));
        cs.add(c("clamp", t -> t[0].clamp(-0.5, 0.7), s(3, 4)));
        cs.add(c("clampMin and clampMax", t -> t[0].clampMin(-0.3).add(t[0].clampMax(0.2)), s(3, 4)));
        // ---- elementwise unary ----
        cs.add(c("neg", t -> t[0].neg(), s(3, 4)));
        cs.add(c("abs", t -> t[0].abs(), s(3, 4)));
        cs.add(c("exp", t -> t[0].exp(), s(3, 4)));
        cs.add(c("log", t -> t[0].log(), s(3, 4)).pos());
        cs.add(c("log1p", t -> t[0].log1p(), s(3, 4)).pos());
        cs.add(c("sqrt", t -> t[0].sqrt(), s(3, 4)).pos());
        cs.add(c("rsqrt", t -> t[0].rsqrt(), s(3, 4)).pos());
        cs.add(c("reciprocal", t -> t[0].reciprocal(), s(3, 4)).pos());
        cs.add(c("square", t -> t[0].square(), s(3, 4)));
        cs.add(c("sin", t -> t[0].sin(), s(3, 4)));
        cs.add(c("cos", t -> t[0].cos(), s(3, 4)));
        cs.add(c("tanh", t -> t[0].tanh(), s(3, 4)));
        cs.add(c("sigmoid", t -> t[0].sigmoid(), s(3, 4)));
        cs.add(c("relu", t -> t[0].relu(), s(3, 4)));
        cs.add(c("erf", t -> t[0].erf(), s(3, 4)));
        cs.add(c("clone", t -> t[0].clone().mul(2), s(3, 4)));
        cs.add(c("to float32 and back to float64", t -> t[0].to(DType.FLOAT32).mul(2).to(DType.FLOAT64), s(3, 4)).eps(1e-3));
        // ---- reductions ----
        cs.add(c("sum all", t -> t[0].sum(), s(3, 4)));
        cs.add(c("sum dim", t -> t[0].sum(1), s(2, 3, 4)));
        cs.add(c("sum dims keepdim", t -> t[0].sum(new int[] {0, -1}, true), s(2, 3, 4)));
        cs.add(c("prod all", t -> t[0].prod(), s(2, 3)).pos());
        cs.add(c("prod dim keepdim with negatives", t -> t[0].prod(1, true), s(3, 4)).distinct());
        cs.add(c("max all", t -> t[0].max(), s(3, 4)).distinct());
        cs.add(c("min all", t -> t[0].min(), s(3, 4)).distinct());
        cs.add(c("max dim", t -> t[0].max(1).values(), s(3, 4)).distinct());
        cs.add(c("max dim keepdim", t -> t[0].max(0, true).values(), s(3, 4)).distinct());
        cs.add(c("min dim", t -> t[0].min(-1, false).values(), s(2, 3, 4)).distinct());
        cs.add(c("min dim keepdim", t -> t[0].min(1, true).values(), s(3, 4)).distinct());
        cs.add(c("mean all", t -> t[0].mean(), s(3, 4)));
        cs.add(c("mean dim keepdim", t -> t[0].mean(1, true), s(3, 4)));
        cs.add(c("var all", t -> t[0].var(), s(3, 4)));
        cs.add(c("var dim keepdim", t -> t[0].var(0, true), s(3, 4)));
        cs.add(c("var dims correction 0", t -> t[0].var(new int[] {0, 2}, 0, false), s(2, 3, 4)));
        cs.add(c("std all", t -> t[0].std(), s(3, 4)));
        cs.add(c("std dim", t -> t[0].std(1, false), s(3, 4)));
        cs.add(c("norm p=1", t -> t[0].norm(1), s(3, 4)));
        cs.add(c("norm p=2", t -> t[0].norm(), s(3, 4)));
        cs.add(c("norm p=3", t -> t[0].norm(3), s(3, 4)));
        cs.add(c("norm p=inf", t -> t[0].norm(Double.POSITIVE_INFINITY), s(3, 4)).distinct());
        cs.add(c("norm p=2 dim", t -> t[0].norm(2, new int[] {1}, false), s(3, 4)));
        cs.add(c("norm p=inf dims keepdim", t -> t[0].norm(Double.POSITIVE_INFINITY, new int[] {0, 2}, true), s(2, 3, 4)).distinct());
        cs.add(c("logsumexp", t -> t[0].logsumexp(1, false), s(3, 4)));
        cs.add(c("logsumexp keepdim", t -> t[0].logsumexp(0, true), s(3, 4)));
        // ---- matrix products ----
        cs.add(c("mm", t -> t[0].mm(t[1]), s(2, 3), s(3, 4)));
        cs.add(c("matmul vector @ matrix", t -> t[0].matmul(t[1]), s(3), s(3, 4)));
        cs.add(c("matmul matrix @ vector", t -> t[0].matmul(t[1]), s(2, 3), s(3)));
        cs.add(c("matmul vector @ vector", t -> t[0].matmul(t[1]), s(3), s(3)));
        cs.add(c("matmul batch @ matrix", t -> t[0].matmul(t[1]), s(2, 2, 3), s(3, 4)));
        cs.add(c("matmul broadcast batch dims", t -> t[0].matmul(t[1]), s(2, 1, 2, 3), s(3, 3, 2)));
        cs.add(c("matmul vector @ batch", t -> t[0].matmul(t[1]), s(3), s(2, 3, 2)));
        cs.add(c("bmm", t -> t[0].bmm(t[1]), s(2, 2, 3), s(2, 3, 2)));
        cs.add(c("addmm bias [N]", t -> t[0].addmm(t[1], t[2]), s(4), s(3, 5), s(5, 4)));
        cs.add(c("addmm input [M,1]", t -> t[0].addmm(t[1], t[2]), s(3, 1), s(3, 5), s(5, 4)));
        cs.add(c("addmm input [1]", t -> t[0].addmm(t[1], t[2]), s(1), s(3, 5), s(5, 4)));
        // ---- views ----
        cs.add(c("reshape merging dims", t -> t[0].reshape(4, 3), s(3, 4)));
        cs.add(c("view splitting a dim", t -> t[0].view(3, 2, 2), s(3, 4)));
        cs.add(c("permute", t -> t[0].permute(2, 0, 1).mul(t[1]), s(2, 3, 4), s(4, 2, 3)));
        cs.add(c("transpose", t -> t[0].transpose(0, 1).mul(t[1]), s(3, 4), s(4, 3)));
        cs.add(c("t and mT", t -> t[0].t().add(t[0].mT()), s(3, 4)));
        cs.add(c("expand", t -> t[0].expand(2, 3, 4).mul(t[1]), s(3, 1), s(2, 3, 4)));
        cs.add(c("expandAs", t -> t[0].expandAs(t[1]).mul(t[1]), s(4), s(3, 4)));
        cs.add(c("squeeze", t -> t[0].squeeze(), s(3, 1, 4)));
        cs.add(c("squeeze dim", t -> t[0].squeeze(1), s(3, 1, 4)));
        cs.add(c("unsqueeze", t -> t[0].unsqueeze(1).mul(t[1]), s(3, 4), s(2, 1)));
        cs.add(c("flatten", t -> t[0].flatten(), s(2, 3, 2)));
        cs.add(c("flatten range", t -> t[0].flatten(1, 2), s(2, 3, 2)));
        cs.add(c("contiguous of transpose", t -> t[0].transpose(0, 1).contiguous().view(-1), s(3, 4)));
        cs.add(c("narrow", t -> t[0].narrow(1, 1, 2), s(3, 4)));
        cs.add(c("slice with step", t -> t[0].slice(1, 0, 4, 2), s(3, 4)));
        cs.add(c("slice with step and negative start", t -> t[0].slice(0, -3, 5, 2), s(5, 2)));
        cs.add(c("select", t -> t[0].select(1, -1), s(3, 4)));
        cs.add(c("basic index expression", t -> t[0].index(Index.at(1), Index.slice(null, null, 2), Index.newAxis(), Index.ellipsis()), s(3, 4, 2)));
        // ---- joins and splits ----
        cs.add(c("cat dim 0", t -> Tensor.cat(0, t[0], t[1], t[2]), s(1, 3), s(2, 3), s(3, 3)));
        cs.add(c("cat dim 1", t -> Tensor.cat(1, t[0], t[1]), s(2, 3), s(2, 1)));
        cs.add(c("stack", t -> Tensor.stack(1, t[0], t[1]), s(2, 3), s(2, 3)));
        cs.add(c("chunk", t -> {
            List<Tensor> ps = t[0].chunk(3, 1);
            return ps.get(0).mul(ps.get(1)).add(ps.get(2).mul(2));
        }, s(2, 6)));
        cs.add(c("split by size", t -> {
            List<Tensor> ps = t[0].split(2, 0);
            return ps.get(0).sum().mul(ps.get(1).sum()).add(ps.get(2).sum());
        }, s(5, 2)));
        cs.add(c("split by sizes", t -> {
            List<Tensor> ps = t[0].split(new long[] {1, 3}, 1);
            return ps.get(1).mul(ps.get(0));
        }, s(3, 4)));
        // ---- advanced indexing ----
        cs.add(c("index by int64 tensor", t -> t[0].index(IDX_DUP), s(3, 4)));
        cs.add(c("index by 2-d int64 tensor", t -> t[0].index(IDX_2D), s(3, 4)));
        cs.add(c("index by bool mask", t -> t[0].index(COND34), s(3, 4)));
        cs.add(c("maskedSelect broadcast mask", t -> t[0].maskedSelect(MASK_ROW), s(3, 4)));
        cs.add(c("indexSelect with repeats", t -> t[0].indexSelect(1, IDX_DUP), s(2, 4)));
        cs.add(c("gather with repeats", t -> t[0].gather(1, GATHER_IDX), s(3, 4)));
        cs.add(c("scatter tensor src", t -> t[0].scatter(1, SCATTER_IDX, t[1]), s(2, 4), s(2, 3)));
        cs.add(c("scatter value", t -> t[0].scatter(1, SCATTER_IDX, 0.5), s(2, 4)));
        // ---- windows ----
        cs.add(c("im2col padded", t -> t[0].im2col(CONV_W), s(1, 2, 3, 3)));
        cs.add(c("im2col strided dilated", t -> t[0].im2col(CONV_W_STRIDED), s(2, 1, 5, 5)));
        cs.add(c("softmax last dim", t -> t[0].softmax(-1), s(3, 5)));
        cs.add(c("softmax middle dim", t -> t[0].softmax(1), s(2, 3, 4)));
        cs.add(c("logSoftmax last dim", t -> t[0].logSoftmax(1), s(3, 5)));
        cs.add(c("logSoftmax first dim", t -> t[0].logSoftmax(0), s(4, 3)));
        cs.add(c("conv2d grouped strided padded with bias", t -> t[0].conv2d(t[1], t[2], CONV_GROUPED, 2), s(2, 4, 5, 5), s(6, 2, 3, 3), s(6)));
        cs.add(c("conv2d dilated without bias", t -> t[0].conv2d(t[1], null, CONV_DILATED, 1), s(1, 2, 5, 6), s(3, 2, 2, 2)));
        cs.add(c("conv2d 1x1 depthwise", t -> t[0].conv2d(t[1], t[2], CONV_POINTWISE, 3), s(2, 3, 3, 3), s(3, 1, 1, 1), s(3)));
        cs.add(c("conv2d with bias", t -> t[0].conv2d(t[1], t[2], CONV_3X3_PAD, 1), s(1, 2, 4, 4), s(3, 2, 3, 3), s(3)));
        cs.add(c("conv2d strided dilated grouped without bias", t -> t[0].conv2d(t[1], null, CONV_W_STRIDED, 2), s(2, 4, 5, 5), s(4, 2, 2, 2)));
        cs.add(c("maxPool2d 2x2", t -> t[0].maxPool2d(POOL_2X2), s(1, 2, 4, 4)).distinct());
        cs.add(c("maxPool2d 3x3 padded ceil", t -> t[0].maxPool2d(POOL_3X3_PAD_CEIL), s(2, 1, 5, 5)).distinct());
        cs.add(c("avgPool2d 2x2", t -> t[0].avgPool2d(POOL_2X2), s(1, 2, 4, 4)));
        cs.add(c("avgPool2d 3x3 padded ceil count_include_pad", t -> t[0].avgPool2d(POOL_3X3_PAD_CEIL), s(1, 1, 5, 5)));
        cs.add(c("avgPool2d 3x3 padded ceil exclude pad", t -> t[0].avgPool2d(AVG_3X3_PAD_EXCL), s(1, 1, 5, 5)));
        // ---- recurrent cells ----
        cs.add(c("lstmCell", t -> Recurrent.lstmCell(t[0], t[1], t[2]), s(3, 8), s(3, 8), s(3, 2)));
        cs.add(c("lstmCell h only, batch 1", t -> Recurrent.lstmCell(t[0], t[1], t[2]).select(0, 0), s(1, 12), s(1, 12), s(1, 3)));
        cs.add(c("lstmCell c only, fed twice", t -> {
            Tensor c1 = Recurrent.lstmCell(t[0], t[1], t[2]).select(0, 1);
            return Recurrent.lstmCell(t[1], t[0], c1).select(0, 1);
        }, s(2, 8), s(2, 8), s(2, 2)));
        cs.add(c("lstmLayer", t -> Recurrent.lstmLayer(t[0], t[1], t[2], t[3], false), s(3, 2, 8), s(8, 2), s(2, 2), s(2, 2)));
        cs.add(c("lstmLayer reverse, h only, batch 1", t -> Recurrent.lstmLayer(t[0], t[1], t[2], t[3], true).select(0, 0),
                s(4, 1, 12), s(12, 3), s(1, 3), s(1, 3)));
        cs.add(c("lstmLayer one step, final c only", t -> Recurrent.lstmLayer(t[0], t[1], t[2], t[3], false).select(0, 1).select(0, 0),
                s(1, 2, 4), s(4, 1), s(2, 1), s(2, 1)));
        cs.add(c("lstmLayer, two layers stacked", t -> {
            Tensor first = Recurrent.lstmLayer(t[0], t[1], t[2], t[3], false).select(0, 0);
            return Recurrent.lstmLayer(Tensor.cat(2, first, first.mul(2), first.mul(-1), first), t[1], t[2], t[3], true);
        }, s(3, 2, 8), s(8, 2), s(2, 2), s(2, 2)));
        cs.add(c("gruCell", t -> Recurrent.gruCell(t[0], t[1], t[2]), s(3, 6), s(3, 6), s(3, 2)));
        cs.add(c("gruCell batch 1, hidden fed back", t -> {
            Tensor h1 = Recurrent.gruCell(t[0], t[1], t[2]);
            return Recurrent.gruCell(t[1], t[0], h1);
        }, s(1, 9), s(1, 9), s(1, 3)));
        return cs;
    }

    // =====================================================================================================

    @TestFactory
    Stream<DynamicTest> gradcheckEveryCaseOnEveryLayout() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case cs : cases()) {
            for (Layout l : Layout.values()) {
                tests.add(DynamicTest.dynamicTest(cs.name() + " [" + l + "]", () -> runGradcheck(cs, l)));
            }
        }
        return tests.stream();
    }

    static void runGradcheck(Case cs, Layout layout) {
        Random r = new Random(cs.name().hashCode() * 31L + layout.ordinal());
        int n = cs.shapes().length;
        Tensor[] leaves = new Tensor[n];
        for (int i = 0; i < n; i++) {
            long[] shape = cs.shapes()[i];
            leaves[i] = leaf(shape, cs.gens()[i].draw(r, (int) numel(shape)), layout);
        }
        Function<Tensor[], Tensor> f = ts -> {
            Tensor[] in = new Tensor[n];
            for (int i = 0; i < n; i++) in[i] = adapt(ts[i], cs.shapes()[i], layout);
            return cs.f().apply(in);
        };
        Tensor out = f.apply(leaves);
        assertTrue(out.requiresGrad(), "output does not require grad: the case tests nothing");
        assertEquals(DType.FLOAT64, out.dtype());
        assertTrue(GradCheck.gradcheck(f, cs.eps(), GradCheck.ATOL, GradCheck.RTOL, leaves));
    }

    /** A float64 leaf requiring grad whose logical value is {@code values} in {@code shape}, laid out as asked. */
    static Tensor leaf(long[] shape, double[] values, Layout layout) {
        Tensor logical = Tensor.of(values).reshape(shape);
        int rank = shape.length;
        Layout l = layout;
        // a reversal that only moves size-1 dims is still contiguous: use a stepped slice instead
        if (l == Layout.TRANSPOSED && nonSingletonDims(shape) < 2) l = Layout.STEPPED;
        if (rank == 0) l = Layout.CONTIGUOUS;
        if (l == Layout.EXPANDED && shape[0] == 1) l = Layout.CONTIGUOUS;
        Tensor t = switch (l) {
            case CONTIGUOUS -> logical.clone();
            case TRANSPOSED -> {
                long[] rev = new long[rank];
                int[] perm = new int[rank];
                for (int i = 0; i < rank; i++) {
                    rev[i] = shape[rank - 1 - i];
                    perm[i] = rank - 1 - i;
                }
                Tensor view = Tensor.zeros(rev, DType.FLOAT64).permute(perm);
                view.copy_(logical);
                assertFalse(view.isContiguous(), "transposed layout is contiguous");
                yield view;
            }
            case STEPPED -> {
                long[] wide = shape.clone();
                wide[rank - 1] = 2 * shape[rank - 1] + 1;
                Tensor view = Tensor.zeros(wide, DType.FLOAT64).slice(rank - 1, 1, wide[rank - 1], 2);
                view.copy_(logical);
                if (shape[rank - 1] > 1) assertFalse(view.isContiguous(), "stepped layout is contiguous");
                yield view;
            }
            // the leaf is one row; the case sees it expanded to the full shape with stride 0 (see adapt)
            case EXPANDED -> logical.narrow(0, 0, 1).clone();
        };
        return t.detach().requiresGrad(true);
    }

    static int nonSingletonDims(long[] shape) {
        int k = 0;
        for (long d : shape) if (d != 1) k++;
        return k;
    }

    static Tensor adapt(Tensor leaf, long[] shape, Layout layout) {
        if (layout == Layout.EXPANDED && !Arrays.equals(leaf.shape(), shape)) {
            Tensor e = leaf.expand(shape);
            assertEquals(0, e.stride(0));
            return e;
        }
        return leaf;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    // =====================================================================================================

    /** The ops recorded in the graph below {@code t}. */
    static Set<Op> opsInGraph(Tensor t) {
        Set<Op> ops = EnumSet.noneOf(Op.class);
        GradFn fn = t.gradFn();
        if (!(fn instanceof Node root)) return ops;
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node nd = todo.pop();
            if (!seen.add(nd)) continue;
            if (nd instanceof OpNode op) ops.add(op.op());
            for (Node nx : nd.next) if (nx != null) todo.push(nx);
        }
        return ops;
    }

    @Test
    void everyOpHasAGradcheckCase() {
        Set<Op> covered = EnumSet.noneOf(Op.class);
        for (Case cs : cases()) {
            Random r = new Random(1);
            Tensor[] leaves = new Tensor[cs.shapes().length];
            for (int i = 0; i < leaves.length; i++) {
                leaves[i] = leaf(cs.shapes()[i], cs.gens()[i].draw(r, (int) numel(cs.shapes()[i])), Layout.CONTIGUOUS);
            }
            covered.addAll(opsInGraph(cs.f().apply(leaves)));
        }
        Set<String> missing = new TreeSet<>();
        for (Op op : Op.values()) if (!covered.contains(op)) missing.add(op.name());
        if (!missing.isEmpty()) fail("Ops with no gradcheck case in GradcheckAllOpsTest.cases(): " + missing);
    }

    @Test
    void caseNamesAreUnique() {
        Set<String> names = new TreeSet<>();
        for (Case cs : cases()) assertTrue(names.add(cs.name()), "duplicate case " + cs.name());
    }

    /** The check itself must be able to fail: a wrong derivative is caught. */
    @Test
    void gradcheckRejectsAWrongDerivative() {
        dev.jtorch.autograd.Function wrong = new dev.jtorch.autograd.Function() {
            @Override protected Tensor forward(FunctionContext ctx, Tensor... in) {
                ctx.saveForBackward(in[0]);
                return in[0].mul(in[0]);
            }

            @Override protected Tensor[] backward(FunctionContext ctx, Tensor g) {
                return new Tensor[] {g.mul(ctx.savedTensors()[0]).mul(2.01)}; // should be 2
            }
        };
        Tensor x = Tensor.of(0.5, -1.0, 2.0).requiresGrad(true);
        try {
            GradCheck.gradcheck(t -> wrong.apply(t[0]), x);
            fail("gradcheck accepted a derivative that is off by 0.5%");
        } catch (GradCheck.GradcheckError expected) {
            assertTrue(expected.getMessage().contains("Jacobian mismatch"), expected.getMessage());
        }
    }
}
