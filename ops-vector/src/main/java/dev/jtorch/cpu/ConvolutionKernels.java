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
 *   <li><b>direct</b> at stride 1 with few output channels (LeNet): {@link DirectConv}, no im2col;
 *   <li>otherwise <b>im2col of one sample</b> into a per-thread buffer, then the GEMM, whose epilogue adds the bias
 *       while each tile is in cache. Samples are split over threads while one sample's GEMM is too small to split well.
 * </ul>
 * The weight gradient sums over samples: a chunk of samples is unfolded side by side so that one GEMM's K runs over
 * (sample, pixel) instead of N thin GEMMs; chunks bound the buffer and accumulate with beta = 1.
 */
final class ConvolutionKernels {
    private ConvolutionKernels() {}

    /** Below this many multiply-adds per sample, samples run in parallel with single-threaded GEMMs. */
    static final long SAMPLE_PARALLEL_MAX_WORK = 8L << 20;
    /** Columns of the weight gradient's side-by-side unfold: at most this many floats (16 MiB) at once. */
    static final long WEIGHT_GRAD_CHUNK_FLOATS = 4L << 20;

    private static final ThreadLocal<float[]> COLUMNS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> ROWS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PARTIALS = ThreadBuffers.floats();

    /** The GEMM view of one convolution: sizes per group. */
    record Shape(int n, int c, int h, int w, int o, int groups, Window2d win) {
        static Shape of(Tensor input, Tensor weight, Window2d win, int groups) {
            long[] s = input.shape();
            return new Shape((int) s[0], (int) s[1], (int) s[2], (int) s[3], (int) weight.size(0), groups, win);
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

        Unfold.Planes inputOf(MemorySegment data, long offset, int sample, int group) {
            return new Unfold.Planes(data, offset + ((long) sample * c + (long) group * channelsPerGroup()) * inPlane(), channelsPerGroup(), h, w);
        }
    }

    static boolean handles(Tensor... ts) {
        for (Tensor t : ts) if (t != null && (t.dtype() != dev.jtorch.tensor.DType.FLOAT32 || !t.isContiguous())) return false;
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // forward

    static void forward(Tensor input, Tensor weight, Tensor bias, Window2d win, int groups, Tensor out) {
        Shape s = Shape.of(input, weight, win, groups);
        if (s.n() == 0 || s.o() == 0) return;
        MemorySegment x = segment(input), k = segment(weight), y = segment(out), b = bias == null ? null : segment(bias);
        long xOff = input.storageOffset(), kOff = weight.storageOffset(), yOff = out.storageOffset(), bOff = bias == null ? 0 : bias.storageOffset();
        int og = s.outPerGroup(), patch = s.patch(), pixels = s.pixels();
        if (pixels == 1) {
            forwardOnePixel(s, x, xOff, k, kOff, b, bOff, y, yOff);
            return;
        }
        boolean direct = DirectConv.suits(win, og), small = !direct && ConvGemm.suits(og, patch);
        // heap copies of the weights only for the array kernels (a ResNet layer4 weight is 9 MiB)
        float[] kArr = direct || small ? toArray(k, kOff, weight.numel()) : null;
        float[] bArr = (direct || small) && b != null ? toArray(b, bOff, s.o()) : null;
        forEachSample(s, (sample, cols) -> {
            for (int g = 0; g < groups; g++) {
                long yAt = yOff + ((long) sample * s.o() + (long) g * og) * pixels;
                if (direct) {
                    float[] rows = ThreadBuffers.atLeast(ROWS, (long) og * pixels);
                    DirectConv.forward(x, s.inputOf(x, xOff, sample, g).offset(), s.channelsPerGroup(), s.h(), s.w(), win,
                            kArr, g * og * patch, bArr, g * og, og, rows);
                    MemorySegment.copy(rows, 0, y, ElementAccess.F32, yAt * Float.BYTES, og * pixels);
                    continue;
                }
                if (small) {
                    // unpacked small-channel product on heap arrays, one bulk copy out
                    Unfold.Planes planes = s.inputOf(x, xOff, sample, g);
                    if (s.pointwise()) MemorySegment.copy(x, ElementAccess.F32, planes.offset() * Float.BYTES, cols, 0, patch * pixels);
                    else Unfold.im2col(planes, win, cols, 0, pixels);
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
                    srcOff = s.inputOf(x, xOff, sample, g).offset();
                } else {
                    Unfold.im2col(s.inputOf(x, xOff, sample, g), win, cols, 0, pixels);
                    src = MemorySegment.ofArray(cols);
                    srcOff = 0;
                }
                Epilogue bias1 = b == null ? Epilogue.NONE : Epilogue.biasPerRow(b, bOff + (long) g * og, Activation.NONE);
                Sgemm.gemm(og, pixels, patch, 1f, k, kOff + (long) g * og * patch, patch, 1,
                        src, srcOff, pixels, 1, 0f, y, yAt, pixels, bias1);
            }
        });
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
        float[] kArr = small ? toArray(k, kOff, weight.numel()) : null;
        forEachSample(s, (sample, cols) -> {
            MemorySegment colSeg = MemorySegment.ofArray(cols);
            for (int g = 0; g < groups; g++) {
                long dyAt = dyOff + ((long) sample * s.o() + (long) g * og) * pixels;
                if (small) {
                    // cols = W[g]^T @ dy[n,g] on heap arrays: dy's block is contiguous, one bulk copy in
                    float[] rows = ThreadBuffers.atLeast(ROWS, (long) og * pixels);
                    MemorySegment.copy(dy, ElementAccess.F32, dyAt * Float.BYTES, rows, 0, og * pixels);
                    ConvGemm.multiply(patch, pixels, og, kArr, g * og * patch, 1, patch, rows, 0, pixels, null, 0, cols, 0, pixels);
                } else {
                    Sgemm.gemm(patch, pixels, og, 1f, k, kOff + (long) g * og * patch, 1, patch, dy, dyAt, pixels, 1, 0f, colSeg, 0, pixels);
                }
                Unfold.col2im(cols, 0, pixels, win, s.inputOf(dx, dxOff, sample, g));
            }
        });
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
            for (int first = n0; first < n1; first += chunk) {
                int samples = Math.min(chunk, n1 - first), width = samples * pixels;
                // cols: K x (samples * P), sample i in columns [i*P, (i+1)*P); rows: dy[., g] as O/g x (samples * P)
                float[] cols = ThreadBuffers.atLeast(COLUMNS, (long) patch * width), rows = ThreadBuffers.atLeast(ROWS, (long) og * width);
                for (int i = 0; i < samples; i++) {
                    Unfold.im2col(s.inputOf(x, xOff, first + i, g), s.win(), cols, i * pixels, width);
                    for (int o = 0; o < og; o++) {
                        long from = dyOff + ((long) (first + i) * s.o() + (long) g * og + o) * pixels;
                        MemorySegment.copy(dy, ElementAccess.F32, from * Float.BYTES, rows, o * width + i * pixels, pixels);
                    }
                }
                if (small) {
                    if (first == n0) java.util.Arrays.fill(sums, (int) sumAt, (int) sumAt + og * patch, 0f);
                    ConvGemm.accumulateDots(og, patch, width, rows, 0, width, cols, 0, width, sums, (int) sumAt, patch);
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

    /** A heap copy of {@code count} floats of a segment (weights and biases: small, read many times). */
    private static float[] toArray(MemorySegment seg, long offset, long count) {
        float[] a = new float[Math.toIntExact(count)];
        MemorySegment.copy(seg, ElementAccess.F32, offset * Float.BYTES, a, 0, a.length);
        return a;
    }

}
