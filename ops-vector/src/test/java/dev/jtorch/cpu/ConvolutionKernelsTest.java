package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 convolution kernels (im2col + Sgemm, the small-channel {@link ConvGemm} products, the pointwise and
 * one-pixel forms, the thread-split weight gradient) against the definition summed in double, on odd sizes,
 * groups, strides, padding and dilation, and through non-contiguous inputs (which take the backend's default path).
 */
class ConvolutionKernelsTest {

    /** A convolution case: batch, channels, out channels, h, w, kernel h/w, stride, pad, dilation, groups. */
    record Case(int n, int c, int o, int h, int w, int kh, int kw, int s, int p, int d, int g) {
        Window2d window() { return Window2d.conv(h, w, kh, kw, s, s, p, p, d, d); }
        @Override public String toString() {
            return "n" + n + " c" + c + " o" + o + " " + h + "x" + w + " k" + kh + "x" + kw + " s" + s + " p" + p + " d" + d + " g" + g;
        }
    }

    /** The float species' lanes: samples per vector of {@link SampleVectorConv}. */
    private static final int LANES = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(new Case(7, 1, 6, 17, 17, 5, 5, 1, 0, 1, 1));      // LeNet-like, few output channels
        // DirectConv's two-channel tile: four rows at a time with dilation, then a last block of two and of three
        // rows (and the LeNet-like case above: of one)
        cs.add(new Case(2, 3, 6, 10, 10, 3, 3, 1, 1, 2, 1));
        cs.add(new Case(1, 2, 2, 16, 20, 3, 3, 1, 0, 1, 1));
        cs.add(new Case(1, 2, 2, 13, 20, 3, 3, 1, 0, 1, 1));
        cs.add(new Case(1, 3, 7, 7, 7, 3, 3, 1, 1, 1, 1));
        cs.add(new Case(7, 6, 17, 7, 7, 3, 3, 2, 1, 1, 1));      // more than 16 output channels: Sgemm
        cs.add(new Case(3, 4, 6, 7, 9, 3, 2, 2, 2, 2, 2));       // groups, dilation, uneven kernel
        cs.add(new Case(2, 5, 5, 7, 7, 3, 3, 1, 1, 1, 5));       // depthwise
        cs.add(new Case(7, 17, 33, 7, 7, 1, 1, 1, 0, 1, 1));     // pointwise
        cs.add(new Case(7, 4, 8, 7, 7, 1, 1, 1, 0, 1, 2));       // pointwise, grouped
        cs.add(new Case(7, 16, 17, 5, 5, 5, 5, 1, 0, 1, 1));     // one pixel, window covers the input
        cs.add(new Case(7, 3, 7, 7, 7, 5, 5, 3, 0, 1, 1));       // one pixel, window inside the input
        cs.add(new Case(1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1));
        cs.add(new Case(2, 3, 4, 1, 1023, 1, 3, 1, 1, 1, 1));    // conv1d shape, long rows
        // output channels in the lanes (ChannelVectorConv): LeNet conv2, then partial blocks with stride,
        // padding, dilation and groups, one and two vectors of channels
        cs.add(new Case(3, 6, 16, 14, 14, 5, 5, 1, 0, 1, 1));
        // with 16 lanes, one vector of 16 channels: runs of 8 pixels along a row (LeNet conv2 above: one run and 2
        // pixels left per 10-wide row; here two runs and one left per 17-wide row, gathered 8 at a time)
        cs.add(new Case(2, 4, 16, 21, 21, 5, 5, 1, 0, 1, 1));
        // two pixels left per 10-wide row in pairs of rows, the 15th row's gathered; 12 of 16 lanes, a 3x5 kernel, padding
        cs.add(new Case(2, 3, 12, 13, 10, 3, 5, 1, 2, 1, 1));
        cs.add(new Case(3, 7, 9, 9, 11, 3, 3, 2, 2, 2, 1));
        cs.add(new Case(2, 4, 22, 9, 9, 3, 3, 2, 0, 1, 2));
        cs.add(new Case(1, 17, 7, 17, 17, 3, 3, 3, 1, 1, 1));
        // one vector of channels: an odd number of output rows and a kernel taller than wide; stride 2 with dilation 2
        cs.add(new Case(2, 3, 14, 11, 9, 5, 3, 1, 1, 1, 1));
        cs.add(new Case(2, 2, 6, 15, 10, 3, 3, 2, 1, 2, 1));
        // im2col at stride 2 along rows of 19-20 taps: whole vectors of every other element, then single ones
        cs.add(new Case(2, 4, 40, 21, 40, 3, 3, 2, 1, 1, 1));
        // the forward at stride 2 as an implicit GEMM over the padded input's phases (ImplicitConv): rows of 40
        // (whole vector pairs split into the two column phases, the last pair moved back) and odd padded heights;
        // rows of 37 with padding 2 and dilation 2 (every tap in the even phases; 208 grid columns, so a last panel
        // of 16 scattered columns, half of AVX-512's 32-column panel); 7x7 outputs gathered, grouped
        cs.add(new Case(2, 16, 34, 21, 40, 3, 3, 2, 1, 1, 1));
        cs.add(new Case(2, 9, 34, 19, 37, 3, 3, 2, 2, 2, 1));
        cs.add(new Case(3, 16, 68, 14, 14, 3, 3, 2, 1, 1, 2));
        // samples side by side in one GEMM (narrow outputs), in chunks of 2 with a partial last chunk, grouped
        cs.add(new Case(5, 6, 34, 20, 20, 3, 3, 1, 1, 1, 2));
        cs.add(new Case(5, 34, 36, 19, 19, 1, 1, 1, 0, 1, 2));
        // weight gradient with output rows in the lanes (DirectWeightGrad): dilation, padding, groups, odd channels
        cs.add(new Case(2, 4, 10, 11, 21, 3, 2, 1, 2, 2, 2));
        // weight gradient through pixel-major columns (16+ channels per group, more than one tap)
        cs.add(new Case(3, 17, 19, 17, 19, 3, 3, 1, 1, 1, 1));
        cs.add(new Case(2, 34, 38, 37, 37, 3, 2, 2, 2, 2, 2));
        // weight gradient on panels packed from the input (WeightGradPanels): channels-last with whole vectors of
        // channels per tap; channel-major with reduction blocks that span samples (7x7 outputs, 9 samples)
        cs.add(new Case(2, 32, 17, 17, 17, 3, 3, 1, 1, 1, 1));
        cs.add(new Case(9, 5, 23, 7, 7, 3, 3, 1, 1, 1, 1));
        // forward and input gradient as convolutions of padded planes (ImplicitConv): gathered columns with
        // dilation, groups and an uneven kernel, and of narrow outputs with samples side by side
        cs.add(new Case(3, 16, 36, 11, 13, 3, 2, 1, 2, 2, 2));
        cs.add(new Case(4, 8, 20, 5, 5, 3, 3, 1, 1, 1, 1));
        cs.add(new Case(2, 8, 18, 9, 40, 3, 3, 1, 2, 2, 1));     // grid columns with dilation
        cs.add(new Case(2, 8, 17, 1, 1023, 1, 3, 1, 1, 1, 1));   // long rows: 64 column panels
        cs.add(new Case(2, 9, 18, 7, 7, 3, 3, 1, 1, 1, 1));      // 9 input channels: a partial panel of the flipped weight
        // fewer columns than rows both ways (ResNet layer4's form): at 2 threads the taps are packed once and shared,
        // read in place over 2 (forward) and 3 (input gradient) reduction blocks; a last panel of one column
        cs.add(new Case(1, 60, 70, 7, 7, 3, 3, 1, 1, 1, 1));
        // forward and input gradient by Winograd's F(2x2, 3x3) (WinogradConv): rows of whole vectors of tiles and a
        // last vector moved back, padding 0 (odd outputs: half tiles; dy padded by 2) and 2, groups, 1x1 planes,
        // and samples in two chunks
        cs.add(new Case(3, 16, 20, 9, 40, 3, 3, 1, 1, 1, 1));
        cs.add(new Case(2, 18, 16, 11, 35, 3, 3, 1, 0, 1, 1));
        cs.add(new Case(2, 16, 17, 8, 31, 3, 3, 1, 2, 1, 1));
        cs.add(new Case(4, 32, 34, 9, 17, 3, 3, 1, 1, 1, 2));
        // input gradient with the samples in the lanes (SampleVectorConv): LeNet conv2 with a partial last vector of
        // samples; padding and dilation with an odd channel count; groups with an uneven kernel; one input channel
        cs.add(new Case(LANES + 3, 6, 16, 14, 14, 5, 5, 1, 0, 1, 1));
        cs.add(new Case(LANES, 3, 7, 9, 11, 3, 3, 1, 2, 2, 1));
        cs.add(new Case(LANES + 1, 4, 6, 7, 9, 3, 2, 1, 1, 1, 2));
        cs.add(new Case(LANES, 1, 6, 12, 13, 5, 5, 1, 0, 1, 1));
        cs.add(new Case(600, 16, 16, 1, 1, 3, 3, 1, 1, 1, 1));
        cs.add(new Case(3, 16, 16, 90, 90, 3, 3, 1, 1, 1, 1));
        cs.addAll(nchw16cForwardCases());
        cs.addAll(nchw16cInputGradientCases());
        return cs;
    }

    /**
     * The forward directly over 16-channel blocks (Nchw16cConv, 512-bit vectors), 64 outputs per group so that
     * ChannelVectorConv (at most 32) does not take them: 7x7 maps whose first and last rows skip a kernel row and
     * whose one tile leaves out its first pixel for the left kernel column, its last for the right (ResNet layer4's
     * form); 14-wide rows, whose first tile leaves out its first pixel and whose second its last; stride 2 over the
     * phases with 10-wide rows (a tile of 7 and one of 3) and odd heights without padding; groups with an uneven
     * kernel and padding 2; a 5x5 kernel whose rows skip one and two kernel rows; 2x2 taps at stride 2; padding wider
     * than the kernel (rows of padding alone: the bias); a 7x7 kernel over 6 blocks, whose weight rows the reorder
     * copies in two runs.
     */
    static List<Case> nchw16cForwardCases() {
        return List.of(new Case(3, 32, 64, 7, 7, 3, 3, 1, 1, 1, 1), new Case(2, 16, 64, 5, 14, 3, 3, 1, 1, 1, 1),
                new Case(2, 16, 64, 11, 19, 3, 3, 2, 1, 1, 1),
                new Case(3, 16, 64, 15, 9, 3, 3, 2, 0, 1, 1), new Case(2, 32, 128, 9, 13, 3, 2, 1, 2, 1, 2),
                new Case(1, 16, 64, 6, 8, 5, 5, 1, 2, 1, 1), new Case(2, 16, 64, 8, 8, 2, 2, 2, 0, 1, 1),
                new Case(1, 16, 64, 4, 4, 3, 3, 1, 3, 1, 1), new Case(1, 96, 64, 7, 7, 7, 7, 1, 3, 1, 1));
    }

    /**
     * The input gradient the same way (dy's 16k channels the kernel's inputs, the input's 32k its outputs): a 3x2
     * kernel with 48 outputs (whose forward goes elsewhere); groups with a 5x5 kernel (25 taps: two windows of the
     * weight's reorder), dy padded by 2; a 2x2 kernel whose 8 KiB weight fills its block, so that the reorder's last
     * windows would run past its end. The 7x7 case of the forward's list takes it too.
     */
    static List<Case> nchw16cInputGradientCases() {
        return List.of(new Case(2, 32, 48, 9, 13, 3, 2, 1, 1, 1, 1), new Case(2, 64, 32, 6, 10, 5, 5, 1, 2, 1, 2),
                new Case(2, 32, 16, 5, 9, 2, 2, 1, 1, 1, 1));
    }

    static double[] forwardRef(Case k, double[] x, double[] w, double[] b) {
        Window2d win = k.window();
        int oh = (int) win.outH(), ow = (int) win.outW(), cg = k.c / k.g, og = k.o / k.g;
        double[] y = new double[k.n * k.o * oh * ow];
        for (int n = 0; n < k.n; n++) for (int o = 0; o < k.o; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            double s = b == null ? 0 : b[o];
            int g = o / og;
            for (int c = 0; c < cg; c++) for (int ki = 0; ki < k.kh; ki++) for (int kj = 0; kj < k.kw; kj++) {
                int ih = i * k.s - k.p + ki * k.d, iw = j * k.s - k.p + kj * k.d;
                if (ih < 0 || ih >= k.h || iw < 0 || iw >= k.w) continue;
                s += x[((n * k.c + g * cg + c) * k.h + ih) * k.w + iw] * w[((o * cg + c) * k.kh + ki) * k.kw + kj];
            }
            y[((n * k.o + o) * oh + i) * ow + j] = s;
        }
        return y;
    }

    /** Both gradients of sum(conv(x, w) * dy), by the definition's adjoint. */
    static double[][] backwardRef(Case k, double[] x, double[] w, double[] dy) {
        Window2d win = k.window();
        int oh = (int) win.outH(), ow = (int) win.outW(), cg = k.c / k.g, og = k.o / k.g;
        double[] dx = new double[x.length], dw = new double[w.length];
        for (int n = 0; n < k.n; n++) for (int o = 0; o < k.o; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            double gy = dy[((n * k.o + o) * oh + i) * ow + j];
            int g = o / og;
            for (int c = 0; c < cg; c++) for (int ki = 0; ki < k.kh; ki++) for (int kj = 0; kj < k.kw; kj++) {
                int ih = i * k.s - k.p + ki * k.d, iw = j * k.s - k.p + kj * k.d;
                if (ih < 0 || ih >= k.h || iw < 0 || iw >= k.w) continue;
                int xi = ((n * k.c + g * cg + c) * k.h + ih) * k.w + iw, wi = ((o * cg + c) * k.kh + ki) * k.kw + kj;
                dx[xi] += gy * w[wi];
                dw[wi] += gy * x[xi];
            }
        }
        return new double[][] {dx, dw};
    }

    @Test
    void float32KernelsMatchTheDefinition() {
        for (int threads : new int[] {1, 2}) {
            int before = IntraOpPool.numThreads();
            IntraOpPool.setNumThreads(threads);
            try {
                for (Case k : cases()) check(k, false);
            } finally {
                IntraOpPool.setNumThreads(before);
            }
        }
    }

    @Test
    void nonContiguousInputsGiveTheSameResults() {
        for (Case k : cases()) check(k, true);
    }

    private static void check(Case k, boolean transposed) {
        Window2d win = k.window();
        int oh = (int) win.outH(), ow = (int) win.outW();
        double[] x = asStored(DType.FLOAT32, uniform(k.n * k.c * k.h * k.w, 1, -1, 1));
        double[] w = asStored(DType.FLOAT32, uniform(k.o * (k.c / k.g) * k.kh * k.kw, 2, -1, 1));
        double[] b = asStored(DType.FLOAT32, uniform(k.o, 3, -1, 1));
        double[] dy = asStored(DType.FLOAT32, uniform(k.n * k.o * oh * ow, 4, -1, 1));
        Tensor xt = tensor(DType.FLOAT32, new long[] {k.n, k.c, k.h, k.w}, x);
        if (transposed) {
            // the same logical values through a view with swapped H and W strides
            Tensor storage = tensor(DType.FLOAT32, new long[] {k.n, k.c, k.w, k.h}, transposeHw(x, k.n * k.c, k.h, k.w));
            xt = storage.transpose(2, 3);
            assertTrue(!xt.isContiguous() || k.h == 1 || k.w == 1);
        }
        Tensor wt = tensor(DType.FLOAT32, new long[] {k.o, k.c / k.g, k.kh, k.kw}, w);
        Tensor bt = tensor(DType.FLOAT32, new long[] {k.o}, b);
        Tensor dyt = tensor(DType.FLOAT32, new long[] {k.n, k.o, oh, ow}, dy);
        double tol = 1e-4 * Math.sqrt((double) (k.c / k.g) * k.kh * k.kw * Math.max(1, k.n * oh * ow / 64.0));

        Tensor y = empty(DType.FLOAT32, k.n, k.o, oh, ow);
        CPU.fill(y, Double.NaN);   // every element must be written
        CPU.conv2d(xt, wt, bt, win, k.g, y);
        assertClose(forwardRef(k, x, w, b), values(y), 1e-4, tol, "forward " + k);

        double[][] ref = backwardRef(k, x, w, dy);
        Tensor dx = empty(DType.FLOAT32, k.n, k.c, k.h, k.w), dw = empty(DType.FLOAT32, k.o, k.c / k.g, k.kh, k.kw);
        CPU.fill(dx, Double.NaN);
        CPU.fill(dw, Double.NaN);
        CPU.conv2dBackwardInput(dyt, wt, win, k.g, dx);
        CPU.conv2dBackwardWeight(dyt, xt, win, k.g, dw);
        assertClose(ref[0], values(dx), 1e-4, tol, "input gradient " + k);
        assertClose(ref[1], values(dw), 1e-4, tol, "weight gradient " + k);
    }

    @Test
    void channelVectorFormsAreTheOnesTheCasesExercise() {
        // the cases above are only a test of ChannelVectorConv while the selection routes them there; it takes at
        // most two vectors of output channels per group, so with 4 lanes (128-bit vectors) the 9- to 16-channel
        // cases go to the other kernels and the 6- and 7-channel ones keep it covered
        Window2d lenetConv2 = Window2d.conv(14, 14, 5, 5, 1, 1, 0, 0, 1, 1), strided = Window2d.conv(9, 11, 3, 3, 2, 2, 2, 2, 2, 2);
        boolean eightLanesOrMore = FloatVector.SPECIES_PREFERRED.length() >= 8;
        assertEquals(eightLanesOrMore, ChannelVectorConv.suits(lenetConv2, 16, 6 * 25));
        assertEquals(eightLanesOrMore, ChannelVectorConv.suits(Window2d.conv(21, 21, 5, 5, 1, 1, 0, 0, 1, 1), 16, 4 * 25));
        assertEquals(eightLanesOrMore, ChannelVectorConv.suits(Window2d.conv(13, 10, 3, 5, 1, 1, 2, 2, 1, 1), 12, 3 * 15));
        assertEquals(eightLanesOrMore, ChannelVectorConv.suits(strided, 9, 7 * 9));
        assertTrue(ChannelVectorConv.suits(Window2d.conv(17, 17, 3, 3, 3, 3, 1, 1, 1, 1), 7, 17 * 9));
        assertEquals(eightLanesOrMore, ChannelVectorConv.suitsWeightGrad(16, 6 * 25));
        assertEquals(eightLanesOrMore, ChannelVectorConv.suits(Window2d.conv(11, 9, 5, 3, 1, 1, 1, 1, 1, 1), 14, 3 * 15));
        assertTrue(ChannelVectorConv.suits(Window2d.conv(15, 10, 3, 3, 2, 2, 1, 1, 2, 2), 6, 2 * 9));
        // LeNet conv1's 28-wide rows fill DirectConv's vectors better than 6 channels fill one
        assertTrue(!ChannelVectorConv.suits(Window2d.conv(32, 32, 5, 5, 1, 1, 0, 0, 1, 1), 6, 25));
    }

    @Test
    void implicitFormsAreTheOnesTheCasesExercise() {
        // the cases above test WeightGradPanels and ImplicitConv only while the selection routes them there
        ConvolutionKernels.Shape channelsLast = shape(new Case(2, 32, 17, 17, 17, 3, 3, 1, 1, 1, 1));
        assertTrue(WeightGradPanels.suits(channelsLast) && PixelMajorColumns.suits(32, 17, channelsLast.win()));
        ConvolutionKernels.Shape spanning = shape(new Case(9, 5, 23, 7, 7, 3, 3, 1, 1, 1, 1));
        assertTrue(WeightGradPanels.suits(spanning) && !PixelMajorColumns.suits(5, 23, spanning.win()));
        ConvolutionKernels.Shape grid = shape(new Case(3, 16, 36, 11, 13, 3, 2, 1, 2, 2, 2));
        assertTrue(ConvolutionKernels.implicitInputGradient(grid) && ConvolutionKernels.implicitForward(grid));
        ConvolutionKernels.Shape narrow = shape(new Case(4, 8, 20, 5, 5, 3, 3, 1, 1, 1, 1));
        assertTrue(ConvolutionKernels.implicitInputGradient(narrow) && ConvolutionKernels.implicitForward(narrow));
        ConvolutionKernels.Shape rowsSplit = shape(new Case(1, 60, 70, 7, 7, 3, 3, 1, 1, 1, 1));
        assertTrue(ConvolutionKernels.implicitInputGradient(rowsSplit) && ConvolutionKernels.implicitForward(rowsSplit)
                && !ConvolutionKernels.winograd(rowsSplit));
        ConvolutionKernels.Shape dilated = shape(new Case(2, 8, 18, 9, 40, 3, 3, 1, 2, 2, 1));
        assertTrue(ConvolutionKernels.implicitInputGradient(dilated) && ConvolutionKernels.implicitForward(dilated));
        // grid columns where few are dropped (the dilated case's dy padded by 2*2 - 2: 13 x 44 planes), gathered
        // columns for narrow outputs (the grouped case's dy, 11 x 15 padded by 2 rows: 15 x 15; the 5 x 5 one)
        assertTrue(new ImplicitConv.Geometry(18, 13, 44, 3, 3, 2, 2, 9, 40).grid());
        assertTrue(!new ImplicitConv.Geometry(18, 15, 15, 3, 2, 2, 2, 11, 13).grid());
        assertTrue(!new ImplicitConv.Geometry(20, 7, 7, 3, 3, 1, 1, 5, 5).grid());
        // at stride 2: the grid of the phases (29 columns for 28 outputs at ResNet layer2; 21 for 20 and 19 above),
        // gathered columns for 7x7 outputs (8 columns for 7)
        // (34 output channels per group: more than two vectors, so not ChannelVectorConv's)
        for (Case strided : List.of(new Case(2, 16, 34, 21, 40, 3, 3, 2, 1, 1, 1), new Case(2, 9, 34, 19, 37, 3, 3, 2, 2, 2, 1),
                new Case(3, 16, 68, 14, 14, 3, 3, 2, 1, 1, 2))) {
            ConvolutionKernels.Shape s = shape(strided);
            assertTrue(ConvolutionKernels.implicitForward(s) && !ChannelVectorConv.suits(s.win(), s.outPerGroup(), s.patch()), strided.toString());
        }
        assertTrue(new ImplicitConv.Geometry(128, 58, 58, 3, 3, 1, 1, 28, 28, 2, 2).grid());
        assertTrue(new ImplicitConv.Geometry(16, 23, 42, 3, 3, 1, 1, 11, 20, 2, 2).grid());
        assertTrue(new ImplicitConv.Geometry(9, 23, 41, 3, 3, 2, 2, 10, 19, 2, 2).grid());
        assertTrue(!new ImplicitConv.Geometry(8, 16, 16, 3, 3, 1, 1, 7, 7, 2, 2).grid());
        // strided convolutions with few input channels, and pointwise ones, keep their forms
        assertTrue(!ConvolutionKernels.implicitForward(shape(new Case(7, 6, 17, 7, 7, 3, 3, 2, 1, 1, 1))));
        assertTrue(!ConvolutionKernels.implicitForward(shape(new Case(2, 4, 40, 21, 40, 3, 3, 2, 1, 1, 1))));
        assertTrue(!ConvolutionKernels.implicitForward(shape(new Case(2, 16, 34, 14, 14, 1, 1, 2, 0, 1, 1))));
        assertTrue(!ConvolutionKernels.implicitInputGradient(shape(new Case(7, 17, 33, 7, 7, 1, 1, 1, 0, 1, 1))));
    }

    @Test
    void nchw16cTilesLeaveOutEdgePixelsWhereThatSavesEnough() {
        // (kernels three taps wide take tileThreeTaps, whose edges cost nothing: these are 5x5)
        // one 7-wide tile a row, padding 2: its first pixel left out for kernel column 1, its last for column 3
        assertTrue(Nchw16cConv.edgesPay(new Nchw16cConv.Geometry(16, 7, 7, 64, 5, 5, 1, 2, 2, 7, 7)));
        // 56-wide rows: the same two of 8 tiles x 7 pixels x 5 columns, under 1/32
        assertFalse(Nchw16cConv.edgesPay(new Nchw16cConv.Geometry(16, 56, 56, 64, 5, 5, 1, 2, 2, 56, 56)));
        // no padding: nothing to leave out
        assertFalse(Nchw16cConv.edgesPay(new Nchw16cConv.Geometry(16, 11, 11, 64, 5, 5, 1, 0, 0, 7, 7)));
    }

    @Test
    void nchw16cFormIsTheOneTheCasesExercise() {
        // the cases above test Nchw16cConv only while the selection routes them there: with 16 lanes, whole blocks of
        // 16 input and 32 output channels per group, stride 1 or 2, no dilation, not where an array kernel or
        // Winograd takes the layer
        boolean sixteenLanes = FloatVector.SPECIES_PREFERRED.length() == 16;
        for (Case k : nchw16cForwardCases()) {
            var s = shape(k);
            boolean routed = ConvolutionKernels.arrayKernel(s) == ConvolutionKernels.ArrayKernel.NONE && !ConvolutionKernels.winograd(s)
                    && ConvolutionKernels.nchw16c(s);
            assertEquals(sixteenLanes, routed, k.toString());
        }
        List<Case> inputGradients = new ArrayList<>(nchw16cInputGradientCases());
        inputGradients.add(nchw16cForwardCases().get(0));
        for (Case k : inputGradients) {
            assertEquals(sixteenLanes, ConvolutionKernels.nchw16cInputGradient(shape(k)) && !ConvolutionKernels.winograd(shape(k)), k.toString());
        }
        // each refusal beside the same shape with the one property changed, which the input gradient takes
        assertEquals(sixteenLanes, ConvolutionKernels.nchw16cInputGradient(shape(new Case(2, 32, 64, 9, 9, 3, 3, 1, 1, 1, 1))));
        assertTrue(!ConvolutionKernels.nchw16cInputGradient(shape(new Case(2, 32, 64, 9, 9, 3, 3, 2, 1, 1, 1))));   // stride 2
        assertEquals(sixteenLanes, ConvolutionKernels.nchw16cInputGradient(shape(new Case(1, 32, 64, 4, 4, 3, 3, 1, 2, 1, 1))));
        assertTrue(!ConvolutionKernels.nchw16cInputGradient(shape(new Case(1, 32, 64, 4, 4, 3, 3, 1, 3, 1, 1))));   // padding 3 of a 3x3 kernel
        assertTrue(ConvolutionKernels.nchw16cInputGradient(shape(new Case(4, 512, 512, 7, 7, 3, 3, 1, 1, 1, 1))) == sixteenLanes);
        assertTrue(ConvolutionKernels.nchw16c(shape(new Case(4, 512, 512, 7, 7, 3, 3, 1, 1, 1, 1))) == sixteenLanes);
        assertTrue(ConvolutionKernels.nchw16c(shape(new Case(4, 128, 128, 56, 56, 3, 3, 2, 1, 1, 1))) == sixteenLanes);
        assertTrue(!ConvolutionKernels.nchw16c(shape(new Case(2, 24, 32, 9, 9, 3, 3, 1, 1, 1, 1))));   // 24 channels
        assertTrue(!ConvolutionKernels.nchw16c(shape(new Case(2, 16, 48, 9, 9, 3, 3, 1, 1, 1, 1))));   // 48 outputs
        assertTrue(!ConvolutionKernels.nchw16c(shape(new Case(2, 16, 32, 9, 9, 3, 3, 3, 1, 1, 1))));   // stride 3
        assertTrue(!ConvolutionKernels.nchw16c(shape(new Case(2, 16, 32, 9, 9, 3, 3, 1, 1, 2, 1))));   // dilation 2
        assertTrue(!ConvolutionKernels.nchw16c(shape(new Case(2, 16, 32, 9, 9, 1, 1, 1, 0, 1, 1))));   // pointwise
    }

    @Test
    void winogradLeavesInfinitiesAndNaNsWhereTheDirectSumPutsThem() {
        // the transforms alone would mix an infinity into all 4 outputs of its tiles (as NaN, from inf - inf), reaching
        // outputs whose window does not hold it; with a non-finite input, dy or weight the layer is computed directly
        Case k = new Case(3, 16, 17, 8, 31, 3, 3, 1, 1, 1, 1);
        assertTrue(ConvolutionKernels.winograd(shape(k)));
        Window2d win = k.window();
        int oh = (int) win.outH(), ow = (int) win.outW();
        for (int poisoned = 0; poisoned < 3; poisoned++) {
            double[] x = asStored(DType.FLOAT32, uniform(k.n * k.c * k.h * k.w, 1, -1, 1));
            double[] w = asStored(DType.FLOAT32, uniform(k.o * k.c * 9, 2, -1, 1));
            double[] b = asStored(DType.FLOAT32, uniform(k.o, 3, -1, 1));
            double[] dy = asStored(DType.FLOAT32, uniform(k.n * k.o * oh * ow, 4, -1, 1));
            switch (poisoned) {
                case 0 -> { x[5 * k.w + 9] = Double.POSITIVE_INFINITY; x[k.c * k.h * k.w + 40] = Double.NaN; }
                case 1 -> { dy[3 * ow + 12] = Double.NEGATIVE_INFINITY; dy[k.o * oh * ow - 1] = Double.NaN; }
                default -> w[9 * k.c + 4] = Double.POSITIVE_INFINITY;
            }
            Tensor y = empty(DType.FLOAT32, k.n, k.o, oh, ow), dx = empty(DType.FLOAT32, k.n, k.c, k.h, k.w);
            Tensor wt = tensor(DType.FLOAT32, new long[] {k.o, k.c, 3, 3}, w);
            CPU.conv2d(tensor(DType.FLOAT32, new long[] {k.n, k.c, k.h, k.w}, x), wt, tensor(DType.FLOAT32, new long[] {k.o}, b), win, 1, y);
            CPU.conv2dBackwardInput(tensor(DType.FLOAT32, new long[] {k.n, k.o, oh, ow}, dy), wt, win, 1, dx);
            double[] wantY = forwardRef(k, x, w, b), wantDx = backwardRef(k, x, w, dy)[0];
            long finiteY = java.util.Arrays.stream(wantY).filter(Double::isFinite).count();
            assertTrue(finiteY > 0 && finiteY < wantY.length || poisoned == 1, "the case must poison some outputs and not all");
            assertClose(wantY, values(y), 1e-4, 1e-3, "forward, poisoned " + poisoned);
            assertClose(wantDx, values(dx), 1e-4, 1e-3, "input gradient, poisoned " + poisoned);
        }
    }

    @Test
    void winogradFormsAreTheOnesTheCasesExercise() {
        // the cases above test WinogradConv only while the selection routes them there
        for (Case k : List.of(new Case(3, 16, 20, 9, 40, 3, 3, 1, 1, 1, 1), new Case(2, 18, 16, 11, 35, 3, 3, 1, 0, 1, 1),
                new Case(2, 16, 17, 8, 31, 3, 3, 1, 2, 1, 1), new Case(4, 32, 34, 9, 17, 3, 3, 1, 1, 1, 2),
                new Case(600, 16, 16, 1, 1, 3, 3, 1, 1, 1, 1), new Case(3, 17, 19, 17, 19, 3, 3, 1, 1, 1, 1))) {
            assertTrue(ConvolutionKernels.winograd(shape(k)), k.toString());
        }
        // 90 x 90 planes of 16 channels: 2 samples per pass, so 3 samples take two, the second of one sample
        assertEquals(2, WinogradConv.samplesPerChunk(16, 16, 45 * 45, 3));
        assertTrue(ConvolutionKernels.winograd(shape(new Case(4, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1))));   // ResNet layer1
        // too few output pixels for the weight's transform to pay (ResNet layer4 at batch 4), too few channels,
        // other windows
        assertTrue(!ConvolutionKernels.winograd(shape(new Case(4, 512, 512, 7, 7, 3, 3, 1, 1, 1, 1))));
        assertTrue(!ConvolutionKernels.winograd(shape(new Case(3, 8, 20, 20, 20, 3, 3, 1, 1, 1, 1))));
        assertTrue(!ConvolutionKernels.winograd(shape(new Case(3, 16, 20, 20, 20, 3, 3, 2, 1, 1, 1))));
        assertTrue(!ConvolutionKernels.winograd(shape(new Case(3, 16, 20, 20, 20, 3, 3, 1, 1, 2, 1))));
        assertTrue(!ConvolutionKernels.winograd(shape(new Case(3, 16, 20, 20, 20, 3, 3, 1, 3, 1, 1))));
        assertTrue(!ConvolutionKernels.winograd(shape(new Case(3, 16, 20, 20, 20, 5, 5, 1, 2, 1, 1))));
        // one sample whose transformed planes would not fit a pass: a 64-channel 4096 x 4096 image (not allocated here)
        assertTrue(!WinogradConv.suits(3, 3, 1, 1, 1, 1, 1, 1, 64, 64, 1, 4096, 4096));
        assertTrue(WinogradConv.suits(3, 3, 1, 1, 1, 1, 1, 1, 64, 64, 1, 512, 512));   // exactly the bound
    }

    private static ConvolutionKernels.Shape shape(Case k) {
        return ConvolutionKernels.Shape.of(empty(DType.FLOAT32, k.n, k.c, k.h, k.w), empty(DType.FLOAT32, k.o, k.c / k.g, k.kh, k.kw), k.window(), k.g);
    }

    @Test
    void sampleVectorInputGradientIsTheFormTheCasesExercise() {
        // the cases above test SampleVectorConv only while the selection routes them there
        assertTrue(SampleVectorConv.suitsInputGradient(shape(new Case(LANES + 3, 6, 16, 14, 14, 5, 5, 1, 0, 1, 1))));
        assertTrue(SampleVectorConv.suitsInputGradient(shape(new Case(LANES, 3, 7, 9, 11, 3, 3, 1, 2, 2, 1))));
        assertTrue(SampleVectorConv.suitsInputGradient(shape(new Case(LANES + 1, 4, 6, 7, 9, 3, 2, 1, 1, 1, 2))));
        assertTrue(SampleVectorConv.suitsInputGradient(shape(new Case(LANES, 1, 6, 12, 13, 5, 5, 1, 0, 1, 1))));
        // fewer samples than lanes, a stride, more than 16 output channels per group keep the other forms
        assertTrue(!SampleVectorConv.suitsInputGradient(shape(new Case(LANES - 1, 6, 16, 14, 14, 5, 5, 1, 0, 1, 1))));
        assertTrue(!SampleVectorConv.suitsInputGradient(shape(new Case(LANES, 6, 16, 14, 14, 5, 5, 2, 0, 1, 1))));
        assertTrue(!SampleVectorConv.suitsInputGradient(shape(new Case(LANES, 6, 17, 14, 14, 5, 5, 1, 0, 1, 1))));
    }

    @Test
    void sampleVectorInputGradientLeavesAnInfiniteWeightToTheDefinitionsTerms() {
        // the gather reads zeros past dy's 5 columns, and 0 * inf would put NaN where the definition has no term:
        // the tile of dx columns 4-7 runs kj = 0 for column 4, whose lanes for columns 5-7 read past dy's columns, so
        // an infinite W[0, 0, 2, 0] must reach columns 0-4 of channel 0 and no other
        Case k = new Case(LANES, 2, 3, 9, 9, 5, 5, 1, 0, 1, 1);
        Window2d win = k.window();
        assertTrue(SampleVectorConv.suitsInputGradient(shape(k)));
        double[] w = uniform(k.o * k.c * 25, 21, -1, 1);
        w[2 * 5] = Double.POSITIVE_INFINITY;
        double[] dy = uniform(k.n * k.o * 25, 22, 0.5, 1);
        Tensor dx = empty(DType.FLOAT32, k.n, k.c, k.h, k.w);
        CPU.conv2dBackwardInput(tensor(DType.FLOAT32, new long[] {k.n, k.o, 5, 5}, dy), tensor(DType.FLOAT32, new long[] {k.o, k.c, 5, 5}, w), win, 1, dx);
        double[] want = backwardRef(k, new double[k.n * k.c * 81], w, dy)[0], got = values(dx);
        for (int i = 0; i < got.length; i++) {
            assertTrue(Double.isFinite(want[i]) ? Math.abs(got[i] - want[i]) < 1e-3 : got[i] == want[i], "dx[" + i + "]: " + got[i] + " against " + want[i]);
        }
    }

    @Test
    void narrowOutputsPutSamplesSideBySide() {
        // ResNet-50 layer4's 3x3: 49 pixels per sample, all four samples in one product
        Tensor x = empty(DType.FLOAT32, 4, 512, 7, 7), w = empty(DType.FLOAT32, 512, 512, 3, 3);
        Window2d layer4 = Window2d.conv(7, 7, 3, 3, 1, 1, 1, 1, 1, 1);
        assertTrue(ConvolutionKernels.samplesSideBySide(ConvolutionKernels.Shape.of(x, w, layer4, 1)) == 4);
        // the side-by-side test cases: chunks of two samples, so the last chunk is partial
        Tensor x5 = empty(DType.FLOAT32, 5, 6, 20, 20), w5 = empty(DType.FLOAT32, 34, 3, 3, 3);
        assertTrue(ConvolutionKernels.samplesSideBySide(ConvolutionKernels.Shape.of(x5, w5, Window2d.conv(20, 20, 3, 3, 1, 1, 1, 1, 1, 1), 2)) == 2);
        // wide outputs (ResNet layer1's 56x56) keep one sample per product
        Tensor x1 = empty(DType.FLOAT32, 4, 64, 56, 56), w1 = empty(DType.FLOAT32, 64, 64, 3, 3);
        assertTrue(ConvolutionKernels.samplesSideBySide(ConvolutionKernels.Shape.of(x1, w1, Window2d.conv(56, 56, 3, 3, 1, 1, 1, 1, 1, 1), 1)) == 1);
    }

    @Test
    void weightGradientOfRowsInLanesKeepsAnInfiniteInputToTheTapsThatReachIt() {
        // 11 wide, 5x5: 7-wide output rows, so a row's vector has a lane past the output; x[0, 0, 0, 10] is reached
        // only by tap (ki 0, kj 4), though the lane past the output of tap (0, 3) loads it too
        int h = 11, w = 11, o = 6;
        Window2d win = Window2d.conv(h, w, 5, 5, 1, 1, 0, 0, 1, 1);
        assertTrue(DirectWeightGrad.suits(win, o, 25));
        double[] x = uniform(h * w, 11, -1, 1);
        x[10] = Double.POSITIVE_INFINITY;
        Tensor dy = tensor(DType.FLOAT32, new long[] {1, o, 7, 7}, uniform(o * 49, 12, 0.5, 1));
        Tensor dw = empty(DType.FLOAT32, o, 1, 5, 5);
        CPU.conv2dBackwardWeight(dy, tensor(DType.FLOAT32, new long[] {1, 1, h, w}, x), win, 1, dw);
        double[] got = values(dw);
        for (int i = 0; i < got.length; i++) {
            boolean reached = i % 25 == 4;
            assertTrue(reached ? got[i] == Double.POSITIVE_INFINITY : Double.isFinite(got[i]), "tap " + i % 25 + " of channel " + i / 25 + ": " + got[i]);
        }
    }

    private static double[] transposeHw(double[] x, int planes, int h, int w) {
        double[] t = new double[x.length];
        for (int p = 0; p < planes; p++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) t[(p * w + j) * h + i] = x[(p * h + i) * w + j];
        return t;
    }

    @Test
    void convGemmMatchesItsReferenceOnOddSizes() {
        int[] sizes = {1, 7, 17, 1023};
        for (int m : new int[] {1, 4, 7, 17}) for (int n : sizes) for (int k : new int[] {1, 7, 17}) {
            float[] a = floats(m * k + 3, 1), b = floats(k * (n + 2), 2), bias = floats(m + 1, 3);
            float[] got = new float[m * n], want = new float[m * n];
            // A through its transpose's strides, B with a leading dimension wider than n
            ConvGemm.multiply(m, n, k, a, 3, 1, m, b, 0, n + 2, bias, 1, got, 0, n);
            ConvGemm.reference(m, n, k, a, 3, 1, m, b, 0, n + 2, bias, 1, want, 0, n);
            assertClose(toDouble(want), toDouble(got), 1e-5, 1e-5, "multiply " + m + "x" + n + "x" + k);
        }
        for (int m : new int[] {1, 4, 7}) for (int n : new int[] {1, 2, 7, 17}) for (int k : sizes) {
            float[] a = floats(m * (k + 1), 4), b = floats(n * k, 5);
            float[] got = floats(m * n, 6), want = got.clone();
            ConvGemm.accumulateDots(m, n, k, a, 0, k + 1, b, 0, k, got, 0, n);
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[i * (k + 1) + p] * b[j * k + p];
                want[i * n + j] += (float) s;
            }
            assertClose(toDouble(want), toDouble(got), 1e-4, 1e-4, "accumulateDots " + m + "x" + n + "x" + k);
        }
    }

    @Test
    void reluBackwardPassesGradientWhereTheResultIsPositive() {
        for (int n : new int[] {1, 7, 17, 1023}) {
            double[] r = uniform(2 * n, 7, -1, 1), g = uniform(2 * n, 8, -1, 1);
            r[0] = 0;
            r[1] = Double.NaN;   // PyTorch's threshold_backward: only result <= 0 blocks
            Tensor rt = tensor(DType.FLOAT32, new long[] {2, n}, r), gt = tensor(DType.FLOAT32, new long[] {2, n}, g);
            double[] want = new double[2 * n];
            for (int i = 0; i < want.length; i++) want[i] = r[i] <= 0 ? 0 : (float) g[i];
            Tensor out = empty(DType.FLOAT32, 2, n);
            CPU.reluBackward(gt, rt, out);
            assertClose(want, values(out), 0, 0, "relu backward contiguous " + n);
            // transposed views: the strided path
            Tensor outT = empty(DType.FLOAT32, n, 2);
            CPU.reluBackward(gt.transpose(0, 1), rt.transpose(0, 1), outT);
            double[] wantT = new double[2 * n];
            for (int i = 0; i < 2; i++) for (int j = 0; j < n; j++) wantT[j * 2 + i] = want[i * n + j];
            assertClose(wantT, values(outT), 0, 0, "relu backward strided " + n);
        }
    }

    @Test
    void float32PoolingMatchesTheFloat64Path() {
        for (int size : new int[] {1, 7, 17}) {
            for (Window2d w : List.of(new Window2d(size, size, 2, 2, 2, 2, 0, 0, 1, 1, false, true),
                                      new Window2d(size, size, 3, 3, 2, 2, 1, 1, 1, 1, true, false),
                                      new Window2d(size, size, 3, 3, 1, 1, 1, 1, 1, 1, false, true))) {
                if (w.outH() <= 0) continue;
                double[] x = asStored(DType.FLOAT32, uniform(3 * 2 * size * size, 9, -1, 1));
                long oh = w.outH(), ow = w.outW();
                for (boolean transposed : new boolean[] {false, true}) {
                    Tensor x32 = tensor(DType.FLOAT32, new long[] {3, 2, size, size}, x), x64 = tensor(DType.FLOAT64, new long[] {3, 2, size, size}, x);
                    if (transposed) { x32 = x32.transpose(2, 3); x64 = x64.transpose(2, 3); }
                    Tensor a32 = empty(DType.FLOAT32, 3, 2, oh, ow), a64 = empty(DType.FLOAT64, 3, 2, oh, ow);
                    CPU.avgPool2d(x32, w, a32);
                    CPU.avgPool2d(x64, w, a64);
                    assertClose(values(a64), values(a32), 1e-6, 1e-6, "avg " + w);
                    Tensor m32 = empty(DType.FLOAT32, 3, 2, oh, ow), m64 = empty(DType.FLOAT64, 3, 2, oh, ow);
                    Tensor i32 = empty(DType.INT64, 3, 2, oh, ow), i64 = empty(DType.INT64, 3, 2, oh, ow);
                    CPU.maxPool2d(x32, w, m32, i32);
                    CPU.maxPool2d(x64, w, m64, i64);
                    assertClose(values(m64), values(m32), 0, 0, "max " + w);
                    assertClose(values(i64), values(i32), 0, 0, "argmax " + w);
                    double[] g = asStored(DType.FLOAT32, uniform((int) (3 * 2 * oh * ow), 10, -1, 1));
                    Tensor g32 = tensor(DType.FLOAT32, new long[] {3, 2, oh, ow}, g), g64 = tensor(DType.FLOAT64, new long[] {3, 2, oh, ow}, g);
                    Tensor d32 = empty(DType.FLOAT32, 3, 2, size, size), d64 = empty(DType.FLOAT64, 3, 2, size, size);
                    CPU.fill(d32, 0);
                    CPU.fill(d64, 0);
                    CPU.avgPool2dBackward(g32, w, d32);
                    CPU.avgPool2dBackward(g64, w, d64);
                    assertClose(values(d64), values(d32), 1e-6, 1e-6, "avg backward " + w);
                    CPU.fill(d32, 0);
                    CPU.fill(d64, 0);
                    CPU.maxPool2dBackward(g32, i32, d32);
                    CPU.maxPool2dBackward(g64, i64, d64);
                    assertClose(values(d64), values(d32), 1e-6, 1e-6, "max backward " + w);
                }
            }
        }
    }

    private static float[] floats(int n, long seed) {
        double[] d = uniform(n, seed, -1, 1);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) d[i];
        return f;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
