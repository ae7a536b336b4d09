package dev.jtorch.nn;

import dev.jtorch.autograd.GradCheck;
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

class PoolingTest {

    record Window(String name, int h, int w, int k, int s, int p, int d, boolean ceil, boolean countIncludePad) {
        @Override public String toString() { return name; }
    }

    static Stream<Window> windows() {
        return Stream.of(
                new Window("2x2 stride 2", 4, 4, 2, 2, 0, 1, false, true),
                new Window("3x3 stride 2 padding 1", 5, 6, 3, 2, 1, 1, false, true),
                new Window("padding without counting it", 5, 5, 3, 2, 1, 1, false, false),
                new Window("ceil mode", 5, 5, 2, 2, 0, 1, true, true),
                new Window("ceil mode with padding", 6, 5, 3, 2, 1, 1, true, true),
                new Window("ceil mode, padding not counted", 6, 5, 3, 2, 1, 1, true, false),
                new Window("overlapping stride 1", 4, 5, 3, 1, 0, 1, false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void maxPoolMatchesTheLoops(Window c) {
        Tensor x = randn(1, 2, 2, c.h, c.w);
        Tensor out = F.maxPool2d(x, new int[] {c.k}, new int[] {c.s}, new int[] {c.p}, new int[] {c.d}, c.ceil);
        assertClose(NaiveReference.maxPool2d(x.toDoubleArray(), 2, 2, c.h, c.w, c.k, c.k, c.s, c.s, c.p, c.p, c.d, c.d, c.ceil), out, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void avgPoolMatchesTheLoops(Window c) {
        Tensor x = randn(2, 2, 2, c.h, c.w);
        Tensor out = F.avgPool2d(x, new int[] {c.k}, new int[] {c.s}, new int[] {c.p}, c.ceil, c.countIncludePad);
        assertClose(NaiveReference.avgPool2d(x.toDoubleArray(), 2, 2, c.h, c.w, c.k, c.k, c.s, c.s, c.p, c.p, c.ceil, c.countIncludePad), out, 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void poolsGradcheck(Window c) {
        Tensor x = leaf(3, 1, 1, c.h, c.w);
        assertTrue(GradCheck.gradcheck(in -> F.maxPool2d(in[0], new int[] {c.k}, new int[] {c.s}, new int[] {c.p}, new int[] {c.d}, c.ceil), x));
        assertTrue(GradCheck.gradcheck(in -> F.avgPool2d(in[0], new int[] {c.k}, new int[] {c.s}, new int[] {c.p}, c.ceil, c.countIncludePad), x));
    }

    @Test
    void dilatedRectangularMaxPool() {
        Tensor x = randn(4, 1, 2, 7, 6);
        Tensor out = F.maxPool2d(x, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {2, 3}, false);
        assertClose(NaiveReference.maxPool2d(x.toDoubleArray(), 1, 2, 7, 6, 3, 2, 2, 1, 1, 0, 2, 3, false), out, 0);
        assertTrue(GradCheck.gradcheck(in -> F.maxPool2d(in[0], new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {2, 3}, false), leaf(5, 1, 1, 7, 6)));
    }

    @Test
    void modulesDefaultTheStrideToTheKernel() {
        Tensor x = randn(6, 1, 1, 6, 6);
        assertShape(new MaxPool2d(2).forward(x), 1, 1, 3, 3);
        assertShape(new AvgPool2d(3).forward(x), 1, 1, 2, 2);
        assertClose(F.avgPool2d(x, 3, 3).toDoubleArray(), new AvgPool2d(3).forward(x), 0);
        // ceil mode: (6 + 2 - 3) / 2 rounds up to 3 steps, and the last window starts inside the input
        assertShape(new MaxPool2d(3, 2, 1, 1, true).forward(randn(7, 2, 6, 6)), 2, 4, 4);
    }

    @Test
    void adaptiveAvgPoolUsesPyTorchBins() {
        int[][] sizes = {{5, 7, 3, 2}, {6, 6, 4, 5}, {4, 4, 2, 2}, {7, 5, 1, 1}, {3, 3, 5, 4}};
        for (int[] s : sizes) {
            Tensor x = randn(8, 2, 3, s[0], s[1]);
            Tensor out = F.adaptiveAvgPool2d(x, s[2], s[3]);
            assertShape(out, 2, 3, s[2], s[3]);
            assertClose(NaiveReference.adaptiveAvgPool2d(x.toDoubleArray(), 2, 3, s[0], s[1], s[2], s[3]), out, 1e-12);
        }
        Tensor unbatched = randn(9, 3, 5, 5);
        assertShape(new AdaptiveAvgPool2d(1, 1).forward(unbatched), 3, 1, 1);
        assertShape(new AdaptiveAvgPool2d(2).forward(unbatched), 3, 2, 2);
    }

    @Test
    void adaptiveAvgPoolGradcheck() {
        assertTrue(GradCheck.gradcheck(in -> F.adaptiveAvgPool2d(in[0], 2, 3), leaf(10, 1, 1, 5, 4)));
        assertTrue(GradCheck.gradcheck(in -> F.adaptiveAvgPool2d(in[0], 2), leaf(11, 1, 2, 4, 4)));
    }
}
