package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * The weight gradient of one sample and group at stride 1 with <b>output rows in the vector lanes</b>, the adjoint
 * of {@link DirectConv}: {@code dW[o, t] += sum over (oh, ow) of dy[o, oh, ow] * xp[c, oh + ki*dH, ow + kj*dW]} for
 * tap t = (c, ki, kj), both factors contiguous slices of a row: dy's rows padded with zeros to whole vectors, and
 * {@link DirectConv}'s zero-padded input, whose last vector in each row is blended with zeros past the output's
 * width. For wide rows and few channels (LeNet conv1: 28-wide rows, 6 channels) this fills more lanes than
 * {@link ChannelVectorConv}'s channel vectors, and loads whole vectors where that broadcasts one input per tap.
 * A register tile is 2 output channels x 4 taps; channels are padded to even with a zero plane and taps to a
 * multiple of 4 with a repeat of tap 0, whose sums are dropped.
 */
final class DirectWeightGrad {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final LaneFolds<Float> FOLDS = LaneFolds.of(S);
    private static final ThreadLocal<float[]> ROWS = ThreadBuffers.floats();
    private static final ThreadLocal<int[]> TAP_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);

    private DirectWeightGrad() {}

    /** Where rows fill the lanes better than channels do: the forward's choice ({@link ChannelVectorConv#suits}). */
    static boolean suits(Window2d win, int outPerGroup, int patch) {
        return DirectConv.suits(win, outPerGroup) && !ChannelVectorConv.suits(win, outPerGroup, patch);
    }

    /**
     * {@code sums[at + o*K + t] += } the gradient of one sample and group: input planes (cg x h x w) contiguous at
     * element xAt of x, dy's og planes contiguous at element dyAt.
     */
    static void accumulate(MemorySegment x, long xAt, int cg, int h, int w, Window2d win, MemorySegment dy, long dyAt, int og,
                           float[] sums, int at) {
        int outH = (int) win.outH(), outW = (int) win.outW(), kH = win.kernelH(), kW = win.kernelW();
        int dH = win.dilationH(), dW = win.dilationW();
        int hp = outH + (kH - 1) * dH, rw = Math.ceilDiv(outW, V) * V, wp = rw + (kW - 1) * dW;
        float[] xp = DirectConv.padded(x, xAt, cg, h, w, win.padH(), win.padW(), hp, wp);
        int pairs = Math.ceilDiv(og, 2), plane = outH * rw;
        float[] g = rowsOf(dy, dyAt, og, pairs * 2, outH, outW, rw);
        int patch = cg * kH * kW, quads = Math.ceilDiv(patch, 4);
        int[] taps = tapOffsets(cg, hp, wp, kH, kW, dH, dW, quads * 4);
        for (int pair = 0; pair < pairs; pair++) {
            int o = 2 * pair;
            for (int q = 0; q < quads; q++) {
                int t = 4 * q;
                tile(xp, wp, taps[t], taps[t + 1], taps[t + 2], taps[t + 3], g, o * plane, (o + 1) * plane, rw, outW, outH,
                        sums, at, o, og, t, patch);
            }
        }
    }

    /** Channels o, o+1 against taps t..t+3 over every pixel; sums of the padding channel and taps are dropped. */
    private static void tile(float[] xp, int wp, int x0, int x1, int x2, int x3, float[] g, int g0, int g1, int rw, int outW,
                             int outH, float[] sums, int at, int o, int og, int t, int patch) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        int full = outW / V * V;
        // the last vector of a row keeps only the lanes inside the output: past it, the input (which other taps do
        // use) times dy's zeros would still give NaN for an infinite input
        VectorMask<Float> inside = S.indexInRange(full, outW);
        FloatVector zero = FloatVector.zero(S);
        // columns outermost, rows inner: each inner loop walks its arrays at a fixed pitch
        for (int v = 0; v < full; v += V) {
            for (int oh = 0, xRow = v, gRow = v; oh < outH; oh++, xRow += wp, gRow += rw) {
                FloatVector d0 = FloatVector.fromArray(S, g, g0 + gRow), d1 = FloatVector.fromArray(S, g, g1 + gRow);
                FloatVector a0 = FloatVector.fromArray(S, xp, x0 + xRow), a1 = FloatVector.fromArray(S, xp, x1 + xRow);
                FloatVector a2 = FloatVector.fromArray(S, xp, x2 + xRow), a3 = FloatVector.fromArray(S, xp, x3 + xRow);
                s00 = d0.fma(a0, s00); s01 = d0.fma(a1, s01); s02 = d0.fma(a2, s02); s03 = d0.fma(a3, s03);
                s10 = d1.fma(a0, s10); s11 = d1.fma(a1, s11); s12 = d1.fma(a2, s12); s13 = d1.fma(a3, s13);
            }
        }
        if (full < rw) {
            for (int oh = 0, xRow = full, gRow = full; oh < outH; oh++, xRow += wp, gRow += rw) {
                FloatVector d0 = FloatVector.fromArray(S, g, g0 + gRow), d1 = FloatVector.fromArray(S, g, g1 + gRow);
                FloatVector a0 = zero.blend(FloatVector.fromArray(S, xp, x0 + xRow), inside);
                FloatVector a1 = zero.blend(FloatVector.fromArray(S, xp, x1 + xRow), inside);
                FloatVector a2 = zero.blend(FloatVector.fromArray(S, xp, x2 + xRow), inside);
                FloatVector a3 = zero.blend(FloatVector.fromArray(S, xp, x3 + xRow), inside);
                s00 = d0.fma(a0, s00); s01 = d0.fma(a1, s01); s02 = d0.fma(a2, s02); s03 = d0.fma(a3, s03);
                s10 = d1.fma(a0, s10); s11 = d1.fma(a1, s11); s12 = d1.fma(a2, s12); s13 = d1.fma(a3, s13);
            }
        }
        for (int w = V / 2; w > 0; w >>= 1) { // lane sums in one fixed order (LaneFolds)
            VectorShuffle<Float> swap = FOLDS.swap(w);
            s00 = s00.add(s00.rearrange(swap)); s01 = s01.add(s01.rearrange(swap));
            s02 = s02.add(s02.rearrange(swap)); s03 = s03.add(s03.rearrange(swap));
            s10 = s10.add(s10.rearrange(swap)); s11 = s11.add(s11.rearrange(swap));
            s12 = s12.add(s12.rearrange(swap)); s13 = s13.add(s13.rearrange(swap));
        }
        int r0 = at + o * patch + t, r1 = r0 + patch;
        int taps = Math.min(4, patch - t);
        sums[r0] += s00.lane(0);
        if (taps > 1) sums[r0 + 1] += s01.lane(0);
        if (taps > 2) sums[r0 + 2] += s02.lane(0);
        if (taps > 3) sums[r0 + 3] += s03.lane(0);
        if (o + 1 == og) return;
        sums[r1] += s10.lane(0);
        if (taps > 1) sums[r1 + 1] += s11.lane(0);
        if (taps > 2) sums[r1 + 2] += s12.lane(0);
        if (taps > 3) sums[r1 + 3] += s13.lane(0);
    }

    /** dy's og planes as rows of rw floats, zero past outW and in the planes past og. */
    private static float[] rowsOf(MemorySegment dy, long dyAt, int og, int planes, int outH, int outW, int rw) {
        int size = planes * outH * rw;
        float[] g = ThreadBuffers.atLeast(ROWS, size);
        java.util.Arrays.fill(g, 0, size, 0f);
        for (int o = 0; o < og; o++) {
            for (int oh = 0; oh < outH; oh++) {
                MemorySegment.copy(dy, ElementAccess.F32, (dyAt + ((long) o * outH + oh) * outW) * Float.BYTES, g, (o * outH + oh) * rw, outW);
            }
        }
        return g;
    }

    /** The offset of tap (c, ki, kj) in the padded input, {@code (c*hp + ki*dH)*wp + kj*dW}; past the taps, tap 0's. */
    private static int[] tapOffsets(int cg, int hp, int wp, int kH, int kW, int dH, int dW, int padded) {
        int[] taps = TAP_OFFSETS.get();
        if (taps.length < padded) {
            taps = new int[padded];
            TAP_OFFSETS.set(taps);
        }
        int t = 0;
        for (int c = 0; c < cg; c++) {
            for (int ki = 0; ki < kH; ki++) {
                for (int kj = 0; kj < kW; kj++) taps[t++] = (c * hp + ki * dH) * wp + kj * dW;
            }
        }
        for (; t < padded; t++) taps[t] = taps[0];
        return taps;
    }
}
