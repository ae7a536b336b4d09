package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.*;

class WindowAndPoolingKernelsTest {
    private static final int N = 2, C = 3, H = 7, W = 9;

    private static List<Window2d> convWindows() {
        return List.of(
                Window2d.conv(H, W, 3, 3, 1, 1, 1, 1, 1, 1),
                Window2d.conv(H, W, 2, 2, 2, 2, 0, 0, 1, 1),
                Window2d.conv(H, W, 3, 2, 2, 3, 1, 2, 2, 1),
                Window2d.conv(H, W, 1, 1, 1, 1, 0, 0, 1, 1),
                Window2d.conv(H, W, 5, 5, 1, 1, 0, 0, 1, 1));
    }

    private static double[] im2colRef(double[] x, Window2d w) {
        long oh = w.outH(), ow = w.outW(), taps = (long) w.kernelH() * w.kernelW();
        double[] col = new double[(int) (N * C * taps * oh * ow)];
        for (int n = 0; n < N; n++) for (int c = 0; c < C; c++) for (int ki = 0; ki < w.kernelH(); ki++) for (int kj = 0; kj < w.kernelW(); kj++)
            for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                long ih = (long) i * w.strideH() - w.padH() + (long) ki * w.dilationH();
                long iw = (long) j * w.strideW() - w.padW() + (long) kj * w.dilationW();
                long row = c * taps + (long) ki * w.kernelW() + kj;
                int at = (int) (((n * C * taps) + row) * oh * ow + i * ow + j);
                col[at] = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[(int) (((n * C + c) * H + ih) * W + iw)] : 0;
            }
        return col;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64"})
    void im2colMatchesDefinitionAndCol2imIsItsAdjoint(DType t) {
        double[] x = asStored(t, smallInts(N * C * H * W, 1));
        Tensor input = tensor(t, new long[]{N, C, H, W}, x);
        for (Window2d w : convWindows()) {
            long taps = (long) w.kernelH() * w.kernelW(), positions = w.outH() * w.outW();
            Tensor cols = empty(t, N, C * taps, positions);
            CPU.fill(cols, 7);   // every element must be overwritten, padding included
            CPU.im2col(input, w, cols);
            double[] expected = im2colRef(x, w);
            assertClose(expected, values(cols), 0, 0, "im2col " + w);

            double[] y = asStored(t, smallInts(expected.length, 2));
            Tensor back = empty(t, N, C, H, W);
            CPU.fill(back, 0);
            CPU.col2im(tensor(t, new long[]{N, C * taps, positions}, y), w, back);
            double[] bx = values(back);
            // <im2col(x), y> == <x, col2im(y)>
            double lhs = 0, rhs = 0;
            for (int i = 0; i < y.length; i++) lhs += expected[i] * y[i];
            for (int i = 0; i < x.length; i++) rhs += x[i] * bx[i];
            assertEquals(lhs, rhs, 1e-9, "col2im adjoint " + w);
        }
    }

    private static Window2d pool(int k, int s, int p, int d, boolean ceil, boolean includePad) {
        return new Window2d(H, W, k, k, s, s, p, p, d, d, ceil, includePad);
    }

