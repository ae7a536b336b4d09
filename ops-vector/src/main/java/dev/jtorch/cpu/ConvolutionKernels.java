package dev.jtorch.cpu;

import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.segment;

/**
 * float32 2-d convolution over contiguous NCHW tensors, forward and both gradients, as GEMMs over the channel
 * dimension, per group g: {@code out[n,g] (O/g x P) = W[g] (O/g x K) @ cols[n,g] (K x P)} with K = C/g*kH*kW
 * and P = outH*outW pixels. Per shape, the cheapest form of that product:
 * <ul>
 *   <li><b>pointwise</b> (1x1, stride 1, no padding): the input block [C/g, H*W] already is cols, no im2col;
 *   <li><b>one pixel per sample</b> (P == 1, as LeNet's last conv or a classifier written as a conv): every sample
 *       in one GEMM with the batch as M, instead of N matrix-vector products; when the window covers the input
 *       exactly, the input rows are cols as they are;
 *   <li><b>output channels in the lanes</b> with few output channels where that fills vectors better than output
 *       rows do (LeNet conv2's 16 channels against 10-wide rows), any stride: {@link ChannelVectorConv}, no im2col;
 *       it also takes the weight gradient of the other shapes with few output channels;
 *   <li><b>direct</b> at stride 1 with few output channels (LeNet conv1): {@link DirectConv}, no im2col, and its
 *       adjoint {@link DirectWeightGrad} for the weight gradient;
 *   <li><b>direct over 16-channel blocks</b> with 512-bit vectors, whole blocks of 16 input and 32 output channels per
 *       group, stride 1 or 2, where Winograd does not take the layer (ResNet layer2's strided 3x3, layer4's 7x7 maps):
 *       {@link Nchw16cConv}, tiles of 7 output pixels by 32 channels summed over every tap in registers, skipping the
 *       taps that read only padding (kernel rows above or below the input, a tile's edge pixel for edge columns);
 *   <li><b>implicit GEMM</b> at stride 1 with 8+ input channels per group (ResNet's 3x3 layers): {@link ImplicitConv},
 *       the micro-kernel's B panels read straight from a zero-padded copy of the input, no column matrix; the input
 *       gradient is the same product over dy padded by {@code dilation*(k-1) - padding} with the weight flipped and
 *       transposed, so it needs no col2im either;
 *   <li><b>samples in the lanes</b> for the stride-1 input gradient with few output channels (LeNet conv2) and a
 *       whole vector of samples: {@link SampleVectorConv}, each lane the definition's gather, no col2im;
 *   <li>otherwise <b>im2col of one sample</b> into a per-thread buffer, then the GEMM, whose epilogue adds the bias
 *       while each tile is in cache. Samples are split over threads while one sample's GEMM is too small to split well;
 *       narrow outputs (ResNet's 7x7) put a chunk of samples side by side in one GEMM instead
 *       ({@link #samplesSideBySide}), forward and input gradient.
 * </ul>
 * The weight gradient sums over samples. With more than 16 output channels per group it is one product per group
 * whose reduction runs over (sample, pixel), its panels packed straight from dy and the padded input
 * ({@link WeightGradPanels}), split between threads by the gradient's columns or rows, so no partial sums. Otherwise
 * a chunk of samples is unfolded side by side so that one GEMM's K runs over (sample, pixel) instead of N thin
 * GEMMs; chunks bound the buffer and accumulate with beta = 1.
 */
final class ConvolutionKernels {
    private ConvolutionKernels() {}

    /** Below this many multiply-adds per sample, samples run in parallel with single-threaded GEMMs. */
    static final long SAMPLE_PARALLEL_MAX_WORK = 8L << 20;
    /** Columns of the weight gradient's side-by-side unfold: at most this many floats (16 MiB) at once. */
    static final long WEIGHT_GRAD_CHUNK_FLOATS = 4L << 20;
    /** Columns (samples x pixels) one side-by-side product aims for: enough that a tile's padding and the weight's packing amortise. */
    static final int SIDE_BY_SIDE_COLUMNS = 1024;

    private static final ThreadLocal<float[]> COLUMNS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> ROWS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PARTIALS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> WEIGHTS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> BIASES = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> GRADIENT_TILES = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PADDED_COLUMNS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> TAP_MAJOR = ThreadBuffers.floats();

    /** The GEMM view of one convolution: sizes per group. */
    record Shape(int n, int c, int h, int w, int o, int groups, Window2d win) {
        static Shape of(Tensor input, Tensor weight, Window2d win, int groups) {
            return new Shape((int) input.size(0), (int) input.size(1), (int) input.size(2), (int) input.size(3), (int) weight.size(0), groups, win);
        }

        /** True when {@link #of} would give this shape (Window2d is a record: equal windows are equal geometry). */
        boolean is(Tensor input, Tensor weight, Window2d win, int groups) {
            return n == input.size(0) && c == input.size(1) && h == input.size(2) && w == input.size(3)
                    && o == weight.size(0) && this.groups == groups && this.win.equals(win);
        }
        int channelsPerGroup() { return c / groups; }
        int outPerGroup() { return o / groups; }
        int patch() { return channelsPerGroup() * win.kernelH() * win.kernelW(); }
        int pixels() { return (int) (win.outH() * win.outW()); }
        long inPlane() { return (long) h * w; }
        long workPerSample() { return (long) o * patch() * pixels(); }

        boolean pointwise() {
            return win.kernelH() == 1 && win.kernelW() == 1 && win.strideH() == 1 && win.strideW() == 1 && win.padH() == 0 && win.padW() == 0;
        }

        /** The window is the whole input, once: each sample's input rows are its columns. */
        boolean coversInput() {
            return win.kernelH() == h && win.kernelW() == w && win.padH() == 0 && win.padW() == 0
                    && (h == 1 || win.dilationH() == 1) && (w == 1 || win.dilationW() == 1);
        }

