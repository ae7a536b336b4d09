package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Direct (im2col-free) float32 forward convolution of one sample and group at stride 1, for few output channels
 * (LeNet's 6 and 16): the output row {@code y[o, oh, ow:ow+V]} is a sum over taps (c, ki, kj) of
 * {@code w[o, c, ki, kj] * x[c, oh + ki*dH, ow + kj*dW : +V]}, a contiguous slice of a zero-padded copy of the
 * input. Four output channels share each slice load. Where im2col would write kH*kW copies of the input
 * (25 in LeNet) in runs of 10 to 28 floats, this reads the input in place, which at these sizes costs more than
 * the multiply-adds. The padded rows are wide enough for whole vectors; the last vector of a row is stored masked.
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final ThreadLocal<float[]> PADDED = ThreadBuffers.floats();

    private DirectConv() {}

    /** Where this kernel beats im2col + GEMM: stride 1 and few output channels. */
    static boolean suits(Window2d w, int outPerGroup) {
        return w.strideH() == 1 && w.strideW() == 1 && outPerGroup <= 16 && (w.kernelH() > 1 || w.kernelW() > 1);
    }

    /**
     * out[o, :, :] (og planes, heap, row-major outH x outW) = bias[zi + o] + the convolution of the input planes
     * (cg planes of h x w, contiguous at element {@code xAt} of {@code x}) with weights {@code k[ki + o*cg*kH*kW ...]}.
     */
    static void forward(MemorySegment x, long xAt, int cg, int h, int w, Window2d win,
                        float[] k, int kOff, float[] bias, int zi, int og, float[] out) {
        int outH = (int) win.outH(), outW = (int) win.outW(), kH = win.kernelH(), kW = win.kernelW();
        int dH = win.dilationH(), dW = win.dilationW(), pH = win.padH(), pW = win.padW();
        int hp = outH + (kH - 1) * dH, wp = Math.ceilDiv(outW, V) * V + (kW - 1) * dW;
        float[] xp = padded(x, xAt, cg, h, w, pH, pW, hp, wp);
        int taps = cg * kH * kW;
        int o = 0;
        for (; o + 4 <= og; o += 4) fourChannels(o, xp, cg, hp, wp, kH, kW, dH, dW, k, kOff + o * taps, taps, bias, zi, outH, outW, out);
        for (; o + 2 <= og; o += 2) twoChannels(o, xp, cg, hp, wp, kH, kW, dH, dW, k, kOff + o * taps, taps, bias, zi, outH, outW, out);
        for (; o < og; o++) oneChannel(o, xp, cg, hp, wp, kH, kW, dH, dW, k, kOff + o * taps, bias, zi, outH, outW, out);
    }

    private static void fourChannels(int o, float[] xp, int cg, int hp, int wp, int kH, int kW, int dH, int dW,
                                     float[] k, int k0, int taps, float[] bias, int zi, int outH, int outW, float[] out) {
        int k1 = k0 + taps, k2 = k1 + taps, k3 = k2 + taps;
        float z0 = bias == null ? 0 : bias[zi + o], z1 = bias == null ? 0 : bias[zi + o + 1];
        float z2 = bias == null ? 0 : bias[zi + o + 2], z3 = bias == null ? 0 : bias[zi + o + 3];
        int plane = outH * outW;
        int oh = 0;
        // two output rows at once: each weight broadcast feeds eight multiply-adds
        for (; oh + 2 <= outH; oh += 2) {
            for (int ow = 0; ow < outW; ow += V) {
                FloatVector s0 = FloatVector.broadcast(S, z0), s1 = FloatVector.broadcast(S, z1);
                FloatVector s2 = FloatVector.broadcast(S, z2), s3 = FloatVector.broadcast(S, z3);
                FloatVector r0 = s0, r1 = s1, r2 = s2, r3 = s3;
                int t = 0;
                for (int c = 0; c < cg; c++) {
                    for (int ki = 0; ki < kH; ki++) {
                        int row = (c * hp + oh + ki * dH) * wp + ow;
                        for (int kj = 0; kj < kW; kj++, t++) {
                            FloatVector xv = FloatVector.fromArray(S, xp, row + kj * dW), xn = FloatVector.fromArray(S, xp, row + wp + kj * dW);
                            FloatVector w0 = FloatVector.broadcast(S, k[k0 + t]), w1 = FloatVector.broadcast(S, k[k1 + t]);
                            FloatVector w2 = FloatVector.broadcast(S, k[k2 + t]), w3 = FloatVector.broadcast(S, k[k3 + t]);
                            s0 = w0.fma(xv, s0); r0 = w0.fma(xn, r0);
                            s1 = w1.fma(xv, s1); r1 = w1.fma(xn, r1);
                            s2 = w2.fma(xv, s2); r2 = w2.fma(xn, r2);
                            s3 = w3.fma(xv, s3); r3 = w3.fma(xn, r3);
                        }
                    }
                }
                int at = o * plane + oh * outW + ow;
                // stores written out here, not in a helper: a vector passed to a call that is not inlined is boxed
                VectorMask<Float> m = S.indexInRange(ow, outW);
                s0.intoArray(out, at, m); s1.intoArray(out, at + plane, m);
                s2.intoArray(out, at + 2 * plane, m); s3.intoArray(out, at + 3 * plane, m);
                r0.intoArray(out, at + outW, m); r1.intoArray(out, at + plane + outW, m);
                r2.intoArray(out, at + 2 * plane + outW, m); r3.intoArray(out, at + 3 * plane + outW, m);
            }
        }
        for (; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow += V) {
                FloatVector s0 = FloatVector.broadcast(S, z0), s1 = FloatVector.broadcast(S, z1);
                FloatVector s2 = FloatVector.broadcast(S, z2), s3 = FloatVector.broadcast(S, z3);
                int t = 0;
                for (int c = 0; c < cg; c++) {
                    for (int ki = 0; ki < kH; ki++) {
                        int row = (c * hp + oh + ki * dH) * wp + ow;
                        for (int kj = 0; kj < kW; kj++, t++) {
                            FloatVector xv = FloatVector.fromArray(S, xp, row + kj * dW);
                            s0 = FloatVector.broadcast(S, k[k0 + t]).fma(xv, s0);
                            s1 = FloatVector.broadcast(S, k[k1 + t]).fma(xv, s1);
                            s2 = FloatVector.broadcast(S, k[k2 + t]).fma(xv, s2);
                            s3 = FloatVector.broadcast(S, k[k3 + t]).fma(xv, s3);
                        }
                    }
                }
                int at = o * plane + oh * outW + ow;
                VectorMask<Float> m = S.indexInRange(ow, outW);
                s0.intoArray(out, at, m); s1.intoArray(out, at + plane, m);
                s2.intoArray(out, at + 2 * plane, m); s3.intoArray(out, at + 3 * plane, m);
            }
        }
    }

    /**
     * Two channels by four rows: LeNet conv1's 6 channels leave two after {@link #fourChannels}, and two rows gave
     * only four independent sums per tap, so with its 25 taps each tile waited out the multiply-add latency (two
     * channels, a third of the work, took 38% of the forward's samples against the four channels' 49%); four rows
     * give eight, as many as two FMA pipes with four cycles of latency keep busy. In a last block of fewer rows, the
     * rows past the output repeat the last row's loads and are not stored.
     */
    private static void twoChannels(int o, float[] xp, int cg, int hp, int wp, int kH, int kW, int dH, int dW,
                                    float[] k, int k0, int taps, float[] bias, int zi, int outH, int outW, float[] out) {
        int k1 = k0 + taps;
        float z0 = bias == null ? 0 : bias[zi + o], z1 = bias == null ? 0 : bias[zi + o + 1];
        int plane = outH * outW;
        for (int oh = 0; oh < outH; oh += 4) {
            int rows = Math.min(4, outH - oh);
            int d1 = rows > 1 ? wp : 0, d2 = rows > 2 ? 2 * wp : d1, d3 = rows > 3 ? 3 * wp : d2;
            for (int ow = 0; ow < outW; ow += V) {
                FloatVector s0 = FloatVector.broadcast(S, z0), s1 = s0, s2 = s0, s3 = s0;
                FloatVector r0 = FloatVector.broadcast(S, z1), r1 = r0, r2 = r0, r3 = r0;
                int t = 0;
                for (int c = 0; c < cg; c++) {
                    for (int ki = 0; ki < kH; ki++) {
                        int row = (c * hp + oh + ki * dH) * wp + ow;
                        for (int kj = 0; kj < kW; kj++, t++) {
                            int at = row + kj * dW;
                            FloatVector x0 = FloatVector.fromArray(S, xp, at), x1 = FloatVector.fromArray(S, xp, at + d1);
                            FloatVector x2 = FloatVector.fromArray(S, xp, at + d2), x3 = FloatVector.fromArray(S, xp, at + d3);
                            FloatVector w0 = FloatVector.broadcast(S, k[k0 + t]), w1 = FloatVector.broadcast(S, k[k1 + t]);
                            s0 = w0.fma(x0, s0); r0 = w1.fma(x0, r0);
                            s1 = w0.fma(x1, s1); r1 = w1.fma(x1, r1);
                            s2 = w0.fma(x2, s2); r2 = w1.fma(x2, r2);
                            s3 = w0.fma(x3, s3); r3 = w1.fma(x3, r3);
                        }
                    }
                }
                int at = o * plane + oh * outW + ow;
                VectorMask<Float> m = S.indexInRange(ow, outW);
                s0.intoArray(out, at, m); r0.intoArray(out, at + plane, m);
                if (rows > 1) { s1.intoArray(out, at + outW, m); r1.intoArray(out, at + plane + outW, m); }
                if (rows > 2) { s2.intoArray(out, at + 2 * outW, m); r2.intoArray(out, at + plane + 2 * outW, m); }
                if (rows > 3) { s3.intoArray(out, at + 3 * outW, m); r3.intoArray(out, at + plane + 3 * outW, m); }
            }
        }
    }

    private static void oneChannel(int o, float[] xp, int cg, int hp, int wp, int kH, int kW, int dH, int dW,
                                   float[] k, int k0, float[] bias, int zi, int outH, int outW, float[] out) {
        float z = bias == null ? 0 : bias[zi + o];
        int plane = outH * outW;
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow += V) {
                FloatVector s = FloatVector.broadcast(S, z);
                int t = 0;
                for (int c = 0; c < cg; c++) {
                    for (int ki = 0; ki < kH; ki++) {
                        int row = (c * hp + oh + ki * dH) * wp + ow;
                        for (int kj = 0; kj < kW; kj++, t++) s = FloatVector.broadcast(S, k[k0 + t]).fma(FloatVector.fromArray(S, xp, row + kj * dW), s);
                    }
                }
                int at = o * plane + oh * outW + ow;
                if (ow + V <= outW) s.intoArray(out, at);
                else s.intoArray(out, at, S.indexInRange(ow, outW));
            }
        }
    }

    /** The input planes with pH/pW zeros around them, rows {@code wp} wide (zeros past the input too). */
    static float[] padded(MemorySegment x, long xAt, int cg, int h, int w, int pH, int pW, int hp, int wp) {
        int size = cg * hp * wp;
        float[] xp = ThreadBuffers.atLeast(PADDED, size);
        java.util.Arrays.fill(xp, 0, size, 0f);
        for (int c = 0; c < cg; c++) {
            for (int i = 0; i < h; i++) {
                MemorySegment.copy(x, ElementAccess.F32, (xAt + ((long) c * h + i) * w) * Float.BYTES, xp, (c * hp + i + pH) * wp + pW, w);
            }
        }
        return xp;
    }
}