    @Test
    void maxPoolMatchesDefinitionWithPaddingDilationAndCeilMode() {
        double[] x = uniform(N * C * H * W, 3, -5, 5);
        x[10] = Double.NaN;
        Tensor input = tensor(DType.FLOAT64, new long[]{N, C, H, W}, x);
        for (Window2d w : List.of(pool(2, 2, 0, 1, false, true), pool(3, 2, 1, 1, true, true), pool(2, 2, 1, 2, true, true), pool(3, 1, 1, 1, false, true))) {
            long oh = w.outH(), ow = w.outW();
            Tensor out = empty(DType.FLOAT64, N, C, oh, ow), idx = empty(DType.INT64, N, C, oh, ow);
            CPU.maxPool2d(input, w, out, idx);
            double[] gotV = values(out);
            long[] gotI = longValues(idx);
            for (int p = 0; p < N * C; p++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                double best = Double.NEGATIVE_INFINITY;
                long bestAt = -1;
                for (int ki = 0; ki < w.kernelH(); ki++) for (int kj = 0; kj < w.kernelW(); kj++) {
                    long ih = (long) i * w.strideH() - w.padH() + (long) ki * w.dilationH();
                    long iw = (long) j * w.strideW() - w.padW() + (long) kj * w.dilationW();
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                    double v = x[(int) (p * H * W + ih * W + iw)];
                    if (bestAt < 0 || v > best || Double.isNaN(v)) { best = v; bestAt = ih * W + iw; }
                }
                int o = (int) ((p * oh + i) * ow + j);
                assertEquals(best, gotV[o], "max value " + w + " at " + o);
                assertEquals(bestAt, gotI[o], "max index " + w + " at " + o);
            }
            // backward: each gradient lands on its argmax
            double[] g = uniform((int) (N * C * oh * ow), 4, -1, 1);
            Tensor gradIn = empty(DType.FLOAT64, N, C, H, W);
            CPU.fill(gradIn, 0);
            CPU.maxPool2dBackward(tensor(DType.FLOAT64, new long[]{N, C, oh, ow}, g), idx, gradIn);
            double[] expected = new double[N * C * H * W];
            for (int o = 0; o < g.length; o++) expected[(int) ((o / (oh * ow)) * H * W + gotI[o])] += g[o];
            assertClose(expected, values(gradIn), 1e-12, 1e-15, "maxPool backward " + w);
        }
    }

    @Test
    void avgPoolCeilModeMatchesPyTorchsKnownOutput() {
        // torch.nn.functional.avg_pool2d(torch.arange(1., 10).view(1, 1, 3, 3), 2, 2, ceil_mode=True)
        Tensor x = tensor(DType.FLOAT32, new long[]{1, 1, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Window2d w = new Window2d(3, 3, 2, 2, 2, 2, 0, 0, 1, 1, true, true);
        Tensor out = empty(DType.FLOAT32, 1, 1, 2, 2);
        CPU.avgPool2d(x, w, out);
        assertArrayEquals(new double[]{3, 4.5, 7.5, 9}, values(out));
        // padding 1, kernel 2, stride 2: count_include_pad divides corner windows by 4, otherwise by 1
        Window2d padded = new Window2d(3, 3, 2, 2, 2, 2, 1, 1, 1, 1, false, true);
        CPU.avgPool2d(x, padded, out);
        assertArrayEquals(new double[]{0.25, 1.25, 2.75, 7}, values(out));
        Window2d excluded = new Window2d(3, 3, 2, 2, 2, 2, 1, 1, 1, 1, false, false);
        CPU.avgPool2d(x, excluded, out);
        assertArrayEquals(new double[]{1, 2.5, 5.5, 7}, values(out));
    }

    @Test
    void avgPoolBackwardIsTheAdjointOfAvgPool() {
        double[] x = uniform(N * C * H * W, 5, -1, 1);
        Tensor input = tensor(DType.FLOAT64, new long[]{N, C, H, W}, x);
        for (Window2d w : List.of(pool(2, 2, 0, 1, false, true), pool(3, 2, 1, 1, true, true), pool(3, 2, 1, 1, true, false), pool(4, 3, 2, 1, true, false))) {
            long oh = w.outH(), ow = w.outW();
            Tensor out = empty(DType.FLOAT64, N, C, oh, ow);
            CPU.avgPool2d(input, w, out);
            double[] y = values(out);
            double[] g = uniform(y.length, 6, -1, 1);
            Tensor gradIn = empty(DType.FLOAT64, N, C, H, W);
            CPU.fill(gradIn, 0);
            CPU.avgPool2dBackward(tensor(DType.FLOAT64, new long[]{N, C, oh, ow}, g), w, gradIn);
            double[] gx = values(gradIn);
            double lhs = 0, rhs = 0;
            for (int i = 0; i < y.length; i++) lhs += y[i] * g[i];
            for (int i = 0; i < x.length; i++) rhs += x[i] * gx[i];
            assertEquals(lhs, rhs, 1e-12, "avgPool adjoint " + w);
        }
    }
}
