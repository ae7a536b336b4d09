package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Direct float32 convolution of one sample and group with the <b>output channels in the vector lanes</b>, for few
 * output channels on narrow outputs (LeNet conv2: 16 channels, 10-wide rows, where {@link DirectConv}'s vectors along
 * a row are 62% full). It is the GEMM {@code out^T (P x O) = cols^T (P x K) @ W^T (K x O)} with cols never built:
 * element (pixel p, tap t) of cols^T is {@code xp[base[p] + tapOffset[t]]} in a zero-padded copy xp of the input,
 * with {@code base[p] = oh*sH*wp + ow*sW} and {@code tapOffset[t] = (c*hp + ki*dH)*wp + kj*dW} for
 * {@code t = (c*kH + ki)*kW + kj}. Any stride, padding and dilation.
 * <ul>
 *   <li>forward: a register tile of 6 pixels x 2 vectors of channels (8 pixels x 1 vector when O/g fits one
 *       vector); per tap, the weight vectors load once and each pixel's input broadcasts into them;
 *   <li>weight gradient: the same product transposed, {@code dW^T (K x O) += cols (K x P) @ dy^T (P x O)}: a tile
 *       of 4 taps x the channel vectors, reduced over pixels, dy transposed to pixel-major once per sample.
 * </ul>
 * Weights are packed per block of B = 1 or 2 vectors of output channels as {@code packed[(block*K + t)*B + j]},
 * zero past O/g, so no lane is masked.
 */
