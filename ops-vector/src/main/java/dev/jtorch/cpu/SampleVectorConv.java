package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The input gradient of a stride-1 convolution with few output channels, for V samples at once with the <b>samples
 * in the vector lanes</b>. LeNet conv2's other form is {@code cols = W^T @ dy} then col2im: a reduction of only 16
 * per column (its output channels), each result stored, read back and folded. Here every lane runs the definition's
 * gather {@code dx[c, iy, ix] = sum W[o, c, ki, kj] * dy[o, iy + pH - ki*dH, ix + pW - kj*dW]} over the (o, ki, kj)
 * that reach it, so an accumulator sums up to O*kH*kW products and is stored once.
 * <ul>
 *   <li>a register tile is 2 input channels x 4 columns of one dx row: 8 accumulators; per (ki, kj, o) four dy
 *       vectors load and two weights broadcast. An odd channel count's last channel pairs with one whose results are dropped;
 *   <li>rows are exact (only the ki whose dy row exists); columns read dy rows padded with zeros, and a tile runs the
 *       union of its columns' kj, so at LeNet conv2's 14 columns 50 of 64 lane steps count. A zero times an
 *       infinite weight would be NaN where the definition has no term, so such weights are left to the other form;
 *   <li>dy is laid out [oy][o][x][lane] and dx [c][iy][ix][lane] per V samples: 2.8 K floats moved per sample
 *       against LeNet conv2's 240 K multiply-adds.
 * </ul>
 */
