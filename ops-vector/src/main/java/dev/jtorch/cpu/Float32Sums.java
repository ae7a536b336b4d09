package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector adds over heap float arrays, for reducing per-thread partial results. */
final class Float32Sums {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Float32Sums() {}

    /** dst[di ...] += src[si ...], n elements. */
    static void addInto(float[] src, int si, float[] dst, int di, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector.fromArray(S, dst, di + i).add(FloatVector.fromArray(S, src, si + i)).intoArray(dst, di + i);
        }
        for (; i < n; i++) dst[di + i] += src[si + i];
    }
}
