package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * A 3x3, stride-1, undilated convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, 2016). Each
 * 2x2 block of output reads a 4x4 tile d of the padded input, and
 * <pre>
 *   y = A^T [ (G g G^T) ⊙ (B^T d B) ] A      per (output channel, input channel), summed over input channels
 * </pre>
 * so the sum over input channels splits into 16 independent products, one per position ξ of the 4x4 tile:
 * <pre>
 *   M[ξ] (rows x T) = U[ξ] (rows x cols) @ V[ξ] (cols x T)     U = G g G^T per weight, V = B^T d B per (channel, tile)
 * </pre>
 * 16 multiply-adds per (row, col, tile) where the direct form spends 36, 2.25x fewer; the transforms are linear
 * passes over the input, the weight and the output. The products run on {@link PanelProduct}, one per ξ, split
 * between threads by ξ. The same routine computes the input gradient of such a layer: a 3x3 convolution of dy, padded by
 * 2 - padding, with the weight flipped and transposed ({@link #transformWeights} with {@code flipTransposed}).
 *
 * <p>The transforms vectorise across 8 (or 16) neighbouring tiles of a tile row. A tile starts at an even column,
 * so the input's rows are first split into even and odd columns, after which every operand of the input transform
 * is one contiguous load; the output transform's two columns per tile are interleaved back by two lane shuffles.
 * A tile-at-a-time scalar form of each transform finishes the row and is what the vector form computes.
 */
final class WinogradConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Positions of the transformed 4x4 tile: the number of products. */
    static final int POSITIONS = 16;
    /** Channels (per group) on each side of the product below which the 16 thin products lose to the direct form. */
    static final int MIN_CHANNELS = 16;
    /**
     * Output pixels (samples x outH x outW) below which the weight's transform, once per call and as large as 16/9 of
     * the weight, costs more than the product saves: ResNet layer4's 4 x 7 x 7 ran no faster than {@link ImplicitConv}.
     */
    static final long MIN_OUTPUT_PIXELS = 512;
    /**
     * Transformed floats of one sample, V or M, beyond which a layer is left to the other forms (256 MiB): a pass
     * holds at least one sample's, in an int-indexed array (a 64-channel 4096 x 4096 image would need 1.1 G floats).
     */
    static final long MAX_SAMPLE_FLOATS = 1L << 26;
    /**
     * Transformed floats of one chunk of samples, V or M (4 MiB each): both stay in cache between the passes. ResNet
     * layer1 (802,816 floats a sample) runs a sample per pass here; 16 MiB (all 4 samples at once) took 1.11-1.20x
     * the time of its forward, 8 MiB 1.07x (Zen 3, 2 threads, builds alternating in one JVM).
     */
    private static final long CHUNK_FLOATS = 1L << 20;
    /**
     * Floats between the planes of U, V and M beyond their size: planes of power-of-two size (ResNet layer4's 512 x
     * 512, layer1's 64 x 3136) would put the 16 positions a transform writes in the same L1 sets.
     */
    private static final int PLANE_SKEW = 16;

    /** Even (odd) lanes of two vectors, lo's into the low half and hi's into the high half (with {@link #HIGH_HALF}). */
    private static final VectorShuffle<Float> EVEN_LOW = shuffle(i -> 2 * i), EVEN_HIGH = shuffle(i -> 2 * i - L);
    private static final VectorShuffle<Float> ODD_LOW = shuffle(i -> 2 * i + 1), ODD_HIGH = shuffle(i -> 2 * i + 1 - L);
    private static final VectorShuffle<Float> ZIP_LOW = shuffle(i -> i / 2), ZIP_HIGH = shuffle(i -> L / 2 + i / 2);
    private static final long ALL_LANES = (1L << L) - 1;
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S, ALL_LANES & -(1L << (L / 2)));
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, ALL_LANES & 0xAAAAAAAAAAAAAAAAL);

    /**
     * Elements 0, 2, 4, ... of the 2L floats lo then hi: a stride-2 row split into its even and odd columns, here and
     * in {@link Unfold}'s and {@link ImplicitConv}'s stride-2 copies.
     */
    static FloatVector evenLanes(FloatVector lo, FloatVector hi) {
        return lo.rearrange(EVEN_LOW).blend(hi.rearrange(EVEN_HIGH), HIGH_HALF);
    }

    /** Elements 1, 3, 5, ... of the 2L floats lo then hi. */
    static FloatVector oddLanes(FloatVector lo, FloatVector hi) {
        return lo.rearrange(ODD_LOW).blend(hi.rearrange(ODD_HIGH), HIGH_HALF);
    }

    private static final ThreadLocal<float[]> WEIGHTS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> KERNEL_ROW = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> INPUTS = ThreadBuffers.floats();
    private static final ThreadLocal<NativeScratch> PRODUCTS = NativeScratch.perThread();
    private static final ThreadLocal<float[]> EVEN = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> ODD = ThreadBuffers.floats();

    private WinogradConv() {}

    /** Lane i takes lane {@code index(i)} (wrapped into range; the lanes a blend discards take any). */
    private static VectorShuffle<Float> shuffle(java.util.function.IntUnaryOperator index) {
        int[] lanes = new int[L];
        for (int i = 0; i < L; i++) lanes[i] = Math.floorMod(index.applyAsInt(i), L);
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    /**
     * Whether a layer's forward and input gradient run here: a 3x3 window at stride 1 and dilation 1, padding at most
     * 2 (so the input gradient's padding 2 - p is no crop), at least {@link #MIN_CHANNELS} channels per group in
     * and out, at least {@link #MIN_OUTPUT_PIXELS} output pixels over the batch, and at most
     * {@link #MAX_SAMPLE_FLOATS} transformed floats per sample.
     */
    static boolean suits(int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padH, int padW,
                         int channelsPerGroup, int outPerGroup, long samples, long outH, long outW) {
        long tiles = ((outH + 1) / 2) * ((outW + 1) / 2);
        return samples * outH * outW >= MIN_OUTPUT_PIXELS && POSITIONS * Math.max(channelsPerGroup, outPerGroup) * tiles <= MAX_SAMPLE_FLOATS
                && kernelH == 3 && kernelW == 3 && strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1
                && padH >= 0 && padH <= 2 && padW >= 0 && padW <= 2
                && channelsPerGroup >= MIN_CHANNELS && outPerGroup >= MIN_CHANNELS;
    }

    /**
     * This thread's transformed weights of a layer of {@code outChannels x inChannels} 3x3 kernels at element kOff of
     * k (one group), laid out as the product's A panels ({@link PanelProduct.Panels}), so the product copies them
     * instead of gathering them: position ξ's matrix has the convolution's rows (the output channels, or with
     * {@code flipTransposed} the input channels) in panels of {@code mr}, each over all of its k (the other channels),
     * at {@code u[ξ*plane + row/mr * k*mr + kk*mr + row%mr]}, {@code plane = } {@link #plane}. Rows past the last are 0.
     * Null when a weight is infinite or NaN ({@link #convolve} says why that matters).
     */
    static float[] transformWeights(MemorySegment k, long kOff, int outChannels, int inChannels, boolean flipTransposed, int mr) {
        int rows = flipTransposed ? inChannels : outChannels, depth = flipTransposed ? outChannels : inChannels;
        int plane = plane(rows, depth, mr), panelSize = depth * mr;
        float[] u = ThreadBuffers.atLeast(WEIGHTS, (long) POSITIONS * plane);
        boolean[] nonFinite = new boolean[1];
        IntraOpPool.parallelFor(outChannels, Math.max(1, 4096 / inChannels), (o0, o1) -> {
            float[] g = ThreadBuffers.atLeast(KERNEL_ROW, 9L * inChannels);
            for (int o = (int) o0; o < o1; o++) {
                MemorySegment.copy(k, ElementAccess.F32, (kOff + 9L * o * inChannels) * Float.BYTES, g, 0, 9 * inChannels);
                if (!finite(g, 9 * inChannels)) nonFinite[0] = true;
                for (int c = 0; c < inChannels; c++) {
                    int row = flipTransposed ? c : o, kk = flipTransposed ? o : c;
                    transformKernel(g, 9 * c, u, row / mr * panelSize + kk * mr + row % mr, plane, flipTransposed);
                }
            }
        });
        for (int xi = 0; xi < POSITIONS && rows % mr != 0; xi++) {
            int last = xi * plane + rows / mr * panelSize;
            for (int kk = 0; kk < depth; kk++) java.util.Arrays.fill(u, last + kk * mr + rows % mr, last + (kk + 1) * mr, 0f);
        }
        return nonFinite[0] ? null : u;
    }

    /** Floats from one position's matrix to the next: whole panels of mr rows by depth, plus a skew. */
    static int plane(int rows, int depth, int mr) { return Math.ceilDiv(rows, mr) * mr * depth + PLANE_SKEW; }

    /**
     * {@code U[ξ] = (G g G^T)[ξ]} of g row-major 3x3 at g[from], into u at {@code at + ξ*plane}, or, flipped, at
     * {@code at + flipped(ξ)*plane}: turning g by 180 degrees is J g J, and G J = P G with P the permutation
     * (3, 1, 2, 0), so the flipped kernel's transform is {@code U[p(i)][p(j)]}.
     */
    private static void transformKernel(float[] g, int from, float[] u, int at, int plane, boolean flipped) {
        // G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], first down g's columns, then along the rows of G g
        float g00 = g[from], g01 = g[from + 1], g02 = g[from + 2];
        float g10 = g[from + 3], g11 = g[from + 4], g12 = g[from + 5];
        float g20 = g[from + 6], g21 = g[from + 7], g22 = g[from + 8];
        float h0 = 0.5f * (g00 + g10 + g20), h1 = 0.5f * (g01 + g11 + g21), h2 = 0.5f * (g02 + g12 + g22);
        float d0 = 0.5f * (g00 - g10 + g20), d1 = 0.5f * (g01 - g11 + g21), d2 = 0.5f * (g02 - g12 + g22);
        int p0 = flipped ? 3 : 0, p3 = flipped ? 0 : 3;
        transformRow(g00, g01, g02, u, at, plane, 4 * p0, flipped);
        transformRow(h0, h1, h2, u, at, plane, 4, flipped);
        transformRow(d0, d1, d2, u, at, plane, 8, flipped);
        transformRow(g20, g21, g22, u, at, plane, 4 * p3, flipped);
    }

    /** Row (a, b, c) of G g times G^T into positions [first, first + 4), their order reversed at the ends when flipped. */
    private static void transformRow(float a, float b, float c, float[] u, int at, int plane, int first, boolean flipped) {
        u[at + (first + (flipped ? 3 : 0)) * plane] = a;
        u[at + (first + 1) * plane] = 0.5f * (a + b + c);
        u[at + (first + 2) * plane] = 0.5f * (a - b + c);
        u[at + (first + (flipped ? 0 : 3)) * plane] = c;
    }

    /**
     * {@code out[s][r] (outH x outW) = bias[biasAt + r] + sum_col conv3x3(xpad[s][col], g(r, col))} for samples
     * [0, samples): x's planes {@code h x w} at {@code xAt + s*xSampleStride + col*h*w}, padded by padTop / padLeft
     * and zeros after; u from {@link #transformWeights} with the kernel's mr, of g = w[r][col] or (the input
     * gradient) w[col][r] turned by 180 degrees; out's
     * planes at {@code outAt + s*outSampleStride + r*outH*outW}. bias may be null.
     *
     * <p>Returns false, with out partly written, where an input is infinite or NaN: the transforms mix a tile's 16
     * inputs into every one of its 4 outputs, so one infinity would become NaN (inf - inf) and reach outputs whose
     * window does not hold it; the caller then computes the layer by a direct form, as PyTorch would.
     */
    static boolean convolve(MemorySegment x, long xAt, long xSampleStride, int samples, int cols, int h, int w, int padTop, int padLeft,
                         float[] u, int rows, float[] bias, int biasAt,
                         MemorySegment out, long outAt, long outSampleStride, int outH, int outW) {
        int tilesH = Math.ceilDiv(outH, 2), tilesW = Math.ceilDiv(outW, 2), perSample = tilesH * tilesW;
        Tiles tiles = new Tiles(h, w, padTop, padLeft, outH, outW, tilesH, tilesW);
        int chunk = samplesPerChunk(rows, cols, perSample, samples);
        SgemmMicroKernel kern = PanelProduct.kernel();
        int plane = plane(rows, cols, kern.mr);
        int rowPanels = Math.ceilDiv(rows, kern.mr);
        boolean[] nonFinite = new boolean[1];
        for (int first = 0; first < samples; first += chunk) {
            int n = Math.min(chunk, samples - first), t = n * perSample, firstSample = first;
            int vPlane = cols * t + PLANE_SKEW, mPlane = rows * t + PLANE_SKEW;
            float[] v = ThreadBuffers.atLeast(INPUTS, (long) POSITIONS * vPlane);
            MemorySegment m = PRODUCTS.get().floats((long) POSITIONS * mPlane);
            IntraOpPool.parallelFor((long) n * cols, 1, (a, b) -> {
                for (long unit = a; unit < b; unit++) {
                    int s = (int) (unit / cols), c = (int) (unit % cols);
                    if (!inputTransform(x, xAt + (firstSample + s) * xSampleStride + (long) c * h * w, tiles,
                            v, c * t + s * perSample, vPlane)) nonFinite[0] = true;
                }
            });
            if (nonFinite[0]) return false;
            IntraOpPool.parallelFor(POSITIONS, 1, (a, b) -> {
                for (int xi = (int) a; xi < b; xi++) {
                    var weights = new PanelProduct.Panels(u, xi * plane, cols);
                    var inputs = new PanelProduct.HeapMatrix(v, xi * vPlane, 1, t, t);
                    PanelProduct.multiply(weights, inputs, rows, t, cols, 0, rowPanels, 0, Math.ceilDiv(t, kern.nr), false, m, (long) xi * mPlane, t);
                }
            });
            IntraOpPool.parallelFor((long) n * rows, 1, (a, b) -> {
                for (long unit = a; unit < b; unit++) {
                    int s = (int) (unit / rows), r = (int) (unit % rows);
                    outputTransform(m, (long) r * t + (long) s * perSample, mPlane, tiles, bias == null ? 0f : bias[biasAt + r],
                            out, outAt + (firstSample + s) * outSampleStride + (long) r * outH * outW);
                }
            });
        }
        return true;
    }

    /** Whether a[0, n) are all finite: x - x is 0 for finite x and NaN for infinities and NaN. */
    static boolean finite(float[] a, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            acc = acc.add(x.sub(x));
        }
        float rest = 0f;
        for (; i < n; i++) rest += a[i] - a[i];
        return acc.eq(acc).allTrue() && rest == rest;
    }

    /** Samples per pass: as many as keep V and M within {@link #CHUNK_FLOATS} each, at least one. */
    static int samplesPerChunk(int rows, int cols, int tilesPerSample, int samples) {
        return (int) Math.max(1, Math.min(samples, CHUNK_FLOATS / ((long) POSITIONS * Math.max(rows, cols) * tilesPerSample)));
    }

    /** One plane's tiling: input h x w padded by padTop / padLeft, tilesH x tilesW tiles of 2x2 outputs over outH x outW. */
    record Tiles(int h, int w, int padTop, int padLeft, int outH, int outW, int tilesH, int tilesW) {
        /** Rows of the padded input the tiles read. */
        int paddedRows() { return 2 * tilesH + 2; }
        /** Even (or odd) columns of a padded row the tiles read, plus one. */
        int halfWidth() { return tilesW + 1; }
    }

    /**
     * {@code V[ξ][t] = (B^T d B)[ξ]} of one input plane's tiles at {@code v[at + ξ*positionStride + th*tilesW + tw]};
     * B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]: rows d0 - d2, d1 + d2, d2 - d1, d1 - d3, then the same on columns.
     * False, having written nothing, where a value the tiles read is infinite or NaN.
     */
    static boolean inputTransform(MemorySegment x, long plane, Tiles tiles, float[] v, int at, int positionStride) {
        int ld = tiles.halfWidth(), tilesW = tiles.tilesW();
        float[] ev = ThreadBuffers.atLeast(EVEN, (long) tiles.paddedRows() * ld), od = ThreadBuffers.atLeast(ODD, (long) tiles.paddedRows() * ld);
        splitColumns(x, plane, tiles, ev, od);
        if (!finite(ev, tiles.paddedRows() * ld) || !finite(od, tiles.paddedRows() * ld)) return false;
        int ps = positionStride;
        for (int th = 0; th < tiles.tilesH(); th++) {
            int a0 = 2 * th * ld, a1 = a0 + ld, a2 = a1 + ld, a3 = a2 + ld;
            int to = at + th * tilesW;
            // whole vectors of tiles, the last one moved back to end at the row's end (rewriting a few tiles)
            for (int next = 0; next < tilesW && tilesW >= L; next += L) {
                int tw = Math.min(next, tilesW - L), o = to + tw, p = ps;
                // the four tile columns j written out, not looped through a helper: a vector passed to a call the JIT
                // does not inline is boxed
                // column 0 - column 2 of each of the four rows (tile column j = 0), then the rows' combinations
                FloatVector x0 = FloatVector.fromArray(S, ev, a0 + tw).sub(FloatVector.fromArray(S, ev, a0 + tw + 1));
                FloatVector x1 = FloatVector.fromArray(S, ev, a1 + tw).sub(FloatVector.fromArray(S, ev, a1 + tw + 1));
                FloatVector x2 = FloatVector.fromArray(S, ev, a2 + tw).sub(FloatVector.fromArray(S, ev, a2 + tw + 1));
                FloatVector x3 = FloatVector.fromArray(S, ev, a3 + tw).sub(FloatVector.fromArray(S, ev, a3 + tw + 1));
                x0.sub(x2).intoArray(v, o);
                x1.add(x2).intoArray(v, o + 4 * p);
                x2.sub(x1).intoArray(v, o + 8 * p);
                x1.sub(x3).intoArray(v, o + 12 * p);
                // j = 1: column 1 + column 2
                x0 = FloatVector.fromArray(S, od, a0 + tw).add(FloatVector.fromArray(S, ev, a0 + tw + 1));
                x1 = FloatVector.fromArray(S, od, a1 + tw).add(FloatVector.fromArray(S, ev, a1 + tw + 1));
                x2 = FloatVector.fromArray(S, od, a2 + tw).add(FloatVector.fromArray(S, ev, a2 + tw + 1));
                x3 = FloatVector.fromArray(S, od, a3 + tw).add(FloatVector.fromArray(S, ev, a3 + tw + 1));
                x0.sub(x2).intoArray(v, o + p);
                x1.add(x2).intoArray(v, o + 5 * p);
                x2.sub(x1).intoArray(v, o + 9 * p);
                x1.sub(x3).intoArray(v, o + 13 * p);
                // j = 2: column 2 - column 1
                x0 = FloatVector.fromArray(S, ev, a0 + tw + 1).sub(FloatVector.fromArray(S, od, a0 + tw));
                x1 = FloatVector.fromArray(S, ev, a1 + tw + 1).sub(FloatVector.fromArray(S, od, a1 + tw));
                x2 = FloatVector.fromArray(S, ev, a2 + tw + 1).sub(FloatVector.fromArray(S, od, a2 + tw));
                x3 = FloatVector.fromArray(S, ev, a3 + tw + 1).sub(FloatVector.fromArray(S, od, a3 + tw));
                x0.sub(x2).intoArray(v, o + 2 * p);
                x1.add(x2).intoArray(v, o + 6 * p);
                x2.sub(x1).intoArray(v, o + 10 * p);
                x1.sub(x3).intoArray(v, o + 14 * p);
                // j = 3: column 1 - column 3
                x0 = FloatVector.fromArray(S, od, a0 + tw).sub(FloatVector.fromArray(S, od, a0 + tw + 1));
                x1 = FloatVector.fromArray(S, od, a1 + tw).sub(FloatVector.fromArray(S, od, a1 + tw + 1));
                x2 = FloatVector.fromArray(S, od, a2 + tw).sub(FloatVector.fromArray(S, od, a2 + tw + 1));
                x3 = FloatVector.fromArray(S, od, a3 + tw).sub(FloatVector.fromArray(S, od, a3 + tw + 1));
                x0.sub(x2).intoArray(v, o + 3 * p);
                x1.add(x2).intoArray(v, o + 7 * p);
                x2.sub(x1).intoArray(v, o + 11 * p);
                x1.sub(x3).intoArray(v, o + 15 * p);
            }
            for (int tw = 0; tilesW < L && tw < tilesW; tw++) inputTile(ev, od, a0 + tw, ld, v, to + tw, ps);
        }
        return true;
    }

    /** One tile of {@link #inputTransform}: d[i][j] = the padded input at row i, column j of the tile. */
    private static void inputTile(float[] ev, float[] od, int a, int ld, float[] v, int at, int ps) {
        for (int j = 0; j < 4; j++) {
            float x0 = rowTerm(ev, od, a, j), x1 = rowTerm(ev, od, a + ld, j), x2 = rowTerm(ev, od, a + 2 * ld, j), x3 = rowTerm(ev, od, a + 3 * ld, j);
            v[at + j * ps] = x0 - x2;
            v[at + (4 + j) * ps] = x1 + x2;
            v[at + (8 + j) * ps] = x2 - x1;
            v[at + (12 + j) * ps] = x1 - x3;
        }
    }

    /** (d B)[j] of the tile row whose first even column is ev[row]: d0 - d2, d1 + d2, d2 - d1, d1 - d3. */
    private static float rowTerm(float[] ev, float[] od, int row, int j) {
        return switch (j) {
            case 0 -> ev[row] - ev[row + 1];
            case 1 -> od[row] + ev[row + 1];
            case 2 -> ev[row + 1] - od[row];
            default -> od[row] - od[row + 1];
        };
    }

    /**
     * The padded plane's even and odd columns, row by row: {@code ev[r*ld + q] = xpad[r][2q]},
     * {@code od[r*ld + q] = xpad[r][2q + 1]}, q < ld, zero outside the input.
     */
    private static void splitColumns(MemorySegment x, long plane, Tiles tiles, float[] ev, float[] od) {
        int ld = tiles.halfWidth(), h = tiles.h(), w = tiles.w(), padLeft = tiles.padLeft();
        for (int r = 0; r < tiles.paddedRows(); r++) {
            int y = r - tiles.padTop(), base = r * ld;
            if (y < 0 || y >= h) {
                java.util.Arrays.fill(ev, base, base + ld, 0f);
                java.util.Arrays.fill(od, base, base + ld, 0f);
                continue;
            }
            long row = plane + (long) y * w;
            int q = 0;
            for (; q < ld && 2 * q - padLeft < 0; q++) splitScalar(x, row, w, 2 * q - padLeft, ev, od, base + q);
            for (; q + L <= ld && 2 * q - padLeft + 2 * L <= w; q += L) {
                long from = (row + 2 * q - padLeft) * Float.BYTES;
                FloatVector lo = FloatVector.fromMemorySegment(S, x, from, ORDER);
                FloatVector hi = FloatVector.fromMemorySegment(S, x, from + (long) L * Float.BYTES, ORDER);
                evenLanes(lo, hi).intoArray(ev, base + q);
                oddLanes(lo, hi).intoArray(od, base + q);
            }
            for (; q < ld; q++) splitScalar(x, row, w, 2 * q - padLeft, ev, od, base + q);
        }
    }

    private static void splitScalar(MemorySegment x, long row, int w, int col, float[] ev, float[] od, int at) {
        ev[at] = col >= 0 && col < w ? x.getAtIndex(ElementAccess.F32, row + col) : 0f;
        od[at] = col + 1 >= 0 && col + 1 < w ? x.getAtIndex(ElementAccess.F32, row + col + 1) : 0f;
    }

    /**
     * One output plane from its tiles' products {@code m[at + ξ*positionStride + th*tilesW + tw]}: y = A^T m A + bias,
     * A^T = [1 1 1 0; 0 1 -1 -1], the tile's 2x2 block clipped to outH x outW.
     */
    static void outputTransform(MemorySegment m, long at, long positionStride, Tiles tiles, float bias, MemorySegment out, long plane) {
        int outH = tiles.outH(), outW = tiles.outW(), tilesW = tiles.tilesW();
        long p = positionStride * Float.BYTES;
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int th = 0; th < tiles.tilesH(); th++) {
            long from = at + (long) th * tilesW, row0 = plane + 2L * th * outW, row1 = row0 + outW;
            boolean second = 2 * th + 1 < outH;
            // whole tiles in vectors, the last vector moved back to end at the last whole tile; a half tile after
            int whole = outW / 2;
            for (int next = 0; next < whole && whole >= L; next += L) {
                int tw = Math.min(next, whole - L);
                long o = (from + tw) * Float.BYTES;
                // s_i0 = m_i0 + m_i1 + m_i2 and s_i1 = m_i1 - m_i2 - m_i3 along each of the tile's four rows i
                FloatVector m1 = FloatVector.fromMemorySegment(S, m, o + p, ORDER), m2 = FloatVector.fromMemorySegment(S, m, o + 2 * p, ORDER);
                FloatVector s00 = FloatVector.fromMemorySegment(S, m, o, ORDER).add(m1).add(m2);
                FloatVector s01 = m1.sub(m2).sub(FloatVector.fromMemorySegment(S, m, o + 3 * p, ORDER));
                m1 = FloatVector.fromMemorySegment(S, m, o + 5 * p, ORDER);
                m2 = FloatVector.fromMemorySegment(S, m, o + 6 * p, ORDER);
                FloatVector s10 = FloatVector.fromMemorySegment(S, m, o + 4 * p, ORDER).add(m1).add(m2);
                FloatVector s11 = m1.sub(m2).sub(FloatVector.fromMemorySegment(S, m, o + 7 * p, ORDER));
                m1 = FloatVector.fromMemorySegment(S, m, o + 9 * p, ORDER);
                m2 = FloatVector.fromMemorySegment(S, m, o + 10 * p, ORDER);
                FloatVector s20 = FloatVector.fromMemorySegment(S, m, o + 8 * p, ORDER).add(m1).add(m2);
                FloatVector s21 = m1.sub(m2).sub(FloatVector.fromMemorySegment(S, m, o + 11 * p, ORDER));
                m1 = FloatVector.fromMemorySegment(S, m, o + 13 * p, ORDER);
                m2 = FloatVector.fromMemorySegment(S, m, o + 14 * p, ORDER);
                FloatVector s30 = FloatVector.fromMemorySegment(S, m, o + 12 * p, ORDER).add(m1).add(m2);
                FloatVector s31 = m1.sub(m2).sub(FloatVector.fromMemorySegment(S, m, o + 15 * p, ORDER));
                // the same down the columns; each output row's even (y.0) and odd (y.1) columns zipped together
                FloatVector y00 = s00.add(s10).add(s20).add(b), y01 = s01.add(s11).add(s21).add(b);
                long to = (row0 + 2L * tw) * Float.BYTES;
                y00.rearrange(ZIP_LOW).blend(y01.rearrange(ZIP_LOW), ODD_LANES).intoMemorySegment(out, to, ORDER);
                y00.rearrange(ZIP_HIGH).blend(y01.rearrange(ZIP_HIGH), ODD_LANES).intoMemorySegment(out, to + (long) L * Float.BYTES, ORDER);
                if (second) {
                    FloatVector y10 = s10.sub(s20).sub(s30).add(b), y11 = s11.sub(s21).sub(s31).add(b);
                    to = (row1 + 2L * tw) * Float.BYTES;
                    y10.rearrange(ZIP_LOW).blend(y11.rearrange(ZIP_LOW), ODD_LANES).intoMemorySegment(out, to, ORDER);
                    y10.rearrange(ZIP_HIGH).blend(y11.rearrange(ZIP_HIGH), ODD_LANES).intoMemorySegment(out, to + (long) L * Float.BYTES, ORDER);
                }
            }
            for (int tw = whole >= L ? whole : 0; tw < tilesW; tw++) outputTile(m, from + tw, positionStride, bias, out, row0, 2 * tw, second, outW);
        }
    }

    /** One tile of {@link #outputTransform}: its 2x2 block at column col of rows row0 and row0 + outW, clipped. */
    private static void outputTile(MemorySegment m, long at, long ps, float bias, MemorySegment out, long row0, int col,
                                   boolean second, int outW) {
        float s00 = rowSum(m, at, ps, 0, 0), s10 = rowSum(m, at, ps, 1, 0), s20 = rowSum(m, at, ps, 2, 0), s30 = rowSum(m, at, ps, 3, 0);
        float s01 = rowSum(m, at, ps, 0, 1), s11 = rowSum(m, at, ps, 1, 1), s21 = rowSum(m, at, ps, 2, 1), s31 = rowSum(m, at, ps, 3, 1);
        boolean both = col + 1 < outW;
        out.setAtIndex(ElementAccess.F32, row0 + col, s00 + s10 + s20 + bias);
        if (both) out.setAtIndex(ElementAccess.F32, row0 + col + 1, s01 + s11 + s21 + bias);
        if (!second) return;
        out.setAtIndex(ElementAccess.F32, row0 + outW + col, s10 - s20 - s30 + bias);
        if (both) out.setAtIndex(ElementAccess.F32, row0 + outW + col + 1, s11 - s21 - s31 + bias);
    }

    /** (m A)[i][b] of a tile's products: m_i0 + m_i1 + m_i2 for b = 0, m_i1 - m_i2 - m_i3 for b = 1. */
    private static float rowSum(MemorySegment m, long at, long ps, int i, int b) {
        float m1 = m.getAtIndex(ElementAccess.F32, at + (4 * i + 1) * ps), m2 = m.getAtIndex(ElementAccess.F32, at + (4 * i + 2) * ps);
        return b == 0 ? m.getAtIndex(ElementAccess.F32, at + 4 * i * ps) + m1 + m2 : m1 - m2 - m.getAtIndex(ElementAccess.F32, at + (4 * i + 3) * ps);
    }
}
