package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * A direct convolution over input channels in blocks of 16, the layout oneDNN calls nChw16c: pixel (r, q) of block
 * b holds its 16 channels side by side, so a row of neighbouring pixels is a row of a GEMM's A panel with a
 * constant stride of 16 floats, read in place. Each tile is 7 neighbouring output pixels of one row by 32 output
 * channels (14 accumulators), summed over every (block, tap) in registers:
 * {@code acc[q][v] += x[block, r + ki, q + kj][ci] * w[v][block*16 + ci, ki, kj]}, 7 broadcasts and 2 vector loads
 * for 14 FMAs per step. Against the implicit GEMM ({@link ImplicitConv}) this
 * <ul>
 *   <li>skips the taps whose kernel row falls in the top or bottom padding, and the first or last pixel of a tile
 *       for the kernel columns that read the left or right padding there: at ResNet layer4's 7x7 maps it computes
 *       the 361 pixel-taps of 441 that read the input, where the GEMM reads every tap of every pixel (18% of its
 *       MACs read zeros there);
 *   <li>writes each output once, where the GEMM reads and writes C once per block of k;
 *   <li>needs no column gather: the tile's pixels are the panel.
 * </ul>
 * Rows of 7: ResNet's maps are 56, 28, 14 and 7 wide. Pixels past a row's end are computed from the zeros (or the
 * next row) after it and dropped. At stride 2 the padded input is stored as its four stride phases, as
 * {@link ImplicitConv} does: tap (ki, kj) of output (oh, ow) reads phase (ki % 2, kj % 2) at (oh + ki / 2, ow + kj / 2),
 * so neighbouring outputs read neighbouring pixels again.
 * Kernels three taps wide (ResNet's 3x3, and their input gradients) skip that layout: {@link #tileThreeTaps} and
 * {@link #tileThreeTapsStride2} read the input's own channel planes ({@link Planes}, as they are where no tile reads
 * padding), a kernel row of a block per step, each input column broadcast once for the pixels whose taps read it.
 * The weight is reordered on every call into panels of 32 output channels, step (block, tap, ci) holding two vectors,
 * by each thread for the panels it takes, just before their tiles, into a buffer that stays in its L2 (written to a
 * shared 9.4 MB buffer first, the reorder took 16% of layer4's samples, most of them waiting on memory).
 * Needs 512-bit vectors (the 14 accumulators, 2 weight vectors and a broadcast fill 17 of AVX-512's 32 registers;
 * AVX2 has 16).
 */
final class Nchw16cConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    /** Input channels per block: the stride between neighbouring pixels of a block. */
    static final int BLOCK = 16;
    /** Output pixels along a row per tile. */
    static final int TILE = 7;
    /** Output channels per tile: two vectors. */
    static final int OUTS = 32;

    /** A chunk's input as its layout lays it out, for every unit of the chunk to read. */
    private static final ThreadLocal<float[]> LAID_OUT = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> UNIT_ROWS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> WEIGHTS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> WEIGHT_ROWS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> TILE_SUMS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PLANES = ThreadBuffers.floats();
    private static final byte NONE = (byte) Edge.NONE.ordinal(), FIRST = (byte) Edge.FIRST.ordinal();
    private static final ThreadLocal<float[]> WINDOWS = ThreadBuffers.floats();
    private static final ThreadLocal<Steps[]> STEPS = ThreadLocal.withInitial(() -> new Steps[4]);

    private Nchw16cConv() {}

    /** Whether this kernel takes a convolution: 512-bit vectors, whole blocks of channels and of outputs, stride 1 or 2, no dilation. */
    static boolean suits(int inputs, int outputs, int kH, int kW, int sH, int sW, int dH, int dW) {
        return FloatVector.SPECIES_PREFERRED.length() == BLOCK && inputs % BLOCK == 0 && outputs % OUTS == 0
                && sH == sW && (sH == 1 || sH == 2) && dH == 1 && dW == 1 && kH * kW > 1;
    }

    /**
     * One convolution: {@code inputs} channels of h x w planes, padded by padH, padW, into {@code outputs} channels of
     * outH x outW, a kH x kW kernel at stride {@code stride}.
     */
    record Geometry(int inputs, int h, int w, int outputs, int kH, int kW, int stride, int padH, int padW, int outH, int outW) {
        int blocks() { return inputs / BLOCK; }
        int tilesPerRow() { return Math.ceilDiv(outW, TILE); }
        /** Rows of a phase plane that taps read. */
        int phaseH() { return outH + (kH - 1) / stride; }
        /** Columns of a phase plane that tiles read, whole tiles included. */
        int phaseW() { return tilesPerRow() * TILE + (kW - 1) / stride; }
        /** Floats of one block of one sample: its phases, 16 channels per pixel. */
        int blockFloats() { return stride * stride * phaseH() * phaseW() * BLOCK; }
        int sampleFloats() { return blocks() * blockFloats(); }
        int taps() { return kH * kW; }
        /** Floats of one panel of 32 outputs of the reordered weight. */
        int panelFloats() { return inputs * taps() * OUTS; }
        /** Blocks per copy in the forward's reorder: each output's run of them is one sequential read the prefetcher follows. */
        int reorderBlocks() { return Math.max(1, Math.min(blocks(), REORDER_ROW_FLOATS / (BLOCK * taps()))); }
        /** Where tap (ki, kj) of a tile's first pixel reads, from the pixel's own position, in floats. */
        int tapOffset(int ki, int kj) {
            return (((ki % stride) * stride + kj % stride) * phaseH() + ki / stride) * phaseW() * BLOCK + kj / stride * BLOCK;
        }
    }

    /**
     * {@code out[s*outSampleStride + o*outH*outW + pixel] = bias[biasAt + o] + conv} for samples [0, samples) of the
     * input planes {@code x[xAt + s*sampleStride + c*h*w ...]}; weight element (o, c, t) read by {@code weights}.
     * bias may be null. Threads split (group of panels, sample, block of rows); within one, each tile runs every
     * panel of the group, so the input rows it reads stay in L1 and L2 across panels.
     */
    static void forward(MemorySegment x, long xAt, long sampleStride, int samples, Geometry geo, Weights weights,
                        float[] bias, int biasAt, MemorySegment out, long outAt, long outSampleStride) {
        boolean parallel = !IntraOpPool.inParallelRegion() && GemmThreading.accessibleFromPool(x, out, weights.data(), null);
        Steps steps = steps(geo);
        int outPanels = geo.outputs() / OUTS;
        // panels per group: as many as share L2 with the rows they read (ResNet layer2: all 4, each thread reordering
        // them for its samples, since groups of 2 read the input twice: 1.05x the time, measured on the 6.8 MB blocked
        // copy of session 26; layer4: 1 of 16)
        int groups = Math.ceilDiv(outPanels, (int) Math.max(1, GROUP_WEIGHT_FLOATS / geo.panelFloats()));
        int group = Math.ceilDiv(outPanels, groups);
        // one group: each unit lays out the input rows its tiles read in its thread's buffer and reads them back from
        // L2 (ResNet layer2's strided 3x3: the 6.9 MB blocked beforehand took 0.8 of 6.3 ms); several groups would lay
        // out a sample's rows once per group, so the chunk's samples are laid out once, in chunks that bound the buffer
        boolean rowsPerUnit = groups == 1;
        Planes planes = steps.layout() instanceof Planar planar ? planar.planes() : null;
        long sampleFloats = planes == null ? geo.sampleFloats() : (long) geo.inputs() * planes.channelFloats();
        int chunk = rowsPerUnit ? samples
                : (int) Math.max(1, Math.min(samples, ConvolutionKernels.WEIGHT_GRAD_CHUNK_FLOATS / sampleFloats));
        for (int first = 0; first < samples; first += chunk) {
            int count = Math.min(chunk, samples - first);
            long chunkAt = xAt + first * sampleStride;
            float[] laid = rowsPerUnit ? null : switch (steps.layout()) {
                case Blocked blocked -> block(x, chunkAt, sampleStride, count, geo, blocked.columnAt(), parallel);
                case Planar planar -> planes(x, chunkAt, sampleStride, count, geo, planar.planes(), parallel);
            };
            long chunkOut = outAt + first * outSampleStride;
            // enough units that a late thread finds work: rows split in blocks when groups x samples are few
            int rowBlocks = Math.min(geo.outH(), Math.ceilDiv(UNITS_PER_CHUNK, groups * count));
            IntraOpPool.RangeBody units = (u0, u1) -> {
                float[] tile = ThreadBuffers.atLeast(TILE_SUMS, TILE_FLOATS);
                float[] panels = ThreadBuffers.atLeast(WEIGHTS, (long) group * geo.panelFloats());
                float[] own = rowsPerUnit ? ThreadBuffers.atLeast(UNIT_ROWS, sampleFloats + SLACK) : null;
                // a thread's units are contiguous, group by group: it reorders each group it meets once, into L2
                int reordered = -1;
                for (int u = (int) u0; u < u1; u++) {
                    int g = u / (count * rowBlocks), s = u / rowBlocks % count, rb = u % rowBlocks;
                    int p0 = g * group, p1 = Math.min(outPanels, p0 + group);
                    if (g != reordered) {
                        for (int p = p0; p < p1; p++) reorder(weights, geo, steps, p, panels, (p - p0) * geo.panelFloats());
                        reordered = g;
                    }
                    int oh0 = rb * geo.outH() / rowBlocks, oh1 = (rb + 1) * geo.outH() / rowBlocks, st = geo.stride();
                    long sampleAt = chunkAt + s * sampleStride;
                    if (rowsPerUnit) {
                        switch (steps.layout()) {
                            case Blocked blocked -> {
                                int r0 = oh0 * st, r1 = Math.min(geo.phaseH() * st, (oh1 - 1) * st + geo.kH());
                                for (int b = 0; b < geo.blocks(); b++) blockRows(x, sampleAt, b, geo, blocked.columnAt(), own, b * geo.blockFloats(), r0, r1);
                            }
                            case Planar planar -> {
                                int top = planar.planes().top(), r0 = Math.max(0, oh0 * st - geo.padH() + top);
                                int r1 = Math.min(planar.planes().rows(), (oh1 - 1) * st + geo.kH() - geo.padH() + top);
                                planeRows(x, sampleAt, geo, planar.planes(), own, 0, 0, geo.inputs(), r0, r1);
                            }
                        }
                    }
                    convolveRows(rowsPerUnit ? own : laid, rowsPerUnit ? 0 : (int) (s * sampleFloats), geo, steps, panels,
                            p0, p1, oh0, oh1, tile, bias, biasAt, out, chunkOut + s * outSampleStride);
                }
            };
            long unitCount = (long) groups * count * rowBlocks;
            if (parallel) IntraOpPool.parallelFor(unitCount, 1, units);
            else units.run(0, unitCount);
        }
    }

    /** Floats of reordered weight that a group of panels may take: with the rows they read, about 60% of a 1 MiB L2. */
    private static final long GROUP_WEIGHT_FLOATS = 160L << 10;
    /** Work units per chunk of samples, at least: a few per thread. */
    private static final int UNITS_PER_CHUNK = 16;

    /**
     * Output rows [oh0, oh1) of one sample for panels [p0, p1) of 32 outputs, every panel of a tile before the next
     * tile, so that the panels read the tile's input from L1 and L2 in turn (ResNet layer2's strided 3x3, panels
     * outermost: 1.03x the time); panel p reordered in w at {@code (p - p0)*panelFloats}.
     */
    private static void convolveRows(float[] x, int xAt, Geometry geo, Steps steps, float[] w, int p0, int p1, int oh0, int oh1,
                                     float[] tile, float[] bias, int biasAt, MemorySegment out, long outAt) {
        int outH = geo.outH(), outW = geo.outW(), pixels = outH * outW;
        Blocked blocked = steps.layout() instanceof Blocked b ? b : null;
        Planar planar = steps.layout() instanceof Planar p ? p : null;
        // floats from one output row's tiles to the next's, and from one pixel to the next
        int rowFloats = planar == null ? geo.phaseW() * BLOCK : planar.planes().width() * geo.stride();
        int pixelFloats = planar == null ? BLOCK : geo.stride();
        for (int oh = oh0; oh < oh1; oh++) {
            int cls = steps.rowClass()[oh];
            for (int ow = 0; ow < outW; ow += TILE) {
                for (int p = p0; p < p1; p++) {
                    int wAt = (p - p0) * geo.panelFloats(), at = xAt + oh * rowFloats + ow * pixelFloats, t = ow / TILE;
                    if (blocked != null) tile(x, at, w, wAt, blocked.lists()[cls][blocked.columnClass()[t]], tile);
                    else if (geo.stride() == 1) tileThreeTaps(x, at, planar.planes().channelFloats(), w, wAt, planar.rows()[cls], planar.firstColumn()[t], planar.lastColumn()[t], tile);
                    else tileThreeTapsStride2(x, at, planar.planes().channelFloats(), w, wAt, planar.rows()[cls], planar.firstColumn()[t], planar.lastColumn()[t], tile);
                    store(tile, Math.min(TILE, outW - ow), bias, biasAt + p * OUTS, out, outAt + (long) p * OUTS * pixels + (long) oh * outW + ow, pixels);
                }
            }
        }
    }

    /**
     * {@code out[to + v*pixels + q] = tile[q*32 + v] + bias[biasAt + v]} for the tile's first {@code valid} pixels q and
     * its 32 outputs v (bias may be null): each half of the outputs transposed 16 x 16 (rows 7 to 15 of the tile
     * buffer are not pixels) into the buffer's last 256 floats, so that an output's pixels are one vector, stored
     * under a mask of the valid ones. Element by element, ResNet layer2's strided 3x3 took 0.3 ms a thread for its
     * output.
     */
    private static void store(float[] tile, int valid, float[] bias, int biasAt, MemorySegment out, long to, int pixels) {
        VectorMask<Float> pixelsOf = VALID_PIXELS[valid];
        for (int half = 0; half < OUTS; half += BLOCK) {
            transpose16(tile, half, OUTS, tile, TRANSPOSED_AT, OUTPUT_ROWS, 0, BLOCK);
            for (int v = 0; v < BLOCK; v++) {
                FloatVector sums = FloatVector.fromArray(S, tile, TRANSPOSED_AT + v * BLOCK);
                if (bias != null) sums = sums.add(bias[biasAt + half + v]);
                sums.intoMemorySegment(out, (to + (long) (half + v) * pixels) * Float.BYTES, ByteOrder.nativeOrder(), pixelsOf);
            }
        }
    }

    /** Floats of a tile buffer: 16 rows of 32 sums (7 of them pixels), then a 16 x 16 block for {@link #store}. */
    private static final int TILE_FLOATS = BLOCK * OUTS + BLOCK * BLOCK, TRANSPOSED_AT = BLOCK * OUTS;
    /** Where {@link #store}'s transposes put output v's pixels: row v of a 16 x 16 block. */
    private static final int[] OUTPUT_ROWS = java.util.stream.IntStream.range(0, BLOCK).map(v -> v * BLOCK).toArray();
    /** The lanes of the first n pixels of a tile, for n up to 7. */
    private static final VectorMask<Float>[] VALID_PIXELS = validPixels();

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] validPixels() {
        VectorMask<Float>[] masks = new VectorMask[TILE + 1];
        for (int n = 0; n <= TILE; n++) masks[n] = VectorMask.fromLong(S, (1L << n) - 1);
        return masks;
    }

    /**
     * {@code tile[q*32 + v] = sum over steps i, ci < 16 of x[xAt + steps.x[i] + q*16 + ci] * w[wAt + steps.w[i] + ci*32 + v]}
     * for the tile's 7 pixels q and 32 outputs v, the 14 sums in registers over every step; pixel 0 is left out of
     * the steps of kind {@link Edge#FIRST} (their tap reads the left padding for it), pixel 6 out of {@link Edge#LAST}.
     * For kernels other than three taps wide ({@link #tileThreeTaps} takes those).
     */
    static void tile(float[] x, int xAt, float[] w, int wAt, StepList steps, float[] tile) {
        int[] xs = steps.x(), ws = steps.w();
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00;
        byte[] kinds = steps.kinds();
        for (int i = 0; i < xs.length; i++) {
            int xo = xAt + xs[i], wo = wAt + ws[i];
            byte kind = kinds[i];
            // the step written out once per kind: the 14 sums are this method's locals, which no helper could update
            if (kind == NONE) {
                for (int ci = 0; ci < BLOCK; ci++, xo++, wo += OUTS) {
                    FloatVector b0 = FloatVector.fromArray(S, w, wo), b1 = FloatVector.fromArray(S, w, wo + 16);
                    FloatVector a = FloatVector.broadcast(S, x[xo]);
                    c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
                    a = FloatVector.broadcast(S, x[xo + BLOCK]);
                    c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
                    a = FloatVector.broadcast(S, x[xo + 2 * BLOCK]);
                    c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
                    a = FloatVector.broadcast(S, x[xo + 3 * BLOCK]);
                    c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
                    a = FloatVector.broadcast(S, x[xo + 4 * BLOCK]);
                    c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
                    a = FloatVector.broadcast(S, x[xo + 5 * BLOCK]);
                    c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
                    a = FloatVector.broadcast(S, x[xo + 6 * BLOCK]);
                    c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
                }
            } else if (kind == FIRST) {
                for (int ci = 0; ci < BLOCK; ci++, xo++, wo += OUTS) {
                    FloatVector b0 = FloatVector.fromArray(S, w, wo), b1 = FloatVector.fromArray(S, w, wo + 16);
                    FloatVector a = FloatVector.broadcast(S, x[xo + BLOCK]);
                    c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
                    a = FloatVector.broadcast(S, x[xo + 2 * BLOCK]);
                    c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
                    a = FloatVector.broadcast(S, x[xo + 3 * BLOCK]);
                    c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
                    a = FloatVector.broadcast(S, x[xo + 4 * BLOCK]);
                    c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
                    a = FloatVector.broadcast(S, x[xo + 5 * BLOCK]);
                    c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
                    a = FloatVector.broadcast(S, x[xo + 6 * BLOCK]);
                    c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
                }
            } else {
                for (int ci = 0; ci < BLOCK; ci++, xo++, wo += OUTS) {
                    FloatVector b0 = FloatVector.fromArray(S, w, wo), b1 = FloatVector.fromArray(S, w, wo + 16);
                    FloatVector a = FloatVector.broadcast(S, x[xo]);
                    c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
                    a = FloatVector.broadcast(S, x[xo + BLOCK]);
                    c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
                    a = FloatVector.broadcast(S, x[xo + 2 * BLOCK]);
                    c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
                    a = FloatVector.broadcast(S, x[xo + 3 * BLOCK]);
                    c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
                    a = FloatVector.broadcast(S, x[xo + 4 * BLOCK]);
                    c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
                    a = FloatVector.broadcast(S, x[xo + 5 * BLOCK]);
                    c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
                }
            }
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, 16); c10.intoArray(tile, 32); c11.intoArray(tile, 48);
        c20.intoArray(tile, 64); c21.intoArray(tile, 80); c30.intoArray(tile, 96); c31.intoArray(tile, 112);
        c40.intoArray(tile, 128); c41.intoArray(tile, 144); c50.intoArray(tile, 160); c51.intoArray(tile, 176);
        c60.intoArray(tile, 192); c61.intoArray(tile, 208);
    }

    /**
     * The sums of {@link #tile} for a kernel three taps wide at stride 1, over the input as {@link Planes} (a
     * channel's plane {@code channel} floats from the next), a kernel row of a block at a time: for each of the
     * block's 16 channels, the 9 input columns the tile's 7 pixels read are broadcast once each and multiplied by the
     * weights of the (up to 3) taps that read them, {@code rows.x[i]} the column pixel 0's first tap reads in the
     * block's first channel, {@code rows.w[i]} that tap's weights. 9 broadcasts and 6 weight vectors per 42 FMAs
     * where {@link #tile} takes 21 and 6, and a step per kernel row, not per tap. Column 0 feeds pixel 0's first tap
     * alone and column 8 pixel 6's last: left out where {@code first} or {@code last} is false (the padding), the
     * edge taps cost nothing.
     */
    static void tileThreeTaps(float[] x, int xAt, int channel, float[] w, int wAt, ThreeTapRows rows, boolean first, boolean last, float[] tile) {
        int[] xs = rows.x(), ws = rows.w();
        FloatVector c0 = FloatVector.zero(S), d0 = c0, c1 = c0, d1 = c0, c2 = c0, d2 = c0, c3 = c0, d3 = c0;
        FloatVector c4 = c0, d4 = c0, c5 = c0, d5 = c0, c6 = c0, d6 = c0;
        for (int i = 0; i < xs.length; i++) {
            int xo = xAt + xs[i], wo = wAt + ws[i];
            for (int ci = 0; ci < BLOCK; ci++, xo += channel, wo += OUTS) {
                // taps 0, 1, 2 of the row, each 32 outputs as two vectors; pixel q's sums cq, dq
                FloatVector a = FloatVector.fromArray(S, w, wo), e = FloatVector.fromArray(S, w, wo + 16);
                FloatVector b = FloatVector.fromArray(S, w, wo + TAP), f = FloatVector.fromArray(S, w, wo + TAP + 16);
                FloatVector g = FloatVector.fromArray(S, w, wo + 2 * TAP), h = FloatVector.fromArray(S, w, wo + 2 * TAP + 16);
                FloatVector v;
                if (first) { v = FloatVector.broadcast(S, x[xo]); c0 = v.fma(a, c0); d0 = v.fma(e, d0); }
                v = FloatVector.broadcast(S, x[xo + 1]);
                c1 = v.fma(a, c1); d1 = v.fma(e, d1); c0 = v.fma(b, c0); d0 = v.fma(f, d0);
                v = FloatVector.broadcast(S, x[xo + 2]);
                c2 = v.fma(a, c2); d2 = v.fma(e, d2); c1 = v.fma(b, c1); d1 = v.fma(f, d1); c0 = v.fma(g, c0); d0 = v.fma(h, d0);
                v = FloatVector.broadcast(S, x[xo + 3]);
                c3 = v.fma(a, c3); d3 = v.fma(e, d3); c2 = v.fma(b, c2); d2 = v.fma(f, d2); c1 = v.fma(g, c1); d1 = v.fma(h, d1);
                v = FloatVector.broadcast(S, x[xo + 4]);
                c4 = v.fma(a, c4); d4 = v.fma(e, d4); c3 = v.fma(b, c3); d3 = v.fma(f, d3); c2 = v.fma(g, c2); d2 = v.fma(h, d2);
                v = FloatVector.broadcast(S, x[xo + 5]);
                c5 = v.fma(a, c5); d5 = v.fma(e, d5); c4 = v.fma(b, c4); d4 = v.fma(f, d4); c3 = v.fma(g, c3); d3 = v.fma(h, d3);
                v = FloatVector.broadcast(S, x[xo + 6]);
                c6 = v.fma(a, c6); d6 = v.fma(e, d6); c5 = v.fma(b, c5); d5 = v.fma(f, d5); c4 = v.fma(g, c4); d4 = v.fma(h, d4);
                v = FloatVector.broadcast(S, x[xo + 7]);
                c6 = v.fma(b, c6); d6 = v.fma(f, d6); c5 = v.fma(g, c5); d5 = v.fma(h, d5);
                if (last) { v = FloatVector.broadcast(S, x[xo + 8]); c6 = v.fma(g, c6); d6 = v.fma(h, d6); }
            }
        }
        // written out here: a helper taking the 14 sums, not inlined into a method this large, boxed them (5x the time)
        c0.intoArray(tile, 0); d0.intoArray(tile, 16); c1.intoArray(tile, 32); d1.intoArray(tile, 48);
        c2.intoArray(tile, 64); d2.intoArray(tile, 80); c3.intoArray(tile, 96); d3.intoArray(tile, 112);
        c4.intoArray(tile, 128); d4.intoArray(tile, 144); c5.intoArray(tile, 160); d5.intoArray(tile, 176);
        c6.intoArray(tile, 192); d6.intoArray(tile, 208);
    }

    /**
     * {@link #tileThreeTaps} at stride 2: pixel q reads columns 2q, 2q + 1 and 2q + 2 from the first, so the 15
     * columns are broadcast once each per 42 FMAs, the even ones feeding taps 0 and 2, the odd ones tap 1. Column 0
     * feeds pixel 0's first tap alone, column 14 pixel 6's last.
     */
    static void tileThreeTapsStride2(float[] x, int xAt, int channel, float[] w, int wAt, ThreeTapRows rows, boolean first, boolean last, float[] tile) {
        int[] xs = rows.x(), ws = rows.w();
        FloatVector c0 = FloatVector.zero(S), d0 = c0, c1 = c0, d1 = c0, c2 = c0, d2 = c0, c3 = c0, d3 = c0;
        FloatVector c4 = c0, d4 = c0, c5 = c0, d5 = c0, c6 = c0, d6 = c0;
        for (int i = 0; i < xs.length; i++) {
            int xo = xAt + xs[i], wo = wAt + ws[i];
            for (int ci = 0; ci < BLOCK; ci++, xo += channel, wo += OUTS) {
                FloatVector a = FloatVector.fromArray(S, w, wo), e = FloatVector.fromArray(S, w, wo + 16);
                FloatVector b = FloatVector.fromArray(S, w, wo + TAP), f = FloatVector.fromArray(S, w, wo + TAP + 16);
                FloatVector g = FloatVector.fromArray(S, w, wo + 2 * TAP), h = FloatVector.fromArray(S, w, wo + 2 * TAP + 16);
                FloatVector v;
                if (first) { v = FloatVector.broadcast(S, x[xo]); c0 = v.fma(a, c0); d0 = v.fma(e, d0); }
                v = FloatVector.broadcast(S, x[xo + 2]);
                c1 = v.fma(a, c1); d1 = v.fma(e, d1); c0 = v.fma(g, c0); d0 = v.fma(h, d0);
                v = FloatVector.broadcast(S, x[xo + 4]);
                c2 = v.fma(a, c2); d2 = v.fma(e, d2); c1 = v.fma(g, c1); d1 = v.fma(h, d1);
                v = FloatVector.broadcast(S, x[xo + 6]);
                c3 = v.fma(a, c3); d3 = v.fma(e, d3); c2 = v.fma(g, c2); d2 = v.fma(h, d2);
                v = FloatVector.broadcast(S, x[xo + 8]);
                c4 = v.fma(a, c4); d4 = v.fma(e, d4); c3 = v.fma(g, c3); d3 = v.fma(h, d3);
                v = FloatVector.broadcast(S, x[xo + 10]);
                c5 = v.fma(a, c5); d5 = v.fma(e, d5); c4 = v.fma(g, c4); d4 = v.fma(h, d4);
                v = FloatVector.broadcast(S, x[xo + 12]);
                c6 = v.fma(a, c6); d6 = v.fma(e, d6); c5 = v.fma(g, c5); d5 = v.fma(h, d5);
                if (last) { v = FloatVector.broadcast(S, x[xo + 14]); c6 = v.fma(g, c6); d6 = v.fma(h, d6); }
                int odd = xo + 1;
                v = FloatVector.broadcast(S, x[odd]); c0 = v.fma(b, c0); d0 = v.fma(f, d0);
                v = FloatVector.broadcast(S, x[odd + 2]); c1 = v.fma(b, c1); d1 = v.fma(f, d1);
                v = FloatVector.broadcast(S, x[odd + 4]); c2 = v.fma(b, c2); d2 = v.fma(f, d2);
                v = FloatVector.broadcast(S, x[odd + 6]); c3 = v.fma(b, c3); d3 = v.fma(f, d3);
                v = FloatVector.broadcast(S, x[odd + 8]); c4 = v.fma(b, c4); d4 = v.fma(f, d4);
                v = FloatVector.broadcast(S, x[odd + 10]); c5 = v.fma(b, c5); d5 = v.fma(f, d5);
                v = FloatVector.broadcast(S, x[odd + 12]); c6 = v.fma(b, c6); d6 = v.fma(f, d6);
            }
        }
        // written out here: a helper taking the 14 sums, not inlined into a method this large, boxed them (5x the time)
        c0.intoArray(tile, 0); d0.intoArray(tile, 16); c1.intoArray(tile, 32); d1.intoArray(tile, 48);
        c2.intoArray(tile, 64); d2.intoArray(tile, 80); c3.intoArray(tile, 96); d3.intoArray(tile, 112);
        c4.intoArray(tile, 128); d4.intoArray(tile, 144); c5.intoArray(tile, 160); d5.intoArray(tile, 176);
        c6.intoArray(tile, 192); d6.intoArray(tile, 208);
    }

    /** Floats between two taps' weights in a panel: 16 input channels of 32 outputs. */
    private static final int TAP = BLOCK * OUTS;

    /** A weight as the kernel reads it: element (kernel output o, kernel input c, tap t). */
    sealed interface Weights permits Weights.AsIs, Weights.TransposedFlipped {
        /** The segment that holds W. */
        MemorySegment data();

        /** The forward's W[o, c, t], in a segment at element {@code at}: each output's weights are one run. */
        record AsIs(MemorySegment data, long at) implements Weights {}

        /**
         * The input gradient's view of W, in a segment at element {@code at}: kernel output o is W's input channel,
         * kernel input c its output channel, taps reversed: element {@code at + (c*outputs + o)*taps + taps-1-t}.
         */
        record TransposedFlipped(MemorySegment data, long at) implements Weights {}
    }

    /**
     * Panel p of the weight, its 32 outputs, into {@code panels[to ...]}: step (block, tap, ci) at
     * {@code to + ((block*taps + tap)*16 + ci)*32}, the 32 outputs side by side.
     */
    private static void reorder(Weights weights, Geometry geo, Steps steps, int p, float[] panels, int to) {
        switch (weights) {
            case Weights.AsIs w -> reorderRows(w, geo, steps.stepAt(), p, panels, to);
            case Weights.TransposedFlipped w -> reorderFlipped(w, geo, steps.flippedTapAt(), p, panels, to);
        }
    }

    /**
     * The forward's W: each half of the panel's outputs, a run of blocks at a time, the 16 outputs' rows of those
     * blocks (16*taps weights a block, one run per output) are copied to a heap buffer, one bulk copy a row, then
     * transposed 16 x 16 in registers, each transposed row stored straight to its step ({@code stepAt}). Through a
     * staging block, layer4's forward took 1.08x the time, and transposed straight from W's segment, with no copy,
     * 1.08x too; copied 4 blocks (2.3 KB a row) at a time for all 32 outputs by vector moves, 1.04x.
     */
    private static void reorderRows(Weights.AsIs w, Geometry geo, int[] stepAt, int p, float[] panels, int to) {
        int taps = geo.taps(), run = BLOCK * taps, chunk = geo.reorderBlocks();
        float[] rows = ThreadBuffers.atLeast(WEIGHT_ROWS, (long) BLOCK * chunk * run);
        for (int half = 0; half < OUTS; half += BLOCK) {
            for (int b0 = 0; b0 < geo.blocks(); b0 += chunk) {
                int n = Math.min(chunk, geo.blocks() - b0), stride = n * run;
                for (int v = 0; v < BLOCK; v++) {
                    long from = (w.at() + (long) (p * OUTS + half + v) * geo.inputs() * taps + (long) b0 * run) * Float.BYTES;
                    MemorySegment.copy(w.data(), ElementAccess.F32, from, rows, v * stride, stride);
                }
                // a block's steps are its 16*taps columns (ci, t) of every row, each transposed row one step's half
                int chunkAt = to + b0 * taps * BLOCK * OUTS + half;
                for (int k0 = 0; k0 < stride; k0 += BLOCK) transpose16(rows, k0, stride, panels, chunkAt, stepAt, k0, BLOCK);
            }
        }
    }

    /**
     * The input gradient's W, transposed and flipped: for kernel input c, the panel's 32 outputs and their taps are
     * one run of W ({@code W[c][p*32 + v][t]}), so each step's 16 outputs lie at a stride of taps. The run is copied
     * to the heap in one piece and read as 16 windows of 16 floats a stride of taps apart, output v's taps first in
     * window v, transposed: transposed row t holds tap t of the 16 outputs, stored at its flipped step. Each window
     * copied on its own from W's segment, ResNet layer4's forward + input gradient took 1.04x the time; gathers at a
     * stride of taps from a heap copy of W took about 1.2 ms a thread per call (a third of the forward's time there).
     */
    private static void reorderFlipped(Weights.TransposedFlipped w, Geometry geo, int[] flippedTapAt, int p, float[] panels, int to) {
        int taps = geo.taps(), runFloats = OUTS * taps;
        // the run and the 16 floats past it that the last windows read into rows not stored (stale past W's end)
        float[] run = ThreadBuffers.atLeast(WINDOWS, runFloats + BLOCK);
        long end = w.data().byteSize() / Float.BYTES;
        for (int c = 0; c < geo.inputs(); c++) {
            long from = w.at() + ((long) c * geo.outputs() + p * OUTS) * taps;
            MemorySegment.copy(w.data(), ElementAccess.F32, from * Float.BYTES, run, 0, (int) Math.min(runFloats + BLOCK, end - from));
            int stepsAt = to + (c / BLOCK * taps * BLOCK + c % BLOCK) * OUTS;
            for (int half = 0; half < OUTS; half += BLOCK) {
                // window v: output half + v's taps from t0, then the next output's
                for (int t0 = 0; t0 < taps; t0 += BLOCK) {
                    transpose16(run, half * taps + t0, taps, panels, stepsAt + half, flippedTapAt, t0, Math.min(BLOCK, taps - t0));
                }
            }
        }
    }

    /**
     * Floats of one output's weights per copy in {@link #reorder}: a whole row at ResNet layer4 (512 channels, 3x3),
     * 16 outputs' rows 288 KiB of L2. Long runs stream faster than short ones: two threads copying 2.3 KB pieces of
     * 32 rows took twice the time of whole rows from L3.
     */
    private static final int REORDER_ROW_FLOATS = 4608;

    /** The samples' channels as {@link Planes}, sample s at {@code s * inputs * channelFloats}. */
    private static float[] planes(MemorySegment x, long xAt, long sampleStride, int samples, Geometry geo, Planes planes, boolean parallel) {
        int blocks = geo.blocks();
        long sampleFloats = (long) geo.inputs() * planes.channelFloats();
        float[] laid = ThreadBuffers.atLeast(LAID_OUT, samples * sampleFloats + SLACK);
        IntraOpPool.RangeBody body = (u0, u1) -> {
            for (int u = (int) u0; u < u1; u++) {
                int s = u / blocks, b = u % blocks;
                planeRows(x, xAt + s * sampleStride, geo, planes, laid, (int) (s * sampleFloats), b * BLOCK, (b + 1) * BLOCK, 0, planes.rows());
            }
        };
        if (parallel) IntraOpPool.parallelFor((long) samples * blocks, 1, body);
        else body.run(0, (long) samples * blocks);
        return laid;
    }

    /**
     * Rows [r0, r1) of the {@link Planes} of channels [c0, c1) of one sample, whose planes start at element
     * {@code sampleAt} of x, into {@code laid[base ...]}: one copy a channel where the planes are the input as it is,
     * else one a row, with the zeros around it.
     */
    private static void planeRows(MemorySegment x, long sampleAt, Geometry geo, Planes planes, float[] laid, int base, int c0, int c1, int r0, int r1) {
        int h = geo.h(), w = geo.w(), width = planes.width(), left = planes.left();
        boolean asIs = planes.asIs(geo);
        for (int c = c0; c < c1; c++) {
            int to = base + c * planes.channelFloats();
            long from = sampleAt + (long) c * h * w;
            if (asIs) {
                MemorySegment.copy(x, ElementAccess.F32, (from + (long) r0 * w) * Float.BYTES, laid, to + r0 * w, (r1 - r0) * w);
                continue;
            }
            for (int r = r0; r < r1; r++) {
                int i = r - planes.top(), row = to + r * width;
                if (i < 0 || i >= h) {
                    java.util.Arrays.fill(laid, row, row + width, 0f);
                    continue;
                }
                java.util.Arrays.fill(laid, row, row + left, 0f);
                MemorySegment.copy(x, ElementAccess.F32, (from + (long) i * w) * Float.BYTES, laid, row + left, w);
                java.util.Arrays.fill(laid, row + left + w, row + width, 0f);
            }
        }
    }

    /**
     * The samples' planes in blocks of 16 channels, padded and split into stride phases: padded pixel (r, q) of
     * channel b*16 + ci of sample s at {@code [s*sampleFloats + b*blockFloats + (((r % st)*st + q % st)*phaseH + r / st)*phaseW*16
     * + q / st*16 + ci]}, zeros where (r, q) is padding.
     */
    private static float[] block(MemorySegment x, long xAt, long sampleStride, int samples, Geometry geo, int[] columnAt, boolean parallel) {
        int blocks = geo.blocks();
        float[] blocked = ThreadBuffers.atLeast(LAID_OUT, (long) samples * geo.sampleFloats() + BLOCK);
        IntraOpPool.RangeBody body = (u0, u1) -> {
            for (int u = (int) u0; u < u1; u++) {
                int s = u / blocks, b = u % blocks;
                blockRows(x, xAt + s * sampleStride, b, geo, columnAt, blocked, s * geo.sampleFloats() + b * geo.blockFloats(),
                        0, geo.phaseH() * geo.stride());
            }
        };
        if (parallel) IntraOpPool.parallelFor((long) samples * blocks, 1, body);
        else body.run(0, (long) samples * blocks);
        return blocked;
    }

    /**
     * Padded rows [r0, r1) of block b of one sample, whose planes start at element {@code sampleAt} of x, into
     * {@code blocked[base ...]} as {@link #block} lays a block out, zeros where a row or a column is padding. The
     * block's input rows are copied to a heap buffer first (one run per channel), then 16 pixels of a row at a time are
     * transposed, their 16 channels one transposed row each ({@code columnAt}: where input column j goes).
     */
    private static void blockRows(MemorySegment x, long sampleAt, int b, Geometry geo, int[] columnAt, float[] blocked, int base, int r0, int r1) {
        int h = geo.h(), w = geo.w(), st = geo.stride(), pw = geo.phaseW(), phaseFloats = geo.phaseH() * pw * BLOCK;
        int i0 = Math.max(0, r0 - geo.padH()), i1 = Math.min(h, r1 - geo.padH()), channel = Math.max(0, i1 - i0) * w;
        float[] planes = ThreadBuffers.atLeast(PLANES, (long) BLOCK * channel + 1);
        for (int ci = 0; ci < BLOCK && channel > 0; ci++) {
            long from = sampleAt + ((long) (b * BLOCK + ci) * h + i0) * w;
            MemorySegment.copy(x, ElementAccess.F32, from * Float.BYTES, planes, ci * channel, channel);
        }
        int read = columnAt.length;
        for (int r = r0; r < r1; r++) {
            int i = r - geo.padH(), row = base + r % st * st * phaseFloats + r / st * pw * BLOCK;
            zeroPadding(blocked, row, geo, i);
            if (i < 0 || i >= h) continue;
            int at = (i - i0) * w, j = 0;
            // 16 pixels of a row at a time: their 16 channels, one pixel per transposed row
            for (; j + BLOCK <= read; j += BLOCK) transpose16(planes, at + j, channel, blocked, row, columnAt, j, BLOCK);
            // the last pixels as a run that overlaps the one before (rewriting the same values), not one by one
            if (j < read && read >= BLOCK) {
                transpose16(planes, at + read - BLOCK, channel, blocked, row, columnAt, read - BLOCK, BLOCK);
            } else {
                for (; j < read; j++) {
                    for (int ci = 0, e = at + j, to = row + columnAt[j]; ci < BLOCK; ci++, e += channel) blocked[to + ci] = planes[e];
                }
            }
        }
    }

    /** Zeros at every position of padded row {@code row} (input row i) that lies outside the input, in each column phase. */
    private static void zeroPadding(float[] blocked, int row, Geometry geo, int i) {
        int st = geo.stride(), pw = geo.phaseW(), phaseFloats = geo.phaseH() * pw * BLOCK;
        for (int qp = 0; qp < st; qp++) {
            int to = row + qp * phaseFloats;
            if (i < 0 || i >= geo.h()) {
                java.util.Arrays.fill(blocked, to, to + pw * BLOCK, 0f);
                continue;
            }
            for (int pc = 0; pc < pw; pc++) {
                int j = pc * st + qp - geo.padW();
                if (j < 0 || j >= geo.w()) java.util.Arrays.fill(blocked, to + pc * BLOCK, to + (pc + 1) * BLOCK, 0f);
            }
        }
    }

    /**
     * {@code dst[to + rowAt[rowsAt + q] + r] = src[at + r*stride + q]} for r < 16, q < rows: a 16 x 16 block transposed in
     * registers, each row stored where the table says, in four rounds that each swap one bit of the row index with the
     * same bit of the column index (rows r and r | bit exchange the lanes whose column has that bit set; a permute and
     * a blend per row and round).
     */
    static void transpose16(float[] src, int at, int stride, float[] dst, int to, int[] rowAt, int rowsAt, int rows) {
        FloatVector r0 = FloatVector.fromArray(S, src, at + 0 * stride);
        FloatVector r1 = FloatVector.fromArray(S, src, at + 1 * stride);
        FloatVector r2 = FloatVector.fromArray(S, src, at + 2 * stride);
        FloatVector r3 = FloatVector.fromArray(S, src, at + 3 * stride);
        FloatVector r4 = FloatVector.fromArray(S, src, at + 4 * stride);
        FloatVector r5 = FloatVector.fromArray(S, src, at + 5 * stride);
        FloatVector r6 = FloatVector.fromArray(S, src, at + 6 * stride);
        FloatVector r7 = FloatVector.fromArray(S, src, at + 7 * stride);
        FloatVector r8 = FloatVector.fromArray(S, src, at + 8 * stride);
        FloatVector r9 = FloatVector.fromArray(S, src, at + 9 * stride);
        FloatVector r10 = FloatVector.fromArray(S, src, at + 10 * stride);
        FloatVector r11 = FloatVector.fromArray(S, src, at + 11 * stride);
        FloatVector r12 = FloatVector.fromArray(S, src, at + 12 * stride);
        FloatVector r13 = FloatVector.fromArray(S, src, at + 13 * stride);
        FloatVector r14 = FloatVector.fromArray(S, src, at + 14 * stride);
        FloatVector r15 = FloatVector.fromArray(S, src, at + 15 * stride);
        FloatVector x, y;
        x = r0; y = r1; r0 = x.blend(y.rearrange(UP0), HIGH0); r1 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r2; y = r3; r2 = x.blend(y.rearrange(UP0), HIGH0); r3 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r4; y = r5; r4 = x.blend(y.rearrange(UP0), HIGH0); r5 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r6; y = r7; r6 = x.blend(y.rearrange(UP0), HIGH0); r7 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r8; y = r9; r8 = x.blend(y.rearrange(UP0), HIGH0); r9 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r10; y = r11; r10 = x.blend(y.rearrange(UP0), HIGH0); r11 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r12; y = r13; r12 = x.blend(y.rearrange(UP0), HIGH0); r13 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r14; y = r15; r14 = x.blend(y.rearrange(UP0), HIGH0); r15 = x.rearrange(DOWN0).blend(y, HIGH0);
        x = r0; y = r2; r0 = x.blend(y.rearrange(UP1), HIGH1); r2 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r1; y = r3; r1 = x.blend(y.rearrange(UP1), HIGH1); r3 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r4; y = r6; r4 = x.blend(y.rearrange(UP1), HIGH1); r6 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r5; y = r7; r5 = x.blend(y.rearrange(UP1), HIGH1); r7 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r8; y = r10; r8 = x.blend(y.rearrange(UP1), HIGH1); r10 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r9; y = r11; r9 = x.blend(y.rearrange(UP1), HIGH1); r11 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r12; y = r14; r12 = x.blend(y.rearrange(UP1), HIGH1); r14 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r13; y = r15; r13 = x.blend(y.rearrange(UP1), HIGH1); r15 = x.rearrange(DOWN1).blend(y, HIGH1);
        x = r0; y = r4; r0 = x.blend(y.rearrange(UP2), HIGH2); r4 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r1; y = r5; r1 = x.blend(y.rearrange(UP2), HIGH2); r5 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r2; y = r6; r2 = x.blend(y.rearrange(UP2), HIGH2); r6 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r3; y = r7; r3 = x.blend(y.rearrange(UP2), HIGH2); r7 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r8; y = r12; r8 = x.blend(y.rearrange(UP2), HIGH2); r12 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r9; y = r13; r9 = x.blend(y.rearrange(UP2), HIGH2); r13 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r10; y = r14; r10 = x.blend(y.rearrange(UP2), HIGH2); r14 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r11; y = r15; r11 = x.blend(y.rearrange(UP2), HIGH2); r15 = x.rearrange(DOWN2).blend(y, HIGH2);
        x = r0; y = r8; r0 = x.blend(y.rearrange(UP3), HIGH3); r8 = x.rearrange(DOWN3).blend(y, HIGH3);
        x = r1; y = r9; r1 = x.blend(y.rearrange(UP3), HIGH3); r9 = x.rearrange(DOWN3).blend(y, HIGH3);
        x = r2; y = r10; r2 = x.blend(y.rearrange(UP3), HIGH3); r10 = x.rearrange(DOWN3).blend(y, HIGH3);
        x = r3; y = r11; r3 = x.blend(y.rearrange(UP3), HIGH3); r11 = x.rearrange(DOWN3).blend(y, HIGH3);
        x = r4; y = r12; r4 = x.blend(y.rearrange(UP3), HIGH3); r12 = x.rearrange(DOWN3).blend(y, HIGH3);
        x = r5; y = r13; r5 = x.blend(y.rearrange(UP3), HIGH3); r13 = x.rearrange(DOWN3).blend(y, HIGH3);
        x = r6; y = r14; r6 = x.blend(y.rearrange(UP3), HIGH3); r14 = x.rearrange(DOWN3).blend(y, HIGH3);
        x = r7; y = r15; r7 = x.blend(y.rearrange(UP3), HIGH3); r15 = x.rearrange(DOWN3).blend(y, HIGH3);
        // the rows a caller takes are a prefix: the input gradient's windows hold fewer taps than 16
        r0.intoArray(dst, to + rowAt[rowsAt]);
        if (rows > 1) r1.intoArray(dst, to + rowAt[rowsAt + 1]);
        if (rows > 2) r2.intoArray(dst, to + rowAt[rowsAt + 2]);
        if (rows > 3) r3.intoArray(dst, to + rowAt[rowsAt + 3]);
        if (rows > 4) r4.intoArray(dst, to + rowAt[rowsAt + 4]);
        if (rows > 5) r5.intoArray(dst, to + rowAt[rowsAt + 5]);
        if (rows > 6) r6.intoArray(dst, to + rowAt[rowsAt + 6]);
        if (rows > 7) r7.intoArray(dst, to + rowAt[rowsAt + 7]);
        if (rows > 8) r8.intoArray(dst, to + rowAt[rowsAt + 8]);
        if (rows > 9) r9.intoArray(dst, to + rowAt[rowsAt + 9]);
        if (rows > 10) r10.intoArray(dst, to + rowAt[rowsAt + 10]);
        if (rows > 11) r11.intoArray(dst, to + rowAt[rowsAt + 11]);
        if (rows > 12) r12.intoArray(dst, to + rowAt[rowsAt + 12]);
        if (rows > 13) r13.intoArray(dst, to + rowAt[rowsAt + 13]);
        if (rows > 14) r14.intoArray(dst, to + rowAt[rowsAt + 14]);
        if (rows > 15) r15.intoArray(dst, to + rowAt[rowsAt + 15]);
    }

    /**
     * Round b's permutes and mask: {@code UPb} moves lane c - bit to lane c, {@code DOWNb} lane c + bit to lane c (each
     * where that lane exists, lane c itself elsewhere); {@code HIGHb} is set on the lanes whose index has bit b. So row
     * r (bit clear) keeps x[c] and takes y[c - bit] where c has the bit, and row r | bit takes x[c + bit] and keeps y[c]:
     * a permute and a blend each, where a two-vector rearrange costs two permutes, a blend and the check of its indices.
     */
    private static final VectorShuffle<Float> UP0 = shift(0, -1), DOWN0 = shift(0, 1), UP1 = shift(1, -1), DOWN1 = shift(1, 1),
            UP2 = shift(2, -1), DOWN2 = shift(2, 1), UP3 = shift(3, -1), DOWN3 = shift(3, 1);
    private static final VectorMask<Float> HIGH0 = high(0), HIGH1 = high(1), HIGH2 = high(2), HIGH3 = high(3);

    private static VectorShuffle<Float> shift(int b, int direction) {
        int bit = 1 << b;
        int[] index = new int[BLOCK];
        for (int c = 0; c < BLOCK; c++) {
            boolean set = (c & bit) != 0;
            index[c] = direction < 0 ? (set ? c - bit : c) : (set ? c : c + bit);
        }
        return VectorShuffle.fromArray(S, index, 0);
    }

    private static VectorMask<Float> high(int b) {
        boolean[] set = new boolean[BLOCK];
        for (int c = 0; c < BLOCK; c++) set[c] = (c & (1 << b)) != 0;
        return VectorMask.fromArray(S, set, 0);
    }

    /**
     * The steps of a tile, each a (block, tap) with its x and w offsets and its kind, an {@link Edge} ordinal: whether
     * it leaves out pixel 0 (its tap reads the left padding for that pixel alone), pixel 6 (the right padding), or
     * neither. Taps that read padding for other pixels are summed whole, over the zeros. The steps keep the weight's
     * order: sorted by kind, a tile read its 590 KB panel at layer4 as three interleaved streams and ran 1.12x slower.
     */
    record StepList(int[] x, int[] w, byte[] kinds) {}

    /**
     * The kernel rows of a tile of a kernel three taps wide, each a (block, kernel row): the x offset, in
     * {@link Planes}, of the column its pixel 0's first tap reads in the block's first channel, from output pixel
     * (0, 0)'s tile, and the w offset of that tap.
     */
    record ThreeTapRows(int[] x, int[] w) {}

    /**
     * The input as kernels three taps wide read it: each channel of a sample a plane of {@code rows} x {@code width}
     * floats, input pixel (i, j) at row {@code top + i}, column {@code left + j}, zeros around. Where the tiles read
     * no padding but the columns their first and last flags leave out, the planes are the input as it is (no border:
     * one copy a channel, no transposes); a channel's plane {@link #channelFloats} floats from the next.
     */
    record Planes(int top, int left, int rows, int width) {
        int channelFloats() { return rows * width; }
        boolean asIs(Geometry geo) { return top == 0 && left == 0 && rows == geo.h() && width == geo.w(); }
    }

    /** Floats past a laid-out input that a tile's pixels past the row's end may read (their sums are not stored). */
    private static final int SLACK = 4 * TILE * BLOCK;

    /**
     * The steps of one geometry: output row oh reads kernel rows [lo, hi) that fall inside the input (the others read
     * only padding and are skipped), {@code rowClass[oh]} names them; where column k of the reorder's rows (block
     * k / run of its chunk, then ci, t) goes from the chunk's first step ({@code stepAt}); where the input gradient's
     * tap t goes from its block's first step, the taps reversed ({@code flippedTapAt}); and how tiles read the input.
     */
    private record Steps(Geometry geo, int[] rowClass, int[] stepAt, int[] flippedTapAt, Layout layout) {}

    /** How a geometry's tiles read the input: each layout with the tables it alone uses. */
    private sealed interface Layout permits Blocked, Planar {}

    /**
     * 16-channel blocks in stride phases, read by {@link #tile}: tile t of a row reads the padding on its left or right
     * edge as {@code columnClass[t]} names, its steps {@code lists[rowClass][columnClass]}; input column j goes to
     * {@code columnAt[j]} from its row's start in the blocked copy, for the columns that tiles read (a prefix: the
     * phase column grows with j).
     */
    private record Blocked(StepList[][] lists, int[] columnClass, int[] columnAt) implements Layout {}

    /**
     * The input's own {@link Planes}, read by the three-tap kernels: {@code rows[rowClass]}, and whether tile t's
     * pixel 0 reads its first column and pixel 6 its last inside the input ({@code firstColumn[t]}, {@code lastColumn[t]}).
     */
    private record Planar(ThreeTapRows[] rows, boolean[] firstColumn, boolean[] lastColumn, Planes planes) implements Layout {}

    /** A class of output rows: the kernel rows [lo, hi) that fall inside the input. */
    private record KernelRows(int lo, int hi) {}

    /** The steps of recent geometries: a training step alternates a layer's forward and its input gradient. */
    private static Steps steps(Geometry geo) {
        Steps[] recent = STEPS.get();
        for (Steps r : recent) {
            if (r != null && r.geo().equals(geo)) return r;
        }
        Steps steps = stepsOf(geo);
        System.arraycopy(recent, 0, recent, 1, recent.length - 1);
        recent[0] = steps;
        return steps;
    }

    /** Which pixel of a tile a kernel column leaves out: its tap reads the padding there. Ordinals are the step kinds. */
    enum Edge { NONE, FIRST, LAST }

    private static Steps stepsOf(Geometry geo) {
        int kH = geo.kH(), taps = geo.taps(), run = BLOCK * taps;
        int[] rowClass = new int[geo.outH()];
        java.util.List<KernelRows> rows = new java.util.ArrayList<>();
        for (int oh = 0; oh < geo.outH(); oh++) {
            int top = oh * geo.stride() - geo.padH();
            int lo = Math.min(kH, Math.max(0, -top));
            var kernelRows = new KernelRows(lo, Math.max(lo, Math.min(kH, geo.h() - top)));
            int cls = rows.indexOf(kernelRows);
            if (cls < 0) { cls = rows.size(); rows.add(kernelRows); }
            rowClass[oh] = cls;
        }
        int[] stepAt = new int[geo.reorderBlocks() * run];
        for (int k = 0; k < stepAt.length; k++) stepAt[k] = ((k / run * taps + k % taps) * BLOCK + k % run / taps) * OUTS;
        int[] flippedTapAt = new int[taps];
        for (int t = 0; t < taps; t++) flippedTapAt[t] = (taps - 1 - t) * BLOCK * OUTS;
        return new Steps(geo, rowClass, stepAt, flippedTapAt, geo.kW() == 3 ? planar(geo, rows) : blocked(geo, rows));
    }

    /** The three-tap kernels' layout: the input's planes, as they are where no tile reads padding. */
    private static Planar planar(Geometry geo, java.util.List<KernelRows> rows) {
        int tiles = geo.tilesPerRow(), st = geo.stride(), kW = geo.kW();
        boolean[] firstColumn = new boolean[tiles], lastColumn = new boolean[tiles];
        // pixel 0's first tap and pixel 6's last: whether the column each reads (alone) lies inside the input
        for (int t = 0; t < tiles; t++) {
            int left = t * TILE * st - geo.padW(), right = (t * TILE + TILE - 1) * st - geo.padW() + kW - 1;
            firstColumn[t] = left >= 0 && left < geo.w();
            lastColumn[t] = right >= 0 && right < geo.w();
        }
        Planes planes = readsInsideOnly(geo, firstColumn, lastColumn) ? new Planes(0, 0, geo.h(), geo.w())
                : new Planes(geo.padH(), geo.padW(), Math.max(geo.h() + 2 * geo.padH(), (geo.outH() - 1) * st + geo.kH()),
                             Math.max(geo.w() + 2 * geo.padW(), (tiles * TILE - 1) * st + kW));
        ThreeTapRows[] threeTapRows = new ThreeTapRows[rows.size()];
        for (int r = 0; r < rows.size(); r++) threeTapRows[r] = threeTapRows(geo, planes, rows.get(r));
        return new Planar(threeTapRows, firstColumn, lastColumn, planes);
    }

    /** {@link #tile}'s layout: per tile, each kernel column's edge (tiles with the same edges share lists). */
    private static Blocked blocked(Geometry geo, java.util.List<KernelRows> rows) {
        int tiles = geo.tilesPerRow();
        java.util.List<java.util.List<Edge>> columns = new java.util.ArrayList<>();
        int[] columnClass = new int[tiles];
        boolean edgesPay = edgesPay(geo);
        for (int t = 0; t < tiles; t++) {
            java.util.List<Edge> edges = new java.util.ArrayList<>();
            for (int kj = 0; kj < geo.kW(); kj++) edges.add(edgesPay ? edge(geo, t * TILE, kj) : Edge.NONE);
            int cls = columns.indexOf(edges);
            if (cls < 0) { cls = columns.size(); columns.add(edges); }
            columnClass[t] = cls;
        }
        StepList[][] lists = new StepList[rows.size()][columns.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++) lists[r][c] = stepList(geo, rows.get(r), columns.get(c));
        }
        int st = geo.stride(), phaseFloats = geo.phaseH() * geo.phaseW() * BLOCK, read = 0;
        while (read < geo.w() && (read + geo.padW()) / st < geo.phaseW()) read++;
        int[] columnAt = new int[read];
        for (int j = 0; j < read; j++) {
            int col = j + geo.padW();
            columnAt[j] = col % st * phaseFloats + col / st * BLOCK;
        }
        return new Blocked(lists, columnClass, columnAt);
    }

    /**
     * Whether {@link #tile}'s edge steps pay: the pixel-taps they leave out are at least 1/32 of a row's. They cost more
     * than the FMAs they save otherwise: a tile with edge steps ran at about 0.8x the speed of one without in a
     * stand-alone loop (ResNet layer2's strided 3x3, one of four tiles a row with a first-pixel edge, 1.2% of its
     * pixel-taps left out), while at layer4 (one tile a row, 9.5% left out) they took the forward to 0.90x the time;
     * both measured before 3x3 kernels went to {@link #tileThreeTaps}, whose edges cost nothing.
     */
    static boolean edgesPay(Geometry geo) {
        int tiles = geo.tilesPerRow(), skipped = 0;
        for (int t = 0; t < tiles; t++) {
            for (int kj = 0; kj < geo.kW(); kj++) skipped += edge(geo, t * TILE, kj) == Edge.NONE ? 0 : 1;
        }
        return skipped * 32 >= tiles * TILE * geo.kW();
    }

    /** Whether kernel column kj reads padding for the first pixel of the tile at ow alone, or for the last alone. */
    private static Edge edge(Geometry geo, int ow, int kj) {
        boolean[] inside = new boolean[TILE];
        for (int q = 0; q < TILE; q++) {
            int col = (ow + q) * geo.stride() - geo.padW() + kj;
            inside[q] = ow + q < geo.outW() && col >= 0 && col < geo.w();
        }
        boolean restInside = true;
        for (int q = 1; q < TILE - 1; q++) restInside &= inside[q];
        if (restInside && !inside[0] && inside[TILE - 1]) return Edge.FIRST;
        if (restInside && inside[0] && !inside[TILE - 1]) return Edge.LAST;
        return Edge.NONE;
    }

    /** Kernel rows [lo, hi) of every block for {@link #tileThreeTaps}, in the weight's order. */
    private static ThreeTapRows threeTapRows(Geometry geo, Planes planes, KernelRows kernelRows) {
        int lo = kernelRows.lo(), hi = kernelRows.hi(), n = geo.blocks() * (hi - lo), i = 0;
        int[] xs = new int[n], ws = new int[n];
        for (int b = 0; b < geo.blocks(); b++) {
            for (int ki = lo; ki < hi; ki++, i++) {
                xs[i] = b * BLOCK * planes.channelFloats() + (ki - geo.padH() + planes.top()) * planes.width() + planes.left() - geo.padW();
                ws[i] = (b * geo.taps() + ki * geo.kW()) * TAP;
            }
        }
        return new ThreeTapRows(xs, ws);
    }

    /**
     * Whether every column a tile's pixels read lies inside the input, but those its first and last flags leave out:
     * then the kernel rows that fall in the input read no padding, and {@link Planes} may be the input as it is. Pixels
     * past the row's end are not stored, so what they read does not count.
     */
    private static boolean readsInsideOnly(Geometry geo, boolean[] firstColumn, boolean[] lastColumn) {
        for (int t = 0; t < geo.tilesPerRow(); t++) {
            for (int q = 0; q < TILE && t * TILE + q < geo.outW(); q++) {
                for (int kj = 0; kj < geo.kW(); kj++) {
                    if (q == 0 && kj == 0 && !firstColumn[t] || q == TILE - 1 && kj == geo.kW() - 1 && !lastColumn[t]) continue;
                    int col = (t * TILE + q) * geo.stride() - geo.padW() + kj;
                    if (col < 0 || col >= geo.w()) return false;
                }
            }
        }
        return true;
    }

    /** Kernel rows [lo, hi) of every block, in the order the weight is stored, so that a tile reads it as one stream. */
    private static StepList stepList(Geometry geo, KernelRows kernelRows, java.util.List<Edge> edges) {
        int lo = kernelRows.lo(), hi = kernelRows.hi(), n = geo.blocks() * (hi - lo) * geo.kW(), i = 0;
        int[] xs = new int[n], ws = new int[n];
        byte[] kinds = new byte[n];
        for (int b = 0; b < geo.blocks(); b++) {
            for (int ki = lo; ki < hi; ki++) {
                for (int kj = 0; kj < geo.kW(); kj++, i++) {
                    xs[i] = b * geo.blockFloats() + geo.tapOffset(ki, kj);
                    ws[i] = (b * geo.taps() + ki * geo.kW() + kj) * BLOCK * OUTS;
                    kinds[i] = (byte) edges.get(kj).ordinal();
                }
            }
        }
        return new StepList(xs, ws, kinds);
    }
}