final class ChannelVectorConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Taps per weight-gradient register tile (with 2 channel vectors, 8 accumulators). */
    private static final int TILE = 4;
    /** Pixels per forward tile against one channel vector: 8 accumulators. */
    private static final int ONE_VECTOR_PIXELS = 8;
    /** Pixels per forward tile against two channel vectors: 12 accumulators. */
    private static final int TWO_VECTOR_PIXELS = 6;
    /** Pixels of an output row per {@link #runOfEight}, and the kernel width it is written for (LeNet's 5). */
    private static final int RUN = 8, RUN_TAPS = 5;

    private static final ThreadLocal<float[]> PADDED = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PIXEL_MAJOR = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> DY_PLANES = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> WEIGHT_ROWS = ThreadBuffers.floats();
    private static final ThreadLocal<int[]> BASES = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> TAP_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> REST_PIXELS = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> REST_BASES = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<float[]> REST_SUMS = ThreadBuffers.floats();

    private ChannelVectorConv() {}

    /**
     * Where this beats {@link DirectConv}: few output channels per group (the packed weights, K x B, stay in L1),
     * and the channel vectors fuller than DirectConv's vectors along output rows.
     */
    static boolean suits(Window2d win, int outPerGroup, int patch) {
        if (!suitsWeightGrad(outPerGroup, patch)) return false;
        int outW = (int) win.outW();
        double rowFill = (double) outW / (Math.ceilDiv(outW, V) * V);
        double channelFill = (double) outPerGroup / (Math.ceilDiv(outPerGroup, V) * V);
        return !DirectConv.suits(win, outPerGroup) || channelFill > rowFill;
    }

    /** The weight gradient's form: few output channels per group, the packed K x B gradient small enough for L1. */
    static boolean suitsWeightGrad(int outPerGroup, int patch) {
        return outPerGroup <= 2 * V && (long) patch * blockWidth(outPerGroup) <= 8192;
    }

    /** Lanes per channel block: one vector when O/g fits it, else two. */
    static int blockWidth(int outPerGroup) { return outPerGroup <= V ? V : 2 * V; }

    /** Floats of {@link #packWeights}'s result. */
    static int packedSize(int outPerGroup, int patch) {
        int b = blockWidth(outPerGroup);
        return Math.ceilDiv(outPerGroup, b) * patch * b;
    }

    /**
     * {@code packed[at + (block*K + t)*B + j] = k[kAt + (block*B + j)*K + t]}, 0 past O/g: one group's weights. The
     * group comes to the heap in one bulk copy first: read element by element from the segment, the packing was 5%
     * of a batch-1 LeNet-5 forward (it runs on every call).
     */
    static void packWeights(MemorySegment k, long kAt, int og, int patch, float[] packed, int at) {
        int b = blockWidth(og), blocks = Math.ceilDiv(og, b);
        float[] w = ThreadBuffers.atLeast(WEIGHT_ROWS, (long) og * patch);
        MemorySegment.copy(k, ElementAccess.F32, kAt * Float.BYTES, w, 0, og * patch);
        if (og % b != 0) java.util.Arrays.fill(packed, at, at + blocks * patch * b, 0f);
        for (int o = 0; o < og; o++) {
            int to = at + (o / b) * patch * b + o % b;
            for (int t = 0, from = o * patch; t < patch; t++) packed[to + t * b] = w[from + t];
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // forward

    /**
     * {@code out[o*P + p] = bias[bi + o] + sum_t cols^T[p, t] * W[o, t]} for o < og: one sample and group, input
     * planes (cg x h x w) contiguous at element xAt of x, weights packed at element pAt by {@link #packWeights};
     * bias may be null.
     */
    static void forward(MemorySegment x, long xAt, int cg, int h, int w, Window2d win, float[] packed, int pAt, int og,
                        float[] bias, int bi, float[] out) {
        int outH = (int) win.outH(), outW = (int) win.outW(), pixels = outH * outW, patch = cg * win.kernelH() * win.kernelW();
        int b = blockWidth(og), blocks = Math.ceilDiv(og, b), tile = b == V ? ONE_VECTOR_PIXELS : TWO_VECTOR_PIXELS;
        float[] xp = pad(x, xAt, cg, h, w, win);
        int[] base = pixelBases(win, w, tile);
        int[] taps = tapOffsets(cg, h, w, win, 1);
        int width = blocks * b;
        float[] t = ThreadBuffers.atLeast(PIXEL_MAJOR, (long) Math.ceilDiv(pixels, tile) * tile * width);
        boolean runs = b == V && win.kernelW() == RUN_TAPS && win.strideW() == 1 && win.dilationW() == 1 && outW >= RUN;
        for (int block = 0; block < blocks; block++) {
            int wAt = pAt + block * patch * b, tAt = block * b;
            if (runs) {
                forwardRuns(xp, base, taps, patch, outH, outW, win.strideH() * (w + 2 * win.padW()), packed, wAt, t, tAt, width);
            } else if (b == V) {
                for (int p = 0; p < pixels; p += tile) oneVectorTile(xp, base, p, taps, patch, packed, wAt, t, tAt + p * width, width);
            } else {
                for (int p = 0; p < pixels; p += tile) twoVectorTile(xp, base, p, taps, patch, packed, wAt, t, tAt + p * width, width);
            }
        }
        // pixel-major to channel planes, adding the bias
        for (int o = 0; o < og; o++) {
            float z = bias == null ? 0f : bias[bi + o];
            for (int p = 0, at = o * pixels; p < pixels; p++) out[at + p] = t[p * width + o] + z;
        }
    }

    /**
     * Pixels p..p+5 against two channel vectors: {@code t[tAt + i*ld + j] = sum_k xp[base[p+i] + taps[k]] * packed[...]}.
     * Six pixels, 12 accumulators: with 256-bit vectors that is 15 of 16 registers with the two weight vectors and
     * one broadcast, and 12 FMAs per 2 weight loads and 6 input loads where 4 pixels gave 8 per 2 and 4 (LeNet conv2
     * forward at 1 thread, best iterations of three A/B pairs on Zen 3: 821 / 681 / 656 -> 745 / 563 / 638 us).
     * One loop over all K taps, each tap's input offset read from {@code taps}: a loop of kW (5) taps inside one per
     * (channel, ki) row, which let the JIT check each row's input bounds once, measured 5-20% slower on Zen 3 (best
     * iterations of two A/B pairs: 817-896 against 674-717 us, 812-833 against 753-809 us): the short inner loop
     * cost more than the checks.
     */
    private static void twoVectorTile(float[] xp, int[] base, int p, int[] taps, int patch,
                                      float[] packed, int wAt, float[] t, int tAt, int ld) {
        int b0 = base[p], b1 = base[p + 1], b2 = base[p + 2], b3 = base[p + 3], b4 = base[p + 4], b5 = base[p + 5];
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00;
        for (int k = 0; k < patch; k++) {
            int off = taps[k], wk = wAt + 2 * V * k;
            FloatVector w0 = FloatVector.fromArray(S, packed, wk), w1 = FloatVector.fromArray(S, packed, wk + V);
            FloatVector x0 = FloatVector.broadcast(S, xp[b0 + off]);
            s00 = x0.fma(w0, s00); s01 = x0.fma(w1, s01);
            FloatVector x1 = FloatVector.broadcast(S, xp[b1 + off]);
            s10 = x1.fma(w0, s10); s11 = x1.fma(w1, s11);
            FloatVector x2 = FloatVector.broadcast(S, xp[b2 + off]);
            s20 = x2.fma(w0, s20); s21 = x2.fma(w1, s21);
            FloatVector x3 = FloatVector.broadcast(S, xp[b3 + off]);
            s30 = x3.fma(w0, s30); s31 = x3.fma(w1, s31);
            FloatVector x4 = FloatVector.broadcast(S, xp[b4 + off]);
            s40 = x4.fma(w0, s40); s41 = x4.fma(w1, s41);
            FloatVector x5 = FloatVector.broadcast(S, xp[b5 + off]);
            s50 = x5.fma(w0, s50); s51 = x5.fma(w1, s51);
        }
        s00.intoArray(t, tAt); s01.intoArray(t, tAt + V);
        s10.intoArray(t, tAt + ld); s11.intoArray(t, tAt + ld + V);
        s20.intoArray(t, tAt + 2 * ld); s21.intoArray(t, tAt + 2 * ld + V);
        s30.intoArray(t, tAt + 3 * ld); s31.intoArray(t, tAt + 3 * ld + V);
        s40.intoArray(t, tAt + 4 * ld); s41.intoArray(t, tAt + 4 * ld + V);
        s50.intoArray(t, tAt + 5 * ld); s51.intoArray(t, tAt + 5 * ld + V);
    }

    /**
     * One channel vector's sums for every pixel: runs of {@link #RUN} neighbouring pixels of an output row by
     * {@link #runOfEight}; two pixels left per row (LeNet conv2's 10) by {@link #lastTwoOfTwoRows}, rows in pairs;
     * any other rest gathered eight at a time by {@link #oneVectorTile} into a scratch block and moved to their
     * places. {@code rowStride} is the padded input's offset between output rows.
     */
    private static void forwardRuns(float[] xp, int[] base, int[] taps, int patch, int outH, int outW, int rowStride,
                                    float[] packed, int wAt, float[] t, int tAt, int ld) {
        int rows = patch / RUN_TAPS, rest = 0, runEnd = outW - outW % RUN;
        int[] restPixels = intsAtLeast(REST_PIXELS, outH * outW + ONE_VECTOR_PIXELS);
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < runEnd; ow += RUN) runOfEight(xp, oh * rowStride + ow, taps, rows, packed, wAt, t, tAt + (oh * outW + ow) * ld, ld);
        }
        int pairedRows = outW - runEnd == 2 ? outH & ~1 : 0;
        for (int oh = 0; oh < pairedRows; oh += 2) {
            lastTwoOfTwoRows(xp, oh * rowStride + runEnd, (oh + 1) * rowStride + runEnd, taps, rows, packed, wAt, t,
                    tAt + (oh * outW + runEnd) * ld, tAt + ((oh + 1) * outW + runEnd) * ld, ld);
        }
        for (int oh = pairedRows; oh < outH; oh++) {
            for (int ow = runEnd; ow < outW; ow++) restPixels[rest++] = oh * outW + ow;
        }
        if (rest == 0) return;
        int padded = Math.ceilDiv(rest, ONE_VECTOR_PIXELS) * ONE_VECTOR_PIXELS;
        int[] restBases = intsAtLeast(REST_BASES, padded);
        for (int i = 0; i < padded; i++) restBases[i] = base[restPixels[Math.min(i, rest - 1)]];
        float[] sums = ThreadBuffers.atLeast(REST_SUMS, (long) padded * V);
        for (int i = 0; i < rest; i += ONE_VECTOR_PIXELS) oneVectorTile(xp, restBases, i, taps, patch, packed, wAt, sums, i * V, V);
        for (int i = 0; i < rest; i++) System.arraycopy(sums, i * V, t, tAt + restPixels[i] * ld, V);
    }

    /**
     * Pixels start..start+7 of one output row (at stride 1, a 5-wide kernel) against one channel vector. Per (channel,
     * kernel row) the 12 input elements under the run are broadcast once each and meet the weight vectors of the taps
     * that reach them: 40 FMAs for 12 broadcasts, where {@link #oneVectorTile} broadcasts 40 times. Each pixel still
     * sums its taps in the order (c, ki, kj) as one chain, so the sums are {@code oneVectorTile}'s to the bit.
     */
    private static void runOfEight(float[] xp, int start, int[] taps, int rows, float[] packed, int wAt, float[] t, int tAt, int ld) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int r = 0; r < rows; r++) {
            int x = start + taps[r * RUN_TAPS], wk = wAt + r * RUN_TAPS * V;
            FloatVector w0 = FloatVector.fromArray(S, packed, wk), w1 = FloatVector.fromArray(S, packed, wk + V);
            FloatVector w2 = FloatVector.fromArray(S, packed, wk + 2 * V), w3 = FloatVector.fromArray(S, packed, wk + 3 * V);
            FloatVector w4 = FloatVector.fromArray(S, packed, wk + 4 * V);
            // input element i meets pixel i - kj with weight kj
            FloatVector e = FloatVector.broadcast(S, xp[x]);
            s0 = e.fma(w0, s0);
            e = FloatVector.broadcast(S, xp[x + 1]);
            s0 = e.fma(w1, s0); s1 = e.fma(w0, s1);
            e = FloatVector.broadcast(S, xp[x + 2]);
            s0 = e.fma(w2, s0); s1 = e.fma(w1, s1); s2 = e.fma(w0, s2);
            e = FloatVector.broadcast(S, xp[x + 3]);
            s0 = e.fma(w3, s0); s1 = e.fma(w2, s1); s2 = e.fma(w1, s2); s3 = e.fma(w0, s3);
            e = FloatVector.broadcast(S, xp[x + 4]);
            s0 = e.fma(w4, s0); s1 = e.fma(w3, s1); s2 = e.fma(w2, s2); s3 = e.fma(w1, s3); s4 = e.fma(w0, s4);
            e = FloatVector.broadcast(S, xp[x + 5]);
            s1 = e.fma(w4, s1); s2 = e.fma(w3, s2); s3 = e.fma(w2, s3); s4 = e.fma(w1, s4); s5 = e.fma(w0, s5);
            e = FloatVector.broadcast(S, xp[x + 6]);
            s2 = e.fma(w4, s2); s3 = e.fma(w3, s3); s4 = e.fma(w2, s4); s5 = e.fma(w1, s5); s6 = e.fma(w0, s6);
            e = FloatVector.broadcast(S, xp[x + 7]);
            s3 = e.fma(w4, s3); s4 = e.fma(w3, s4); s5 = e.fma(w2, s5); s6 = e.fma(w1, s6); s7 = e.fma(w0, s7);
            e = FloatVector.broadcast(S, xp[x + 8]);
            s4 = e.fma(w4, s4); s5 = e.fma(w3, s5); s6 = e.fma(w2, s6); s7 = e.fma(w1, s7);
            e = FloatVector.broadcast(S, xp[x + 9]);
            s5 = e.fma(w4, s5); s6 = e.fma(w3, s6); s7 = e.fma(w2, s7);
            e = FloatVector.broadcast(S, xp[x + 10]);
            s6 = e.fma(w4, s6); s7 = e.fma(w3, s7);
            e = FloatVector.broadcast(S, xp[x + 11]);
            s7 = e.fma(w4, s7);
        }
        s0.intoArray(t, tAt); s1.intoArray(t, tAt + ld); s2.intoArray(t, tAt + 2 * ld); s3.intoArray(t, tAt + 3 * ld);
        s4.intoArray(t, tAt + 4 * ld); s5.intoArray(t, tAt + 5 * ld); s6.intoArray(t, tAt + 6 * ld); s7.intoArray(t, tAt + 7 * ld);
    }

    /**
     * The last two pixels of two output rows (LeNet conv2's 10 = 8 + 2), starting at xa and xb in xp: per (channel,
     * kernel row) 6 broadcasts per row into the 5 weight vectors, 20 FMAs for 12 broadcasts where the 8-pixel gather
     * takes 40 for 40 (it cost 1.36x a run's time per pixel). The same chains in the same order as
     * {@link #runOfEight}.
     */
    private static void lastTwoOfTwoRows(float[] xp, int xa, int xb, int[] taps, int rows, float[] packed, int wAt,
                                         float[] t, int ta, int tb, int ld) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
        for (int r = 0; r < rows; r++) {
            int off = taps[r * RUN_TAPS], x = xa + off, y = xb + off, wk = wAt + r * RUN_TAPS * V;
            FloatVector w0 = FloatVector.fromArray(S, packed, wk), w1 = FloatVector.fromArray(S, packed, wk + V);
            FloatVector w2 = FloatVector.fromArray(S, packed, wk + 2 * V), w3 = FloatVector.fromArray(S, packed, wk + 3 * V);
            FloatVector w4 = FloatVector.fromArray(S, packed, wk + 4 * V);
            FloatVector e = FloatVector.broadcast(S, xp[x]), f = FloatVector.broadcast(S, xp[y]);
            a0 = e.fma(w0, a0); b0 = f.fma(w0, b0);
            e = FloatVector.broadcast(S, xp[x + 1]); f = FloatVector.broadcast(S, xp[y + 1]);
            a0 = e.fma(w1, a0); a1 = e.fma(w0, a1); b0 = f.fma(w1, b0); b1 = f.fma(w0, b1);
            e = FloatVector.broadcast(S, xp[x + 2]); f = FloatVector.broadcast(S, xp[y + 2]);
            a0 = e.fma(w2, a0); a1 = e.fma(w1, a1); b0 = f.fma(w2, b0); b1 = f.fma(w1, b1);
            e = FloatVector.broadcast(S, xp[x + 3]); f = FloatVector.broadcast(S, xp[y + 3]);
            a0 = e.fma(w3, a0); a1 = e.fma(w2, a1); b0 = f.fma(w3, b0); b1 = f.fma(w2, b1);
            e = FloatVector.broadcast(S, xp[x + 4]); f = FloatVector.broadcast(S, xp[y + 4]);
            a0 = e.fma(w4, a0); a1 = e.fma(w3, a1); b0 = f.fma(w4, b0); b1 = f.fma(w3, b1);
            e = FloatVector.broadcast(S, xp[x + 5]); f = FloatVector.broadcast(S, xp[y + 5]);
            a1 = e.fma(w4, a1); b1 = f.fma(w4, b1);
        }
        a0.intoArray(t, ta); a1.intoArray(t, ta + ld); b0.intoArray(t, tb); b1.intoArray(t, tb + ld);
    }

    /** Pixels p..p+7 against one channel vector, taps walked as in {@link #twoVectorTile}. */
    private static void oneVectorTile(float[] xp, int[] base, int p, int[] taps, int patch,
                                      float[] packed, int wAt, float[] t, int tAt, int ld) {
        int b0 = base[p], b1 = base[p + 1], b2 = base[p + 2], b3 = base[p + 3];
        int b4 = base[p + 4], b5 = base[p + 5], b6 = base[p + 6], b7 = base[p + 7];
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int k = 0; k < patch; k++) {
            int off = taps[k];
            FloatVector wv = FloatVector.fromArray(S, packed, wAt + V * k);
            s0 = FloatVector.broadcast(S, xp[b0 + off]).fma(wv, s0);
            s1 = FloatVector.broadcast(S, xp[b1 + off]).fma(wv, s1);
            s2 = FloatVector.broadcast(S, xp[b2 + off]).fma(wv, s2);
            s3 = FloatVector.broadcast(S, xp[b3 + off]).fma(wv, s3);
            s4 = FloatVector.broadcast(S, xp[b4 + off]).fma(wv, s4);
            s5 = FloatVector.broadcast(S, xp[b5 + off]).fma(wv, s5);
            s6 = FloatVector.broadcast(S, xp[b6 + off]).fma(wv, s6);
            s7 = FloatVector.broadcast(S, xp[b7 + off]).fma(wv, s7);
        }
        s0.intoArray(t, tAt); s1.intoArray(t, tAt + ld); s2.intoArray(t, tAt + 2 * ld); s3.intoArray(t, tAt + 3 * ld);
        s4.intoArray(t, tAt + 4 * ld); s5.intoArray(t, tAt + 5 * ld); s6.intoArray(t, tAt + 6 * ld); s7.intoArray(t, tAt + 7 * ld);
    }

    // ---------------------------------------------------------------------------------------------------------
    // weight gradient

    /**
     * {@code sums[at + o*K + t] += sum_p cols[t, p] * dy[o, p]} over one sample and group: input planes at element
     * xAt of x, the gradient's og planes of P pixels at element dyAt of dy. {@code acc} ({@link #gradientBuffer}
     * floats, zeroed by the caller before the first sample) holds the running sum in the packed layout;
     * {@link #unpackGradient} moves it into {@code sums}.
     */
    static void accumulateWeightGrad(MemorySegment x, long xAt, int cg, int h, int w, Window2d win,
                                     MemorySegment dy, long dyAt, int og, float[] acc) {
        int pixels = (int) (win.outH() * win.outW()), patch = cg * win.kernelH() * win.kernelW();
        int b = blockWidth(og), blocks = Math.ceilDiv(og, b), width = blocks * b;
        float[] xp = pad(x, xAt, cg, h, w, win);
        int[] base = pixelBases(win, w, 1);
        int[] taps = tapOffsets(cg, h, w, win, TILE);
        // dy^T, pixel-major, zero past og; dy's block comes to the heap in one bulk copy first (LeNet conv1: 4704
        // floats, where an element-wise segment read per float costs as much as the products)
        float[] g = ThreadBuffers.atLeast(PIXEL_MAJOR, (long) pixels * width), planes = ThreadBuffers.atLeast(DY_PLANES, (long) og * pixels);
        MemorySegment.copy(dy, ElementAccess.F32, dyAt * Float.BYTES, planes, 0, og * pixels);
        if (og < width) java.util.Arrays.fill(g, 0, pixels * width, 0f);
        for (int o = 0; o < og; o++) {
            for (int p = 0; p < pixels; p++) g[p * width + o] = planes[o * pixels + p];
        }
        int tapsPadded = Math.ceilDiv(patch, TILE) * TILE;
        for (int block = 0; block < blocks; block++) {
            int aAt = block * tapsPadded * b;
            for (int t = 0; t < patch; t += TILE) {
                if (b == V) oneVectorTaps(xp, base, pixels, taps, t, g, block * b, width, acc, aAt + t * b);
                else twoVectorTaps(xp, base, pixels, taps, t, g, block * b, width, acc, aAt + t * b);
            }
        }
    }

    /** Floats of the packed gradient accumulator for og channels and K taps. */
    static int gradientBuffer(int og, int patch) {
        int b = blockWidth(og);
        return Math.ceilDiv(og, b) * Math.ceilDiv(patch, TILE) * TILE * b;
    }

    /** {@code sums[at + o*K + t] = acc[...]}: the packed accumulator in the weight's layout. */
    static void unpackGradient(float[] acc, int og, int patch, float[] sums, int at) {
        int b = blockWidth(og), tapsPadded = Math.ceilDiv(patch, TILE) * TILE;
        for (int o = 0; o < og; o++) {
            int from = (o / b) * tapsPadded * b + o % b;
            for (int t = 0; t < patch; t++) sums[at + o * patch + t] = acc[from + t * b];
        }
    }

    /** Taps t..t+3 against two channel vectors, summed over every pixel into {@code acc[aAt + i*2V ...]}. */
    private static void twoVectorTaps(float[] xp, int[] base, int pixels, int[] taps, int t, float[] g, int gAt, int ld,
                                      float[] acc, int aAt) {
        int o0 = taps[t], o1 = taps[t + 1], o2 = taps[t + 2], o3 = taps[t + 3];
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        for (int p = 0, gp = gAt; p < pixels; p++, gp += ld) {
            int at = base[p];
            FloatVector d0 = FloatVector.fromArray(S, g, gp), d1 = FloatVector.fromArray(S, g, gp + V);
            FloatVector x0 = FloatVector.broadcast(S, xp[at + o0]), x1 = FloatVector.broadcast(S, xp[at + o1]);
            FloatVector x2 = FloatVector.broadcast(S, xp[at + o2]), x3 = FloatVector.broadcast(S, xp[at + o3]);
            s00 = x0.fma(d0, s00); s01 = x0.fma(d1, s01);
            s10 = x1.fma(d0, s10); s11 = x1.fma(d1, s11);
            s20 = x2.fma(d0, s20); s21 = x2.fma(d1, s21);
            s30 = x3.fma(d0, s30); s31 = x3.fma(d1, s31);
        }
        int b = 2 * V;
        FloatVector.fromArray(S, acc, aAt).add(s00).intoArray(acc, aAt);
        FloatVector.fromArray(S, acc, aAt + V).add(s01).intoArray(acc, aAt + V);
        FloatVector.fromArray(S, acc, aAt + b).add(s10).intoArray(acc, aAt + b);
        FloatVector.fromArray(S, acc, aAt + b + V).add(s11).intoArray(acc, aAt + b + V);
        FloatVector.fromArray(S, acc, aAt + 2 * b).add(s20).intoArray(acc, aAt + 2 * b);
        FloatVector.fromArray(S, acc, aAt + 2 * b + V).add(s21).intoArray(acc, aAt + 2 * b + V);
        FloatVector.fromArray(S, acc, aAt + 3 * b).add(s30).intoArray(acc, aAt + 3 * b);
        FloatVector.fromArray(S, acc, aAt + 3 * b + V).add(s31).intoArray(acc, aAt + 3 * b + V);
    }

    /** Taps t..t+3 against one channel vector, two pixels per step so that eight chains run at once. */
    private static void oneVectorTaps(float[] xp, int[] base, int pixels, int[] taps, int t, float[] g, int gAt, int ld,
                                      float[] acc, int aAt) {
        int o0 = taps[t], o1 = taps[t + 1], o2 = taps[t + 2], o3 = taps[t + 3];
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, r0 = s0, r1 = s0, r2 = s0, r3 = s0;
        int p = 0, gp = gAt;
        for (; p + 2 <= pixels; p += 2, gp += 2 * ld) {
            int at = base[p], an = base[p + 1];
            FloatVector d = FloatVector.fromArray(S, g, gp), e = FloatVector.fromArray(S, g, gp + ld);
            s0 = FloatVector.broadcast(S, xp[at + o0]).fma(d, s0);
            s1 = FloatVector.broadcast(S, xp[at + o1]).fma(d, s1);
            s2 = FloatVector.broadcast(S, xp[at + o2]).fma(d, s2);
            s3 = FloatVector.broadcast(S, xp[at + o3]).fma(d, s3);
            r0 = FloatVector.broadcast(S, xp[an + o0]).fma(e, r0);
            r1 = FloatVector.broadcast(S, xp[an + o1]).fma(e, r1);
            r2 = FloatVector.broadcast(S, xp[an + o2]).fma(e, r2);
            r3 = FloatVector.broadcast(S, xp[an + o3]).fma(e, r3);
        }
        if (p < pixels) {
            int at = base[p];
            FloatVector d = FloatVector.fromArray(S, g, gp);
            s0 = FloatVector.broadcast(S, xp[at + o0]).fma(d, s0);
            s1 = FloatVector.broadcast(S, xp[at + o1]).fma(d, s1);
            s2 = FloatVector.broadcast(S, xp[at + o2]).fma(d, s2);
            s3 = FloatVector.broadcast(S, xp[at + o3]).fma(d, s3);
        }
        FloatVector.fromArray(S, acc, aAt).add(s0.add(r0)).intoArray(acc, aAt);
        FloatVector.fromArray(S, acc, aAt + V).add(s1.add(r1)).intoArray(acc, aAt + V);
        FloatVector.fromArray(S, acc, aAt + 2 * V).add(s2.add(r2)).intoArray(acc, aAt + 2 * V);
        FloatVector.fromArray(S, acc, aAt + 3 * V).add(s3.add(r3)).intoArray(acc, aAt + 3 * V);
    }

    // ---------------------------------------------------------------------------------------------------------
    // addressing

    /** The input planes with the window's padding as zeros around them: cg planes of (h+2pH) x (w+2pW). */
    private static float[] pad(MemorySegment x, long xAt, int cg, int h, int w, Window2d win) {
        int pH = win.padH(), pW = win.padW(), hp = h + 2 * pH, wp = w + 2 * pW, size = cg * hp * wp;
        float[] xp = ThreadBuffers.atLeast(PADDED, size);
        if (pH == 0 && pW == 0) {
            MemorySegment.copy(x, ElementAccess.F32, xAt * Float.BYTES, xp, 0, size);
            return xp;
        }
        java.util.Arrays.fill(xp, 0, size, 0f);
        for (int c = 0; c < cg; c++) {
            for (int i = 0; i < h; i++) {
                MemorySegment.copy(x, ElementAccess.F32, (xAt + ((long) c * h + i) * w) * Float.BYTES, xp, (c * hp + i + pH) * wp + pW, w);
            }
        }
        return xp;
    }

    /** base[p] for every output pixel, padded to a multiple of {@code multiple} by repeating the last one. */
    private static int[] pixelBases(Window2d win, int w, int multiple) {
        int outH = (int) win.outH(), outW = (int) win.outW(), pixels = outH * outW;
        int wp = w + 2 * win.padW();
        int padded = Math.ceilDiv(pixels, multiple) * multiple;
        int[] base = intsAtLeast(BASES, padded);
        for (int oh = 0, p = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++, p++) base[p] = oh * win.strideH() * wp + ow * win.strideW();
        }
        for (int p = pixels; p < padded; p++) base[p] = base[pixels - 1];
        return base;
    }

    /** tapOffset[t] for every tap, padded to a multiple of {@code multiple} with 0 (a valid address). */
    private static int[] tapOffsets(int cg, int h, int w, Window2d win, int multiple) {
        int kH = win.kernelH(), kW = win.kernelW(), hp = h + 2 * win.padH(), wp = w + 2 * win.padW();
        int patch = cg * kH * kW, padded = Math.ceilDiv(patch, multiple) * multiple;
        int[] taps = intsAtLeast(TAP_OFFSETS, padded);
        for (int c = 0, t = 0; c < cg; c++) {
            for (int ki = 0; ki < kH; ki++) {
                for (int kj = 0; kj < kW; kj++, t++) taps[t] = (c * hp + ki * win.dilationH()) * wp + kj * win.dilationW();
            }
        }
        for (int t = patch; t < padded; t++) taps[t] = 0;
        return taps;
    }

    private static int[] intsAtLeast(ThreadLocal<int[]> slot, int size) {
        int[] a = slot.get();
        if (a.length < size) {
            a = new int[size];
            slot.set(a);
        }
        return a;
    }
}