final class SampleVectorConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** dx columns per register tile; with two channels, 8 accumulators. */
    private static final int COLUMNS = 4;

    private static final ThreadLocal<float[]> DY_LANES = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> DX_LANES = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PLANE = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> WEIGHT_COLUMNS = ThreadBuffers.floats();

    private SampleVectorConv() {}

    /**
     * Where the gather beats W^T @ dy with col2im: a whole vector of samples, stride 1, a padding within the kernel's
     * reach (every dx row then has a dy row), and a short reduction over output channels (at most 16 per group).
     */
    static boolean suitsInputGradient(ConvolutionKernels.Shape s) {
        Window2d win = s.win();
        return s.n() >= V && win.strideH() == 1 && win.strideW() == 1 && s.outPerGroup() <= 16 && s.pixels() > 1
                && !s.pointwise()
                && win.padH() <= win.dilationH() * (win.kernelH() - 1) && win.padW() <= win.dilationW() * (win.kernelW() - 1);
    }

    /** The sizes of one group's gather and of its lane-major buffers. */
    record Geometry(int cg, int h, int w, int og, int outH, int outW, int kH, int kW, int padH, int padW, int dH, int dW) {
        static Geometry of(ConvolutionKernels.Shape s) {
            Window2d win = s.win();
            return new Geometry(s.channelsPerGroup(), s.h(), s.w(), s.outPerGroup(), (int) win.outH(), (int) win.outW(),
                    win.kernelH(), win.kernelW(), win.padH(), win.padW(), win.dilationH(), win.dilationW());
        }

        /** A dx row in the lane buffer: whole tiles of columns. */
        int dxRow() { return Math.ceilDiv(w, COLUMNS) * COLUMNS; }
        /** Where dy column 0 sits in its padded row: a tile at column 0 reads back to kj = kW - 1. */
        int dyShift() { return (kW - 1) * dW - padW; }
        /** A padded dy row: every column a tile reads. */
        int dyRow() { return dxRow() + (kW - 1) * dW; }
        int dyFloats() { return outH * og * dyRow() * V; }
        /** Input channels rounded up to whole pairs: an odd count's last tile computes one more plane, dropped. */
        int pairedChannels() { return cg + cg % 2; }
        /** One group's W^T with the paired channels: rows (c, ki, kj) of O/g weights. */
        int weightColumns() { return pairedChannels() * kH * kW * og; }
        int dxFloats() { return pairedChannels() * h * dxRow() * V; }
    }

    /**
     * dx = the input gradient of every sample, groups of V samples in parallel; false (nothing written) where the
     * weight holds an infinity or NaN. {@code k} is the whole weight, O x C/g x kH x kW.
     */
    static boolean inputGradient(ConvolutionKernels.Shape s, MemorySegment dy, long dyOff, float[] k, MemorySegment dx, long dxOff) {
        int weights = s.o() * s.patch();
        for (int i = 0; i < weights; i++) {
            if (!Float.isFinite(k[i])) return false;
        }
        Geometry geo = Geometry.of(s);
        int og = geo.og(), patch = s.patch(), groups = s.groups(), perGroup = geo.weightColumns();
        // per group, W^T: row (c, ki, kj) holds the O/g weights a tile step broadcasts, one after the other. The rows
        // of the channel that pairs an odd count's last keep whatever they held: its plane is never written back
        float[] columns = ThreadBuffers.atLeast(WEIGHT_COLUMNS, (long) groups * perGroup);
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < og; o++) {
                for (int t = 0; t < patch; t++) columns[g * perGroup + t * og + o] = k[(g * og + o) * patch + t];
            }
        }
        int blocks = Math.ceilDiv(s.n(), V);
        IntraOpPool.parallelFor((long) blocks * groups, 1, (i0, i1) -> {
            float[] dyLanes = ThreadBuffers.atLeast(DY_LANES, geo.dyFloats());
            float[] dxLanes = ThreadBuffers.atLeast(DX_LANES, geo.dxFloats());
            float[] plane = ThreadBuffers.atLeast(PLANE, Math.max((long) geo.outH() * geo.outW(), (long) geo.h() * geo.w()));
            for (long item = i0; item < i1; item++) {
                int first = (int) (item / groups) * V, g = (int) (item % groups), samples = Math.min(V, s.n() - first);
                toLanes(s, geo, dy, dyOff, first, samples, g, plane, dyLanes);
                gather(geo, dyLanes, columns, g * perGroup, dxLanes);
                fromLanes(s, geo, dxLanes, first, samples, g, plane, dx, dxOff);
            }
        });
        return true;
    }

    /** dyLanes[((oy*og + o)*dyRow + dyShift + ox)*V + lane] = dy[first + lane, g*og + o, oy, ox]; zero elsewhere. */
    private static void toLanes(ConvolutionKernels.Shape s, Geometry geo, MemorySegment dy, long dyOff, int first, int samples,
                                int g, float[] plane, float[] dyLanes) {
        int og = geo.og(), outH = geo.outH(), outW = geo.outW(), row = geo.dyRow(), shift = geo.dyShift(), pixels = outH * outW;
        if (samples < V) {
            java.util.Arrays.fill(dyLanes, 0, geo.dyFloats(), 0f);
        } else {
            // the padding columns only: every lane of every other element is written below
            for (int r = 0; r < outH * og; r++) {
                java.util.Arrays.fill(dyLanes, r * row * V, (r * row + shift) * V, 0f);
                java.util.Arrays.fill(dyLanes, (r * row + shift + outW) * V, (r + 1) * row * V, 0f);
            }
        }
        for (int lane = 0; lane < samples; lane++) {
            for (int o = 0; o < og; o++) {
                long from = dyOff + ((long) (first + lane) * s.o() + (long) g * og + o) * pixels;
                MemorySegment.copy(dy, ElementAccess.F32, from * Float.BYTES, plane, 0, pixels);
                for (int oy = 0; oy < outH; oy++) {
                    int to = ((oy * og + o) * row + shift) * V + lane;
                    for (int ox = 0; ox < outW; ox++) dyLanes[to + ox * V] = plane[oy * outW + ox];
                }
            }
        }
    }

    /** dx[first + lane, g*cg + c, iy, ix] = dxLanes[((c*h + iy)*dxRow + ix)*V + lane], for the batch's samples only. */
    private static void fromLanes(ConvolutionKernels.Shape s, Geometry geo, float[] dxLanes, int first, int samples, int g,
                                  float[] plane, MemorySegment dx, long dxOff) {
        int h = geo.h(), w = geo.w(), row = geo.dxRow();
        for (int lane = 0; lane < samples; lane++) {
            for (int c = 0; c < geo.cg(); c++) {
                for (int iy = 0; iy < h; iy++) {
                    int from = ((c * h + iy) * row) * V + lane;
                    for (int ix = 0; ix < w; ix++) plane[iy * w + ix] = dxLanes[from + ix * V];
                }
                long to = s.inputOffset(dxOff, first + lane, g) + (long) c * h * w;
                MemorySegment.copy(plane, 0, dx, ElementAccess.F32, to * Float.BYTES, h * w);
            }
        }
    }

    /**
     * Every dx element of one group and V samples, tile by tile, channels in pairs; {@code wt} is the group's W^T
     * ({@link Geometry#weightColumns}).
     */
    static void gather(Geometry geo, float[] dyLanes, float[] wt, int wAt, float[] dxLanes) {
        for (int iy = 0; iy < geo.h(); iy++) {
            // ki reaches dy row oy = iy + pH - ki*dH in [0, outH)
            int kiLo = Math.max(0, Math.ceilDiv(iy + geo.padH() - geo.outH() + 1, geo.dH()));
            int kiHi = Math.min(geo.kH() - 1, Math.floorDiv(iy + geo.padH(), geo.dH()));
            for (int ix0 = 0; ix0 < geo.w(); ix0 += COLUMNS) {
                // the kj for which some column of the tile has ox = ix + pW - kj*dW in [0, outW)
                int last = Math.min(ix0 + COLUMNS, geo.w()) - 1;
                int kjLo = Math.max(0, Math.ceilDiv(ix0 + geo.padW() - geo.outW() + 1, geo.dW()));
                int kjHi = Math.min(geo.kW() - 1, Math.floorDiv(last + geo.padW(), geo.dW()));
                for (int c = 0; c < geo.pairedChannels(); c += 2) twoChannels(geo, dyLanes, wt, wAt, dxLanes, c, iy, ix0, kiLo, kiHi, kjLo, kjHi);
            }
        }
    }

    private static void twoChannels(Geometry geo, float[] dyLanes, float[] wt, int wAt, float[] dxLanes,
                                    int c, int iy, int ix0, int kiLo, int kiHi, int kjLo, int kjHi) {
        int og = geo.og(), kW = geo.kW(), dyRow = geo.dyRow(), oStep = dyRow * V, nextChannel = geo.kH() * kW * og;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int ki = kiLo; ki <= kiHi; ki++) {
            int oy = iy + geo.padH() - ki * geo.dH();
            for (int kj = kjLo; kj <= kjHi; kj++) {
                int d = ((oy * og) * dyRow + ix0 + (kW - 1 - kj) * geo.dW()) * V;
                int w = wAt + ((c * geo.kH() + ki) * kW + kj) * og;
                for (int o = 0; o < og; o++, d += oStep, w++) {
                    FloatVector y0 = FloatVector.fromArray(S, dyLanes, d), y1 = FloatVector.fromArray(S, dyLanes, d + V);
                    FloatVector y2 = FloatVector.fromArray(S, dyLanes, d + 2 * V), y3 = FloatVector.fromArray(S, dyLanes, d + 3 * V);
                    FloatVector u = FloatVector.broadcast(S, wt[w]), v = FloatVector.broadcast(S, wt[w + nextChannel]);
                    a0 = u.fma(y0, a0); a1 = u.fma(y1, a1); a2 = u.fma(y2, a2); a3 = u.fma(y3, a3);
                    b0 = v.fma(y0, b0); b1 = v.fma(y1, b1); b2 = v.fma(y2, b2); b3 = v.fma(y3, b3);
                }
            }
        }
        int at = ((c * geo.h() + iy) * geo.dxRow() + ix0) * V, next = geo.h() * geo.dxRow() * V;
        a0.intoArray(dxLanes, at); a1.intoArray(dxLanes, at + V); a2.intoArray(dxLanes, at + 2 * V); a3.intoArray(dxLanes, at + 3 * V);
        b0.intoArray(dxLanes, at + next); b1.intoArray(dxLanes, at + next + V);
        b2.intoArray(dxLanes, at + next + 2 * V); b3.intoArray(dxLanes, at + next + 3 * V);
    }
}