        /** The element offset of the input planes of (sample, group). */
        long inputOffset(long offset, int sample, int group) {
            return offset + ((long) sample * c + (long) group * channelsPerGroup()) * inPlane();
        }

        Unfold.Planes inputOf(MemorySegment data, long offset, int sample, int group) {
            return new Unfold.Planes(data, offset + ((long) sample * c + (long) group * channelsPerGroup()) * inPlane(), channelsPerGroup(), h, w);
        }
    }

    /**
     * Whether these kernels compute a call: every operand float32 and contiguous; null (an absent bias) passes.
     * Fixed arity, not varargs: the array would be garbage on every batch-1 inference call.
     */
    static boolean handles(Tensor a, Tensor b, Tensor c, Tensor d) {
        return handles(a) && handles(b) && handles(c) && handles(d);
    }

    static boolean handles(Tensor a, Tensor b, Tensor c) {
        return handles(a) && handles(b) && handles(c);
    }

    private static boolean handles(Tensor t) {
        return t == null || (t.dtype() == dev.jtorch.tensor.DType.FLOAT32 && t.isContiguous());
    }

    // ---------------------------------------------------------------------------------------------------------
    // forward

    static void forward(Tensor input, Tensor weight, Tensor bias, Window2d win, int groups, Tensor out) {
        ForwardCall call = FORWARD.get();
        Shape s = call.shapeOf(input, weight, win, groups);
        if (s.n() == 0 || s.o() == 0) return;
        MemorySegment x = segment(input), k = segment(weight), y = segment(out), b = bias == null ? null : segment(bias);
        long xOff = input.storageOffset(), kOff = weight.storageOffset(), yOff = out.storageOffset(), bOff = bias == null ? 0 : bias.storageOffset();
        if (s.pixels() == 1) {
            forwardOnePixel(s, x, xOff, k, kOff, b, bOff, y, yOff);
            return;
        }
        call.prepare(x, xOff, k, kOff, weight.numel(), b, bOff, y, yOff);
        if (call.gemm() && winograd(s) && forwardWinograd(s, x, xOff, k, kOff, b == null ? null : toArray(b, bOff, s.o(), BIASES), y, yOff)) {
            return;
        }
        if (call.gemm() && nchw16c(s)) {
            forwardNchw16c(s, x, xOff, k, kOff, b == null ? null : toArray(b, bOff, s.o(), BIASES), y, yOff);
            return;
        }
        if (call.gemm() && implicitForward(s)) {
            forwardImplicit(s, x, xOff, k, kOff, b == null ? null : toArray(b, bOff, s.o(), BIASES), y, yOff);
            return;
        }
        int chunk = call.gemm() ? samplesSideBySide(s) : 1;
        if (chunk > 1) forwardSideBySide(s, chunk, x, xOff, k, kOff, b, bOff, y, yOff);
        else forEachSample(s, call);
    }

    /** Whether the forward and the input gradient run as Winograd's F(2x2, 3x3) ({@link WinogradConv}). */
    static boolean winograd(Shape s) {
        Window2d win = s.win();
        return WinogradConv.suits(win.kernelH(), win.kernelW(), win.strideH(), win.strideW(), win.dilationH(), win.dilationW(),
                win.padH(), win.padW(), s.channelsPerGroup(), s.outPerGroup(), s.n(), win.outH(), win.outW());
    }

    /**
     * y[:, g] = the Winograd product of x[:, g] with W[g], plus the bias, group by group; false where an input or
     * weight is not finite, for another form to compute y.
     */
    private static boolean forwardWinograd(Shape s, MemorySegment x, long xOff, MemorySegment k, long kOff, float[] bias,
                                        MemorySegment y, long yOff) {
        Window2d win = s.win();
        int og = s.outPerGroup(), cg = s.channelsPerGroup();
        for (int g = 0; g < s.groups(); g++) {
            float[] u = WinogradConv.transformWeights(k, kOff + (long) g * og * s.patch(), og, cg, false, PanelProduct.kernel().mr);
            if (u == null || !WinogradConv.convolve(x, s.inputOffset(xOff, 0, g), (long) s.c() * s.inPlane(), s.n(), cg, s.h(), s.w(),
                    win.padH(), win.padW(), u, og, bias, g * og, y, yOff + (long) g * og * s.pixels(), (long) s.o() * s.pixels(),
                    (int) win.outH(), (int) win.outW())) {
                return false;
            }
        }
        return true;
    }

