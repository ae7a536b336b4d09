package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code out (1 x n) = x (1 x k) @ W^T} for a row x at a time, W^T in strips of {@link #WIDTH} columns on the heap
 * ({@link TransposedWeights#stripsOf}): a batch-1 LSTM step's {@code h W_hh^T}. Each strip is k rows of 8 vectors
 * one after the other, so the product streams it once with 8 accumulators and a broadcast of x per row, from plain
 * array loads whose bounds checks the JIT hoists. Stand-alone at 1 x 64 @ 64 x 256 (Zen 3, one thread), 0.83-0.95
 * us against 1.10-1.41 through {@link Sgemm} on W^T laid out row-major in native memory.
 */
final class StripGemv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Columns per strip: 8 vectors, one accumulator each. */
    static final int WIDTH = 8 * L;

    private StripGemv() {}

    /** {@code out[j] = sum_p x[p] * W^T[p, j]} for j below n rounded up to whole strips (the padding columns give 0). */
    static void multiply(float[] x, int k, float[] strips, int n, float[] out) {
        for (int j = 0, base = 0; j < n; j += WIDTH, base += k * WIDTH) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int p = 0, at = base; p < k; p++, at += WIDTH) {
                FloatVector xp = FloatVector.broadcast(S, x[p]);
                a0 = xp.fma(FloatVector.fromArray(S, strips, at), a0);
                a1 = xp.fma(FloatVector.fromArray(S, strips, at + L), a1);
                a2 = xp.fma(FloatVector.fromArray(S, strips, at + 2 * L), a2);
                a3 = xp.fma(FloatVector.fromArray(S, strips, at + 3 * L), a3);
                a4 = xp.fma(FloatVector.fromArray(S, strips, at + 4 * L), a4);
                a5 = xp.fma(FloatVector.fromArray(S, strips, at + 5 * L), a5);
                a6 = xp.fma(FloatVector.fromArray(S, strips, at + 6 * L), a6);
                a7 = xp.fma(FloatVector.fromArray(S, strips, at + 7 * L), a7);
            }
            a0.intoArray(out, j); a1.intoArray(out, j + L); a2.intoArray(out, j + 2 * L); a3.intoArray(out, j + 3 * L);
            a4.intoArray(out, j + 4 * L); a5.intoArray(out, j + 5 * L); a6.intoArray(out, j + 6 * L); a7.intoArray(out, j + 7 * L);
        }
    }
}
