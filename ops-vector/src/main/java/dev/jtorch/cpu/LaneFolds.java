package dev.jtorch.cpu;

import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The shuffles that sum a vector's lanes in one fixed order: {@code v = v.add(v.rearrange(swap(w)))} for
 * w = L/2, L/4, ..., 1 leaves the total in every lane, lane i having added lane {@code i ^ w} at each step.
 *
 * <p>Why not {@code reduceLanes(ADD)}: its order is unspecified, and HotSpot's intrinsic and the Java loop it
 * replaces add in different orders, so the same product gave different last bits depending on whether the JIT had
 * compiled the kernel yet, and a seeded training run did not repeat (docs/ARCHITECTURE.md, Reproducibility). Lane-wise
 * adds and shuffles are exact in both, so this order holds in the interpreter and in compiled code alike.
 *
 * <p>Kernels write the loop out rather than call a helper taking the vector: a vector passed to a call the JIT did
 * not inline is boxed. A record, because HotSpot trusts a record's final fields as constants: with a static final
 * instance, the shuffles can fold to constants where C2 unrolls the loop (the bits do not depend on it either way).
 */
record LaneFolds<E>(VectorShuffle<E> swap1, VectorShuffle<E> swap2, VectorShuffle<E> swap4, VectorShuffle<E> swap8) {

    static <E> LaneFolds<E> of(VectorSpecies<E> species) {
        int lanes = species.length();
        if (lanes > 16 || Integer.bitCount(lanes) != 1) {
            throw new IllegalStateException("lane sums are written for 1 to 16 lanes, a power of two; this species has " + lanes);
        }
        return new LaneFolds<>(butterfly(species, 1), butterfly(species, 2), butterfly(species, 4), butterfly(species, 8));
    }

    /** Lane i takes lane i ^ w; for w at or above the lane count it is the identity, which the fold never uses. */
    private static <E> VectorShuffle<E> butterfly(VectorSpecies<E> species, int w) {
        int mask = species.length() - 1;
        return VectorShuffle.fromOp(species, i -> (i ^ w) & mask);
    }

    /** The shuffle of the fold step at distance w (1, 2, 4 or 8). */
    VectorShuffle<E> swap(int w) {
        return switch (w) {
            case 1 -> swap1;
            case 2 -> swap2;
            case 4 -> swap4;
            default -> swap8;
        };
    }
}