    /**
     * dx[:, g] = dy[:, g] padded by 2 - padding, convolved with W[g] flipped and transposed, by Winograd; false where
     * dy or the weight is not finite, for another form to compute dx.
     */
    private static boolean backwardInputWinograd(Shape s, MemorySegment dy, long dyOff, MemorySegment k, long kOff, MemorySegment dx, long dxOff) {
        Window2d win = s.win();
        int og = s.outPerGroup(), pixels = s.pixels();
        for (int g = 0; g < s.groups(); g++) {
            float[] u = WinogradConv.transformWeights(k, kOff + (long) g * og * s.patch(), og, s.channelsPerGroup(), true, PanelProduct.kernel().mr);
            if (u == null || !WinogradConv.convolve(dy, dyOff + (long) g * og * pixels, (long) s.o() * pixels, s.n(), og,
                    (int) win.outH(), (int) win.outW(), 2 - win.padH(), 2 - win.padW(), u, s.channelsPerGroup(), null, 0,
                    dx, s.inputOffset(dxOff, 0, g), (long) s.c() * s.inPlane(), s.h(), s.w())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the forward runs directly over 16-channel blocks ({@link Nchw16cConv}). */
    static boolean nchw16c(Shape s) {
        Window2d win = s.win();
        return Nchw16cConv.suits(s.channelsPerGroup(), s.outPerGroup(), win.kernelH(), win.kernelW(), win.strideH(), win.strideW(),
                win.dilationH(), win.dilationW());
    }

    /** y[:, g] = the direct convolution of x[:, g] with W[g] over 16-channel blocks, plus the bias. */
    private static void forwardNchw16c(Shape s, MemorySegment x, long xOff, MemorySegment k, long kOff, float[] bias,
                                       MemorySegment y, long yOff) {
        Window2d win = s.win();
        int og = s.outPerGroup();
        var geo = new Nchw16cConv.Geometry(s.channelsPerGroup(), s.h(), s.w(), og, win.kernelH(), win.kernelW(), win.strideH(),
                win.padH(), win.padW(), (int) win.outH(), (int) win.outW());
        for (int g = 0; g < s.groups(); g++) {
            Nchw16cConv.forward(x, s.inputOffset(xOff, 0, g), (long) s.c() * s.inPlane(), s.n(), geo,
                    new Nchw16cConv.Weights.AsIs(k, kOff + (long) g * og * s.patch()), bias, g * og,
                    y, yOff + (long) g * og * s.pixels(), (long) s.o() * s.pixels());
        }
    }

    /**
     * Whether the forward runs as an implicit GEMM on the padded input ({@link ImplicitConv}): at stride 1, not
     * pointwise; at stride 2 with a kernel of 2+ taps each way, whose phases make every tap's read contiguous (ResNet
     * layer2's strided 3x3: 0.96x the time of im2col and Sgemm). A 1x1 kernel at stride 2 reads one phase of four:
     * writing all four cost more than im2col's subsampling (1.19x the time at ResNet's 256 -> 512 downsample).
     */
    static boolean implicitForward(Shape s) {
        Window2d win = s.win();
        boolean strided = win.strideH() == 2 && win.strideW() == 2 && win.kernelH() > 1 && win.kernelW() > 1;
        return (win.strideH() == 1 && win.strideW() == 1 || strided) && !s.pointwise() && s.channelsPerGroup() >= 8;
    }

    /** y[:, g] = W[g] @ the columns of x[:, g], read from its padded planes, plus the bias, for chunks of samples. */
    private static void forwardImplicit(Shape s, MemorySegment x, long xOff, MemorySegment k, long kOff, float[] bias,
                                        MemorySegment y, long yOff) {
        Window2d win = s.win();
        int og = s.outPerGroup(), cg = s.channelsPerGroup(), patch = s.patch();
        var geo = new ImplicitConv.Geometry(cg, s.h() + 2 * win.padH(), s.w() + 2 * win.padW(), win.kernelH(), win.kernelW(),
                win.dilationH(), win.dilationW(), (int) win.outH(), (int) win.outW(), win.strideH(), win.strideW());
        int chunk = (int) Math.max(1, Math.min(s.n(), WEIGHT_GRAD_CHUNK_FLOATS / ((long) cg * geo.plane())));
        for (int first = 0; first < s.n(); first += chunk) {
            int samples = Math.min(chunk, s.n() - first);
            for (int g = 0; g < s.groups(); g++) {
                float[] xp = ImplicitConv.pad(x, s.inputOffset(xOff, first, g), (long) s.c() * s.inPlane(), samples, cg, s.h(), s.w(),
                        win.padH(), win.padW(), geo);
                var weights = new PanelProduct.SegmentRows(k, kOff + (long) g * og * patch, 0, patch, og);
                ImplicitConv.compute(weights, k, og, xp, samples, geo, bias, g * og, y,
                        yOff + ((long) first * s.o() + (long) g * og) * s.pixels(), (long) s.o() * s.pixels());
            }
        }
    }

    /**
     * Samples whose columns sit side by side in one product, or 1. A narrow output (ResNet's 7x7 = 49 pixels) makes
     * per-sample products thin: each packs the whole weight again for only P columns and pads P to whole tiles;
     * side by side, the weight is packed once per chunk and only the chunk's last tile is partial.
     */
    static int samplesSideBySide(Shape s) {
        int pixels = s.pixels();
        if (s.n() < 2 || pixels > SIDE_BY_SIDE_COLUMNS / 2) return 1;
        long byColumns = SIDE_BY_SIDE_COLUMNS / pixels, byBuffer = WEIGHT_GRAD_CHUNK_FLOATS / ((long) s.patch() * pixels);
        return (int) Math.max(1, Math.min(s.n(), Math.min(byColumns, byBuffer)));
    }

    /**
     * out[n, g] for a chunk of samples at a time: cols (K x chunk*P, sample i in columns [i*P, (i+1)*P)) unfolded in
     * parallel, one GEMM (threaded inside) with the bias fused, then each sample's O/g x P block copied to its place.
     */
    private static void forwardSideBySide(Shape s, int chunk, MemorySegment x, long xOff, MemorySegment k, long kOff,
                                          MemorySegment b, long bOff, MemorySegment y, long yOff) {
        int og = s.outPerGroup(), patch = s.patch(), pixels = s.pixels();
        for (int first = 0; first < s.n(); first += chunk) {
            int samples = Math.min(chunk, s.n() - first), width = samples * pixels;
            for (int g = 0; g < s.groups(); g++) {
                float[] cols = ThreadBuffers.atLeast(COLUMNS, (long) patch * width), rows = ThreadBuffers.atLeast(ROWS, (long) og * width);
                unfoldSideBySide(s, x, xOff, first, samples, g, cols);
                Epilogue bias1 = b == null ? Epilogue.NONE : Epilogue.biasPerRow(b, bOff + (long) g * og, Activation.NONE);
                Sgemm.gemm(og, width, patch, 1f, k, kOff + (long) g * og * patch, patch, 1,
                        MemorySegment.ofArray(cols), 0, width, 1, 0f, MemorySegment.ofArray(rows), 0, width, bias1);
                for (int i = 0; i < samples; i++) {
                    for (int o = 0; o < og; o++) {
                        long to = yOff + ((long) (first + i) * s.o() + (long) g * og + o) * pixels;
                        MemorySegment.copy(rows, o * width + i * pixels, y, ElementAccess.F32, to * Float.BYTES, pixels);
                    }
                }
            }
        }
    }

    /** cols (K x samples*P) = the columns of samples [first, first+samples) of group g side by side, in parallel. */
    private static void unfoldSideBySide(Shape s, MemorySegment x, long xOff, int first, int samples, int g, float[] cols) {
        int pixels = s.pixels(), width = samples * pixels;
        IntraOpPool.parallelFor(samples, 1, (i0, i1) -> {
            for (int i = (int) i0; i < i1; i++) {
                if (s.pointwise()) {
                    long from = s.inputOffset(xOff, first + i, g);
                    for (int row = 0; row < s.patch(); row++) {
                        MemorySegment.copy(x, ElementAccess.F32, (from + (long) row * pixels) * Float.BYTES, cols, row * width + i * pixels, pixels);
                    }
                } else {
                    Unfold.im2col(s.inputOf(x, xOff, first + i, g), s.win(), cols, i * pixels, width);
                }
            }
        });
    }

    /**
     * One forward call's operands and per-shape choices, reused by its thread so that a call allocates nothing in
     * steady state (batch-1 inference): it is the body the samples run, in parallel or on this thread alone.
     * Workers only read it, and only while the call that filled it runs.
     */
    private static final class ForwardCall implements SampleBody {
        Shape s;
        /** The shapes of recent calls: a network alternates a few convolution shapes call after call. */
        private final Shape[] recent = new Shape[8];
        private int nextRecent;
        MemorySegment x, k, y, b;
        long xOff, kOff, yOff, bOff;
        boolean channels, direct, small;
        float[] kArr, bArr, packed;
        int packedSize;

        /** The shape of this call; a recent call's when it is the same, so that a network's forward allocates none. */
        Shape shapeOf(Tensor input, Tensor weight, Window2d win, int groups) {
            for (Shape r : recent) {
                if (r != null && r.is(input, weight, win, groups)) return s = r;
            }
            s = Shape.of(input, weight, win, groups);
            recent[nextRecent] = s;
            nextRecent = (nextRecent + 1) % recent.length;
            return s;
        }

        void prepare(MemorySegment x, long xOff, MemorySegment k, long kOff, long weights, MemorySegment b, long bOff,
                     MemorySegment y, long yOff) {
            this.x = x; this.xOff = xOff; this.k = k; this.kOff = kOff; this.b = b; this.bOff = bOff; this.y = y; this.yOff = yOff;
            int og = s.outPerGroup(), patch = s.patch();
            ArrayKernel kernel = arrayKernel(s);
            channels = kernel == ArrayKernel.CHANNEL_VECTORS;
            direct = kernel == ArrayKernel.DIRECT;
            small = kernel == ArrayKernel.SMALL_GEMM;
            // heap copies of the weights only for the array kernels (a ResNet layer4 weight is 9 MiB)
            kArr = direct || small ? toArray(k, kOff, weights, WEIGHTS) : null;
            bArr = (channels || direct || small) && b != null ? toArray(b, bOff, s.o(), BIASES) : null;
            packedSize = channels ? ChannelVectorConv.packedSize(og, patch) : 0;
            packed = channels ? ThreadBuffers.atLeast(WEIGHTS, (long) s.groups() * packedSize) : null;
            for (int g = 0; channels && g < s.groups(); g++) {
                ChannelVectorConv.packWeights(k, kOff + (long) g * og * patch, og, patch, packed, g * packedSize);
            }
        }

        /** The per-sample product goes through Sgemm (im2col or pointwise), not an array kernel. */
        boolean gemm() { return !channels && !direct && !small; }

        @Override
        public void run(int sample, float[] cols) {
            int og = s.outPerGroup(), patch = s.patch(), pixels = s.pixels();
            Window2d win = s.win();
            for (int g = 0; g < s.groups(); g++) {
                long yAt = yOff + ((long) sample * s.o() + (long) g * og) * pixels;
                long xAt = s.inputOffset(xOff, sample, g);
                if (channels || direct) {
                    float[] rows = ThreadBuffers.atLeast(ROWS, (long) og * pixels);
                    if (channels) {
                        ChannelVectorConv.forward(x, xAt, s.channelsPerGroup(), s.h(), s.w(), win, packed, g * packedSize, og, bArr, g * og, rows);
                    } else {
                        DirectConv.forward(x, xAt, s.channelsPerGroup(), s.h(), s.w(), win, kArr, g * og * patch, bArr, g * og, og, rows);
                    }
                    MemorySegment.copy(rows, 0, y, ElementAccess.F32, yAt * Float.BYTES, og * pixels);
                    continue;
                }
                if (small) {
                    // unpacked small-channel product on heap arrays, one bulk copy out
                    if (s.pointwise()) MemorySegment.copy(x, ElementAccess.F32, xAt * Float.BYTES, cols, 0, patch * pixels);
                    else Unfold.im2col(s.inputOf(x, xOff, sample, g), win, cols, 0, pixels);
                    float[] rows = ThreadBuffers.atLeast(ROWS, (long) og * pixels);
                    ConvGemm.multiply(og, pixels, patch, kArr, g * og * patch, patch, 1, cols, 0, pixels,
                            bArr, g * og, rows, 0, pixels);
                    MemorySegment.copy(rows, 0, y, ElementAccess.F32, yAt * Float.BYTES, og * pixels);
                    continue;
                }
                MemorySegment src;
                long srcOff;
                if (s.pointwise()) {
                    src = x;
                    srcOff = xAt;
                } else {
                    Unfold.im2col(s.inputOf(x, xOff, sample, g), win, cols, 0, pixels);
                    src = MemorySegment.ofArray(cols);
                    srcOff = 0;
                }
                Epilogue bias1 = b == null ? Epilogue.NONE : Epilogue.biasPerRow(b, bOff + (long) g * og, Activation.NONE);
                Sgemm.gemm(og, pixels, patch, 1f, k, kOff + (long) g * og * patch, patch, 1,
                        src, srcOff, pixels, 1, 0f, y, yAt, pixels, bias1);
            }
        }
    }

    private static final ThreadLocal<ForwardCall> FORWARD = ThreadLocal.withInitial(ForwardCall::new);

    /** The heap-array kernels a forward tries first, in order; NONE leaves the shape to the GEMM-shaped forms. */
    enum ArrayKernel { CHANNEL_VECTORS, DIRECT, SMALL_GEMM, NONE }

    static ArrayKernel arrayKernel(Shape s) {
        int og = s.outPerGroup(), patch = s.patch();
        if (ChannelVectorConv.suits(s.win(), og, patch)) return ArrayKernel.CHANNEL_VECTORS;
        if (DirectConv.suits(s.win(), og)) return ArrayKernel.DIRECT;
        return ConvGemm.suits(og, patch) ? ArrayKernel.SMALL_GEMM : ArrayKernel.NONE;
    }

    /** out[:, g] (N x O/g) = cols (N x K) @ W[g]^T, every sample in one GEMM. */
    private static void forwardOnePixel(Shape s, MemorySegment x, long xOff, MemorySegment k, long kOff,
                                        MemorySegment b, long bOff, MemorySegment y, long yOff) {
        int og = s.outPerGroup(), patch = s.patch();
        for (int g = 0; g < s.groups(); g++) {
            MemorySegment rows;
            long rowsOff, rowStride;
            if (s.coversInput()) {
                rows = x;
                rowsOff = s.inputOf(x, xOff, 0, g).offset();
                rowStride = (long) s.c() * s.inPlane();
            } else {
                float[] cols = ThreadBuffers.atLeast(COLUMNS, (long) s.n() * patch);
                for (int n = 0; n < s.n(); n++) Unfold.im2col(s.inputOf(x, xOff, n, g), s.win(), cols, n * patch, 1);
                rows = MemorySegment.ofArray(cols);
                rowsOff = 0;
                rowStride = patch;
            }
            Epilogue bias1 = b == null ? Epilogue.NONE : Epilogue.biasPerColumn(b, bOff + (long) g * og, Activation.NONE);
            Sgemm.gemm(s.n(), og, patch, 1f, rows, rowsOff, rowStride, 1, k, kOff + (long) g * og * patch, 1, patch,
                    0f, y, yOff + (long) g * og, s.o(), bias1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // gradient with respect to the input

    static void backwardInput(Tensor gradOut, Tensor weight, Window2d win, int groups, Tensor gradIn) {
        Shape s = Shape.of(gradIn, weight, win, groups);
        if (s.n() == 0) return;
        MemorySegment dy = segment(gradOut), k = segment(weight), dx = segment(gradIn);
        long dyOff = gradOut.storageOffset(), kOff = weight.storageOffset(), dxOff = gradIn.storageOffset();
        int og = s.outPerGroup(), patch = s.patch(), pixels = s.pixels();
        if (s.o() == 0) {
            ElementwiseKernels.fill(gradIn, 0);
            return;
        }
        if (winograd(s) && backwardInputWinograd(s, dy, dyOff, k, kOff, dx, dxOff)) return;
        if (nchw16cInputGradient(s)) {
            backwardInputNchw16c(s, dy, dyOff, k, kOff, dx, dxOff);
            return;
        }
        if (implicitInputGradient(s)) {
            backwardInputImplicit(s, dy, dyOff, toArray(k, kOff, weight.numel(), WEIGHTS), dx, dxOff);
            return;
        }
        if (SampleVectorConv.suitsInputGradient(s)
                && SampleVectorConv.inputGradient(s, dy, dyOff, toArray(k, kOff, weight.numel(), WEIGHTS), dx, dxOff)) {
            return;
        }
        int chunk = pixels == 1 || ConvGemm.suits(patch, og) ? 1 : samplesSideBySide(s);
        if (chunk > 1) {
            backwardInputSideBySide(s, chunk, dy, dyOff, k, kOff, dx, dxOff);
            return;
        }
        if (s.pointwise()) {
            // dx[n,g] (C/g x HW) = W[g]^T @ dy[n,g]: written whole, nothing to zero or fold
            forEachSample(s, (sample, cols) -> {
                for (int g = 0; g < groups; g++) {
                    Sgemm.gemm(patch, pixels, og, 1f, k, kOff + (long) g * og * patch, 1, patch,
                            dy, dyOff + ((long) sample * s.o() + (long) g * og) * pixels, pixels, 1,
                            0f, dx, s.inputOf(dx, dxOff, sample, g).offset(), pixels);
                }
            });
            return;
        }
        // from here on every (sample, group) block of gradIn is overwritten by col2im: no zeroing
        if (pixels == 1) {
            for (int g = 0; g < groups; g++) {
                // cols (N x K) = dy[:, g] (N x O/g) @ W[g], every sample in one GEMM, then folded back
                float[] cols = ThreadBuffers.atLeast(COLUMNS, (long) s.n() * patch);
                Sgemm.gemm(s.n(), patch, og, 1f, dy, dyOff + (long) g * og, s.o(), 1, k, kOff + (long) g * og * patch, patch, 1,
                        0f, MemorySegment.ofArray(cols), 0, patch);
                final int group = g;
                IntraOpPool.parallelFor(s.n(), Math.max(1, IntraOpPool.DEFAULT_GRAIN / patch),
                        (n0, n1) -> {
                            for (int n = (int) n0; n < n1; n++) Unfold.col2im(cols, n * patch, 1, win, s.inputOf(dx, dxOff, n, group));
                        });
            }
            return;
        }
        boolean small = ConvGemm.suits(patch, og);
        float[] kArr = small ? toArray(k, kOff, weight.numel(), WEIGHTS) : null;
        forEachSample(s, (sample, cols) -> {
            MemorySegment colSeg = MemorySegment.ofArray(cols);
            for (int g = 0; g < groups; g++) {
                long dyAt = dyOff + ((long) sample * s.o() + (long) g * og) * pixels;
                if (small) {
                    // cols = W[g]^T @ dy[n,g] on heap arrays, rows padded with zero columns to whole vectors: a
                    // scalar tail (4 of LeNet conv2's 100 pixels) would cost a quarter of the product
                    int ld = ConvGemm.wholeVectors(pixels);
                    float[] rows = ThreadBuffers.atLeast(ROWS, (long) og * ld), padded = ThreadBuffers.atLeast(PADDED_COLUMNS, (long) patch * ld);
                    for (int o = 0; o < og; o++) {
                        MemorySegment.copy(dy, ElementAccess.F32, (dyAt + (long) o * pixels) * Float.BYTES, rows, o * ld, pixels);
                        java.util.Arrays.fill(rows, o * ld + pixels, (o + 1) * ld, 0f);
                    }
                    ConvGemm.multiply(patch, ld, og, kArr, g * og * patch, 1, patch, rows, 0, ld, null, 0, padded, 0, ld);
                    Unfold.col2im(padded, 0, ld, win, s.inputOf(dx, dxOff, sample, g));
                    continue;
                }
                Sgemm.gemm(patch, pixels, og, 1f, k, kOff + (long) g * og * patch, 1, patch, dy, dyAt, pixels, 1, 0f, colSeg, 0, pixels);
                Unfold.col2im(cols, 0, pixels, win, s.inputOf(dx, dxOff, sample, g));
            }
        });
    }

    /**
     * Whether the input gradient runs as the stride-1 convolution of dy padded by {@code dilation*(k-1) - padding}
     * with the flipped, transposed weight ({@link ImplicitConv}), no col2im: stride 1, a padding no wider than the
     * kernel's reach, and more output channels than the small products take ({@link ConvGemm}: LeNet).
     */
    static boolean implicitInputGradient(Shape s) {
        Window2d win = s.win();
        return win.strideH() == 1 && win.strideW() == 1 && !s.pointwise() && s.pixels() > 1
                && s.outPerGroup() > 16 && s.channelsPerGroup() >= 8
                && win.padH() <= win.dilationH() * (win.kernelH() - 1) && win.padW() <= win.dilationW() * (win.kernelW() - 1);
    }

    /**
     * Whether the input gradient runs directly over 16-channel blocks of dy ({@link Nchw16cConv}): at stride 1 it is
     * the convolution of dy padded by {@code k - 1 - padding} with W flipped and transposed, so dy's channels per
     * group (O/g) are the kernel's inputs and the input's (C/g) its outputs.
     */
    static boolean nchw16cInputGradient(Shape s) {
        Window2d win = s.win();
        return win.strideH() == 1 && Nchw16cConv.suits(s.outPerGroup(), s.channelsPerGroup(), win.kernelH(), win.kernelW(),
                win.strideH(), win.strideW(), win.dilationH(), win.dilationW())
                && win.padH() <= win.kernelH() - 1 && win.padW() <= win.kernelW() - 1;
    }

    /** dx[:, g] = the direct convolution of dy[:, g], padded, with W[g] flipped and transposed. */
    private static void backwardInputNchw16c(Shape s, MemorySegment dy, long dyOff, MemorySegment k, long kOff, MemorySegment dx, long dxOff) {
        Window2d win = s.win();
        int og = s.outPerGroup(), kH = win.kernelH(), kW = win.kernelW();
        var geo = new Nchw16cConv.Geometry(og, (int) win.outH(), (int) win.outW(), s.channelsPerGroup(), kH, kW, 1,
                kH - 1 - win.padH(), kW - 1 - win.padW(), s.h(), s.w());
        for (int g = 0; g < s.groups(); g++) {
            Nchw16cConv.forward(dy, dyOff + (long) g * og * s.pixels(), (long) s.o() * s.pixels(), s.n(), geo,
                    new Nchw16cConv.Weights.TransposedFlipped(k, kOff + (long) g * og * s.patch()), null, 0,
                    dx, s.inputOffset(dxOff, 0, g), (long) s.c() * s.inPlane());
        }
    }

    /** dx[:, g] = the convolution of dy[:, g], padded, with W[g] flipped and transposed, for chunks of samples. */
    private static void backwardInputImplicit(Shape s, MemorySegment dy, long dyOff, float[] kArr, MemorySegment dx, long dxOff) {
        Window2d win = s.win();
        int og = s.outPerGroup(), cg = s.channelsPerGroup(), outH = (int) win.outH(), outW = (int) win.outW();
        int kH = win.kernelH(), kW = win.kernelW(), dH = win.dilationH(), dW = win.dilationW();
        int padTop = dH * (kH - 1) - win.padH(), padLeft = dW * (kW - 1) - win.padW();
        var geo = new ImplicitConv.Geometry(og, outH + 2 * padTop, outW + 2 * padLeft, kH, kW, dH, dW, s.h(), s.w());
        int chunk = (int) Math.max(1, Math.min(s.n(), WEIGHT_GRAD_CHUNK_FLOATS / ((long) og * geo.plane())));
        for (int first = 0; first < s.n(); first += chunk) {
            int samples = Math.min(chunk, s.n() - first);
            for (int g = 0; g < s.groups(); g++) {
                long dyAt = dyOff + ((long) first * s.o() + (long) g * og) * s.pixels();
                float[] dyp = ImplicitConv.pad(dy, dyAt, (long) s.o() * s.pixels(), samples, og, outH, outW, padTop, padLeft, geo);
                var flipped = new ImplicitConv.FlippedWeights(kArr, g * og * s.patch(), cg, kH * kW);
                ImplicitConv.compute(flipped, null, cg, dyp, samples, geo, null, 0, dx, s.inputOffset(dxOff, first, g), (long) s.c() * s.inPlane());
            }
        }
    }

    /**
     * cols (K x chunk*P) = W[g]^T @ dy of a chunk of samples side by side (see {@link #samplesSideBySide}), then each
     * sample's columns folded (or, pointwise, copied) into its input gradient, in parallel over samples.
     */
    private static void backwardInputSideBySide(Shape s, int chunk, MemorySegment dy, long dyOff, MemorySegment k, long kOff,
                                                MemorySegment dx, long dxOff) {
        int og = s.outPerGroup(), patch = s.patch(), pixels = s.pixels();
        for (int first = 0; first < s.n(); first += chunk) {
            int samples = Math.min(chunk, s.n() - first), width = samples * pixels, chunkFirst = first;
            for (int g = 0; g < s.groups(); g++) {
                float[] cols = ThreadBuffers.atLeast(COLUMNS, (long) patch * width), rows = ThreadBuffers.atLeast(ROWS, (long) og * width);
                for (int i = 0; i < samples; i++) {
                    for (int o = 0; o < og; o++) {
                        long from = dyOff + ((long) (first + i) * s.o() + (long) g * og + o) * pixels;
                        MemorySegment.copy(dy, ElementAccess.F32, from * Float.BYTES, rows, o * width + i * pixels, pixels);
                    }
                }
                Sgemm.gemm(patch, width, og, 1f, k, kOff + (long) g * og * patch, 1, patch,
                        MemorySegment.ofArray(rows), 0, width, 1, 0f, MemorySegment.ofArray(cols), 0, width);
                int group = g;
                IntraOpPool.parallelFor(samples, 1, (i0, i1) -> {
                    for (int i = (int) i0; i < i1; i++) {
                        Unfold.Planes grad = s.inputOf(dx, dxOff, chunkFirst + i, group);
                        if (!s.pointwise()) {
                            Unfold.col2im(cols, i * pixels, width, s.win(), grad);
                            continue;
                        }
                        for (int row = 0; row < patch; row++) {
                            MemorySegment.copy(cols, row * width + i * pixels, dx, ElementAccess.F32, (grad.offset() + (long) row * pixels) * Float.BYTES, pixels);
                        }
                    }
                });
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // gradient with respect to the weight

    static void backwardWeight(Tensor gradOut, Tensor input, Window2d win, int groups, Tensor gradWeight) {
        Shape s = Shape.of(input, gradWeight, win, groups);
        MemorySegment dy = segment(gradOut), x = segment(input), dk = segment(gradWeight);
        long dyOff = gradOut.storageOffset(), xOff = input.storageOffset(), dkOff = gradWeight.storageOffset();
        int og = s.outPerGroup(), patch = s.patch();
        if (s.n() == 0 || og == 0 || patch == 0) {
            ElementwiseKernels.fill(gradWeight, 0);
            return;
        }
        if (WeightGradPanels.suits(s)) {
            for (int g = 0; g < groups; g++) WeightGradPanels.compute(s, g, dy, dyOff, x, xOff, dk, dkOff + (long) g * og * patch);
            return;
        }
        // Samples are split between threads, each summing its share into its own partial gradient with
        // single-threaded GEMMs; a GEMM split by threads instead would join once per KC block of the long K.
        int size = Math.toIntExact(gradWeight.numel());
        int threads = IntraOpPool.inParallelRegion() ? 1 : IntraOpPool.numThreads();
        int parts = Math.max(1, Math.min(threads, s.n()));
        if (parts == 1) {
            float[] sums = ThreadBuffers.atLeast(PARTIALS, size);
            accumulateWeightGrad(s, dy, dyOff, x, xOff, 0, s.n(), sums, 0);
            MemorySegment.copy(sums, 0, dk, ElementAccess.F32, dkOff * Float.BYTES, size);
            return;
        }
        float[] partials = ThreadBuffers.atLeast(PARTIALS, (long) parts * size);
        IntraOpPool.parallelFor(parts, 1, (p0, p1) -> {
            for (int part = (int) p0; part < p1; part++) {
                accumulateWeightGrad(s, dy, dyOff, x, xOff, s.n() * part / parts, s.n() * (part + 1) / parts, partials, part * size);
            }
        });
        for (int part = 1; part < parts; part++) Float32Sums.addInto(partials, part * size, partials, 0, size);
        MemorySegment.copy(partials, 0, dk, ElementAccess.F32, dkOff * Float.BYTES, size);
    }

    /** sums[at ...] (O x K) = the weight gradient of samples [n0, n1), every group. */
    private static void accumulateWeightGrad(Shape s, MemorySegment dy, long dyOff, MemorySegment x, long xOff,
                                             int n0, int n1, float[] sums, int at) {
        int og = s.outPerGroup(), patch = s.patch(), pixels = s.pixels();
        MemorySegment sumSeg = MemorySegment.ofArray(sums);
        // few output channels: unpacked dot products over chunks that stay in L2; else Sgemm over big chunks
        boolean small = og <= 16 && patch <= 1024;
        boolean pixelMajor = !small && PixelMajorColumns.suits(s.channelsPerGroup(), og, s.win());
        long chunkFloats = small ? WEIGHT_GRAD_CHUNK_FLOATS / 16 : WEIGHT_GRAD_CHUNK_FLOATS;
        int chunk = (int) Math.max(1, Math.min(n1 - n0, chunkFloats / ((long) patch * pixels)));
        for (int g = 0; g < s.groups(); g++) {
            long sumAt = at + (long) g * og * patch;
            if (n1 == n0) {
                java.util.Arrays.fill(sums, (int) sumAt, (int) sumAt + og * patch, 0f);
                continue;
            }
            if (pixels == 1 && s.coversInput()) {
                // dW[g] = dy[:, g]^T (O/g x N) @ x rows (N x K), both read in place through strides
                Sgemm.gemm(og, patch, n1 - n0, 1f, dy, dyOff + (long) n0 * s.o() + (long) g * og, 1, s.o(),
                        x, s.inputOf(x, xOff, n0, g).offset(), (long) s.c() * s.inPlane(), 1, 0f, sumSeg, sumAt, patch);
                continue;
            }
            if (DirectWeightGrad.suits(s.win(), og, patch)) {
                // no column matrix: output rows in the lanes, against shifted rows of each sample's input
                java.util.Arrays.fill(sums, (int) sumAt, (int) sumAt + og * patch, 0f);
                for (int n = n0; n < n1; n++) {
                    DirectWeightGrad.accumulate(x, s.inputOf(x, xOff, n, g).offset(), s.channelsPerGroup(), s.h(), s.w(), s.win(),
                            dy, dyOff + ((long) n * s.o() + (long) g * og) * pixels, og, sums, (int) sumAt);
                }
                continue;
            }
            if (ChannelVectorConv.suitsWeightGrad(og, patch)) {
                // no column matrix: taps against the channel vectors of dy, straight from each sample's input
                int accSize = ChannelVectorConv.gradientBuffer(og, patch);
                float[] acc = ThreadBuffers.atLeast(GRADIENT_TILES, accSize);
                java.util.Arrays.fill(acc, 0, accSize, 0f);
                for (int n = n0; n < n1; n++) {
                    ChannelVectorConv.accumulateWeightGrad(x, s.inputOf(x, xOff, n, g).offset(), s.channelsPerGroup(), s.h(), s.w(),
                            s.win(), dy, dyOff + ((long) n * s.o() + (long) g * og) * pixels, og, acc);
                }
                ChannelVectorConv.unpackGradient(acc, og, patch, sums, (int) sumAt);
                continue;
            }
            for (int first = n0; first < n1; first += chunk) {
                int samples = Math.min(chunk, n1 - first), width = samples * pixels;
                // cols: K x (samples * P), sample i in columns [i*P, (i+1)*P); rows: dy[., g] as O/g x (samples * P)
                float[] cols = ThreadBuffers.atLeast(COLUMNS, (long) patch * width), rows = ThreadBuffers.atLeast(ROWS, (long) og * width);
                for (int i = 0; i < samples; i++) {
                    if (pixelMajor) {
                        PixelMajorColumns.unfold(x, s.inputOf(x, xOff, first + i, g).offset(), s.channelsPerGroup(), s.h(), s.w(), s.win(), cols, i * pixels);
                    } else {
                        Unfold.im2col(s.inputOf(x, xOff, first + i, g), s.win(), cols, i * pixels, width);
                    }
                    for (int o = 0; o < og; o++) {
                        long from = dyOff + ((long) (first + i) * s.o() + (long) g * og + o) * pixels;
                        MemorySegment.copy(dy, ElementAccess.F32, from * Float.BYTES, rows, o * width + i * pixels, pixels);
                    }
                }
                if (small) {
                    if (first == n0) java.util.Arrays.fill(sums, (int) sumAt, (int) sumAt + og * patch, 0f);
                    ConvGemm.accumulateDots(og, patch, width, rows, 0, width, cols, 0, width, sums, (int) sumAt, patch);
                } else if (pixelMajor) {
                    // dW in (o, ki, kj, c) order = dy rows @ colsT, B row-major; reordered once all chunks are in
                    float[] tapMajor = ThreadBuffers.atLeast(TAP_MAJOR, (long) og * patch);
                    Sgemm.gemm(og, patch, width, 1f, MemorySegment.ofArray(rows), 0, width, 1, MemorySegment.ofArray(cols), 0, patch, 1,
                            first == n0 ? 0f : 1f, MemorySegment.ofArray(tapMajor), 0, patch);
                    if (first + samples == n1) {
                        PixelMajorColumns.toChannelMajor(tapMajor, og, s.channelsPerGroup(), s.win().kernelH() * s.win().kernelW(), sums, (int) sumAt);
                    }
                } else {
                    Sgemm.gemm(og, patch, width, 1f, MemorySegment.ofArray(rows), 0, width, 1, MemorySegment.ofArray(cols), 0, 1, width,
                            first == n0 ? 0f : 1f, sumSeg, sumAt, patch);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface SampleBody {
        void run(int sample, float[] columns);
    }

    /** Runs body for every sample with this thread's column buffer, in parallel over samples or serially. */
    private static void forEachSample(Shape s, SampleBody body) {
        long columnFloats = (long) s.patch() * s.pixels();
        long work = s.workPerSample();
        // whole samples per thread when they are small or many enough to balance; else threads inside each GEMM
        if (s.n() > 1 && (work < SAMPLE_PARALLEL_MAX_WORK || s.n() >= 2 * IntraOpPool.numThreads())) {
            long grain = Math.max(1, (Sgemm.PARALLEL_MIN_WORK / 8) / Math.max(1, work));
            IntraOpPool.parallelFor(s.n(), grain, (n0, n1) -> {
                float[] cols = ThreadBuffers.atLeast(COLUMNS, columnFloats);
                for (int n = (int) n0; n < n1; n++) body.run(n, cols);
            });
        } else {
            float[] cols = ThreadBuffers.atLeast(COLUMNS, columnFloats);
            for (int n = 0; n < s.n(); n++) body.run(n, cols);
        }
    }

    /** {@code count} floats of a segment in this thread's buffer {@code slot} (weights and biases: small, read many times). */
    private static float[] toArray(MemorySegment seg, long offset, long count, ThreadLocal<float[]> slot) {
        float[] a = ThreadBuffers.atLeast(slot, count);
        MemorySegment.copy(seg, ElementAccess.F32, offset * Float.BYTES, a, 0, (int) count);
        return a;
    }

}
