package dev.jtorch.nn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.jtorch.nn.Tensors.assertClose;
import static dev.jtorch.nn.Tensors.assertShape;
import static dev.jtorch.nn.Tensors.leaf;
import static dev.jtorch.nn.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvolutionTest {

    /** One convolution's geometry; kernel, stride, padding and dilation as (H, W). */
    record Case(String name, int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups, boolean bias) {
        @Override public String toString() { return name; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("plain 3x3", 2, 2, 5, 5, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1, true),
                new Case("stride 2, padding 1", 1, 2, 6, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),
                new Case("rectangular kernel, mixed stride and padding", 1, 1, 6, 7, 2, 2, 3, 1, 2, 1, 0, 1, 1, 1, false),
                new Case("dilation 2", 1, 2, 7, 6, 2, 3, 2, 1, 1, 1, 0, 2, 2, 1, true),
                new Case("groups 2", 2, 4, 4, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, 2, true),
                new Case("depthwise", 1, 3, 4, 5, 3, 2, 2, 1, 1, 0, 0, 1, 1, 3, false),
                new Case("1x1", 2, 3, 3, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1, true));
    }

    private static Tensor weightFor(Case k, long seed) { return leaf(seed, k.o, k.c / k.groups, k.kh, k.kw); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dMatchesTheSevenLoopReference(Case k) {
        Tensor x = randn(1, k.n, k.c, k.h, k.w), w = randn(2, k.o, k.c / k.groups, k.kh, k.kw), b = k.bias ? randn(3, k.o) : null;
        Tensor out = F.conv2d(x, w, b, new int[] {k.sh, k.sw}, new int[] {k.ph, k.pw}, new int[] {k.dh, k.dw}, k.groups);
        double[] expected = NaiveReference.conv2d(x.toDoubleArray(), k.n, k.c, k.h, k.w, w.toDoubleArray(), k.o, k.kh, k.kw,
                b == null ? null : b.toDoubleArray(), k.sh, k.sw, k.ph, k.pw, k.dh, k.dw, k.groups);
        assertShape(out, k.n, k.o, NaiveReference.outSize(k.h, k.kh, k.sh, k.ph, k.dh, false), NaiveReference.outSize(k.w, k.kw, k.sw, k.pw, k.dw, false));
        assertClose(expected, out, 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dGradcheckWrtInputWeightAndBias(Case k) {
        Tensor x = leaf(4, 1, k.c, k.h, k.w), w = weightFor(k, 5), b = k.bias ? leaf(6, k.o) : null;
        int[] s = {k.sh, k.sw}, p = {k.ph, k.pw}, d = {k.dh, k.dw};
        if (b == null) {
            assertTrue(GradCheck.gradcheck(in -> F.conv2d(in[0], in[1], null, s, p, d, k.groups), x, w));
        } else {
            assertTrue(GradCheck.gradcheck(in -> F.conv2d(in[0], in[1], in[2], s, p, d, k.groups), x, w, b));
        }
    }

    @Test
    void samePaddingKeepsTheSizeAndPutsTheOddExtraAfter() {
        // kernel 4 (total padding 3) and kernel 2 dilated 3 (total 3): PyTorch pads 1 before and 2 after
        Tensor x = randn(7, 1, 2, 5, 6), w = randn(8, 3, 2, 4, 2);
        Tensor out = F.conv2d(x, w, null, new int[] {1}, Padding.SAME, new int[] {1, 3}, 1);
        assertShape(out, 1, 3, 5, 6);
        // reference: pad explicitly (1 before, 2 after in both dims) and run a valid convolution
        Tensor padded = Tensor.zeros(new long[] {1, 2, 8, 9}, DType.FLOAT64);
        padded.slice(2, 1, 6, 1).slice(3, 1, 7, 1).copy_(x);
        double[] expected = NaiveReference.conv2d(padded.toDoubleArray(), 1, 2, 8, 9, w.toDoubleArray(), 3, 4, 2, null, 1, 1, 0, 0, 1, 3, 1);
        assertClose(expected, out, 1e-12);
    }

    @Test
    void samePaddingGradcheck() {
        Tensor x = leaf(9, 1, 2, 4, 3), w = leaf(10, 2, 1, 2, 3), b = leaf(11, 2);
        assertTrue(GradCheck.gradcheck(in -> F.conv2d(in[0], in[1], in[2], new int[] {1}, Padding.SAME, new int[] {1}, 2), x, w, b));
    }

    @Test
    void validPaddingIsNoPadding() {
        Tensor x = randn(12, 1, 1, 5, 5), w = randn(13, 1, 1, 3, 3);
        assertClose(F.conv2d(x, w).toDoubleArray(), F.conv2d(x, w, null, 1, "valid"), 0);
    }

    @Test
    void unbatchedInputGivesUnbatchedOutput() {
        Tensor x = randn(14, 2, 5, 5), w = randn(15, 3, 2, 3, 3);
        Tensor out = F.conv2d(x, w);
        assertShape(out, 3, 3, 3);
        assertClose(F.conv2d(x.unsqueeze(0), w).toDoubleArray(), out, 0);
    }

    @Test
    void conv2dModuleUsesItsParameters() {
        Conv2d conv = Conv2d.builder(4, 2, 3).stride(2).padding(1).groups(2).build();
        conv.to(DType.FLOAT64);
        Tensor x = randn(16, 2, 4, 5, 5);
        Tensor expected = F.conv2d(x, conv.weight(), conv.bias(), new int[] {2}, new int[] {1}, new int[] {1}, 2);
        assertClose(expected.toDoubleArray(), conv.forward(x), 0);
        assertShape(conv.weight(), 2, 2, 3, 3);
        assertShape(conv.bias(), 2);
    }

    @Test
    void conv1dIsConv2dWithHeightOne() {
        Tensor x = randn(17, 2, 4, 9), w = randn(18, 6, 2, 3), b = randn(19, 6);
        Tensor out = F.conv1d(x, w, b, 2, 1, 2, 2);
        double[] expected = NaiveReference.conv2d(x.toDoubleArray(), 2, 4, 1, 9, w.toDoubleArray(), 6, 1, 3, b.toDoubleArray(), 1, 2, 0, 1, 1, 2, 2);
        assertShape(out, 2, 6, 4);
        assertClose(expected, out, 1e-12);
    }

    @Test
    void conv1dGradcheckIncludingSamePadding() {
        Tensor x = leaf(20, 1, 2, 6), w = leaf(21, 2, 2, 4), b = leaf(22, 2);
        assertTrue(GradCheck.gradcheck(in -> F.conv1d(in[0], in[1], in[2], 2, 1, 1, 1), x, w, b));
        assertTrue(GradCheck.gradcheck(in -> F.conv1d(in[0], in[1], in[2], 1, Padding.SAME, 1, 1), x, w, b));
        Conv1d module = Conv1d.builder(2, 2, 4).padding("same").build();
        module.to(DType.FLOAT64);
        assertShape(module.forward(randn(23, 2, 7)), 2, 7);
    }

    @Test
    void linearMatchesTheDefinitionAndGradchecks() {
        Linear linear = new Linear(3, 2);
        linear.to(DType.FLOAT64);
        Tensor x = randn(24, 4, 3);
        double[] xs = x.toDoubleArray(), ws = linear.weight().toDoubleArray(), bs = linear.bias().toDoubleArray();
        double[] expected = new double[8];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 2; j++) {
            double acc = bs[j];
            for (int k = 0; k < 3; k++) acc += xs[i * 3 + k] * ws[j * 3 + k];
            expected[i * 2 + j] = acc;
        }
        assertClose(expected, linear.forward(x), 1e-12);
        Tensor xi = leaf(25, 2, 3);
        assertTrue(GradCheck.gradcheck(in -> linear.forward(in[0]), xi));
        assertTrue(GradCheck.gradcheck(in -> F.linear(in[0], in[1], in[2]), xi, leaf(26, 2, 3), leaf(27, 2)));
        assertTrue(GradCheck.gradcheck(in -> F.linear(in[0], in[1]), leaf(28, 2, 2, 3), leaf(29, 4, 3)));
    }
}
