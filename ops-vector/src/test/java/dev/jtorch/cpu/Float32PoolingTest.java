package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;
import org.junit.jupiter.api.Test;

import static dev.jtorch.cpu.TestTensors.*;

/**
 * The float32 2 x 2 stride-2 pooling fast paths against the float64 kernel (the generic window loops) on odd sizes,
 * where floor mode leaves the last row and column out of every window, and through non-contiguous inputs.
 */
class Float32PoolingTest {

    @Test
    void twoByTwoAvgPoolMatchesTheGeneralLoops() {
        for (int h : new int[] {2, 7, 17}) for (int w : new int[] {2, 7, 17, 28}) for (boolean transposed : new boolean[] {false, true}) {
            int n = 2, c = 3;
            Window2d win = new Window2d(h, w, 2, 2, 2, 2, 0, 0, 1, 1, false, true);
            int oh = (int) win.outH(), ow = (int) win.outW();
            double[] x = asStored(DType.FLOAT32, uniform(n * c * h * w, h * 31L + w, -1, 1));
            double[] g = asStored(DType.FLOAT32, uniform(n * c * oh * ow, h * 17L + w, -1, 1));
            String what = h + "x" + w + (transposed ? " transposed" : "");

            Tensor want = empty(DType.FLOAT64, n, c, oh, ow), got = empty(DType.FLOAT32, n, c, oh, ow);
            CPU.avgPool2d(tensor(DType.FLOAT64, new long[] {n, c, h, w}, x), win, want);
            CPU.avgPool2d(input(x, n, c, h, w, transposed), win, got);
            assertClose(values(want), values(got), 1e-6, 1e-7, "avg pool " + what);

            Tensor wantIn = empty(DType.FLOAT64, n, c, h, w), gotIn = empty(DType.FLOAT32, n, c, h, w);
            CPU.fill(wantIn, 0);
            CPU.fill(gotIn, 0);
            CPU.avgPool2dBackward(tensor(DType.FLOAT64, new long[] {n, c, oh, ow}, g), win, wantIn);
            CPU.avgPool2dBackward(tensor(DType.FLOAT32, new long[] {n, c, oh, ow}, g), win, gotIn);
            assertClose(values(wantIn), values(gotIn), 1e-6, 1e-7, "avg pool backward " + what);
        }
    }

    @Test
    void ceilModeWindowsOverTheEdgeTakeTheGeneralLoops() {
        // 7 wide in ceil mode: the last 2 x 2 window starts at column 6 and covers one column only
        int n = 1, c = 2, h = 7, w = 7;
        Window2d win = new Window2d(h, w, 2, 2, 2, 2, 0, 0, 1, 1, true, true);
        double[] x = asStored(DType.FLOAT32, uniform(n * c * h * w, 9, -1, 1));
        int oh = (int) win.outH(), ow = (int) win.outW();
        Tensor want = empty(DType.FLOAT64, n, c, oh, ow), got = empty(DType.FLOAT32, n, c, oh, ow);
        Tensor wantIdx = empty(DType.INT64, n, c, oh, ow), gotIdx = empty(DType.INT64, n, c, oh, ow);
        CPU.avgPool2d(tensor(DType.FLOAT64, new long[] {n, c, h, w}, x), win, want);
        CPU.avgPool2d(tensor(DType.FLOAT32, new long[] {n, c, h, w}, x), win, got);
        assertClose(values(want), values(got), 1e-6, 1e-7, "avg pool ceil mode");
        CPU.maxPool2d(tensor(DType.FLOAT64, new long[] {n, c, h, w}, x), win, want, wantIdx);
        CPU.maxPool2d(tensor(DType.FLOAT32, new long[] {n, c, h, w}, x), win, got, gotIdx);
        assertClose(values(want), values(got), 0, 0, "max pool ceil mode");
        assertClose(toDoubles(longValues(wantIdx)), toDoubles(longValues(gotIdx)), 0, 0, "max pool ceil mode indices");
    }

    /**
     * Without indices (inference) max pooling writes the same values, on the 2 x 2 fast path, the general window
     * loops (3 x 3 padded, ceil mode) and the float64 kernel, with NaN and signed zeros where a window's comparisons
     * decide the result.
     */
    @Test
    void maxPoolWithoutIndicesWritesTheSameValues() {
        // 2 x 2 on 7 x 17, 7 x 21 and 6 x 16 (windows that end on the plane's last element), 3 x 3 padded in ceil mode
        Window2d[] windows = {new Window2d(7, 17, 2, 2, 2, 2, 0, 0, 1, 1, false, true), new Window2d(7, 21, 2, 2, 2, 2, 0, 0, 1, 1, false, true),
                new Window2d(6, 16, 2, 2, 2, 2, 0, 0, 1, 1, false, true),
                new Window2d(7, 17, 3, 3, 2, 2, 1, 1, 1, 1, true, true)};
        for (Window2d win : windows) for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) for (boolean transposed : new boolean[] {false, true}) {
            int n = 2, c = 3, h = (int) win.inH(), w = (int) win.inW(), oh = (int) win.outH(), ow = (int) win.outW();
            double[] x = asStored(dtype, uniform(n * c * h * w, 5, -1, 1));
            x[3] = Double.NaN;
            x[w] = -0.0;
            x[w + 1] = 0.0;
            Tensor in = dtype == DType.FLOAT32 ? input(x, n, c, h, w, transposed) : tensor(dtype, new long[] {n, c, h, w}, x);
            Tensor withIndices = empty(dtype, n, c, oh, ow), valuesOnly = empty(dtype, n, c, oh, ow);
            CPU.maxPool2d(in, win, withIndices, empty(DType.INT64, n, c, oh, ow));
            CPU.maxPool2d(in, win, valuesOnly, null);
            double[] want = values(withIndices), got = values(valuesOnly);
            String what = dtype + " " + win.kernelH() + "x" + win.kernelW() + (transposed ? " transposed" : "");
            for (int i = 0; i < want.length; i++) {
                // bit for bit, so NaN and the sign of zero count
                org.junit.jupiter.api.Assertions.assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), what + " at " + i);
            }
        }
    }

    /** x as float32 NCHW, contiguous or through a view with swapped H and W strides. */
    private static Tensor input(double[] x, int n, int c, int h, int w, boolean transposed) {
        if (!transposed) return tensor(DType.FLOAT32, new long[] {n, c, h, w}, x);
        double[] t = new double[x.length];
        for (int p = 0; p < n * c; p++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) t[(p * w + j) * h + i] = x[(p * h + i) * w + j];
        return tensor(DType.FLOAT32, new long[] {n, c, w, h}, t).transpose(2, 3);
    }

    private static double[] toDoubles(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
