package dev.jtorch.data;

import dev.jtorch.tensor.Generator;

import java.util.SplittableRandom;

/** Random permutations drawn from a {@link Generator}, as {@code torch.randperm}. */
public final class Permutations {
    private Permutations() {}

    /** A uniformly random permutation of {@code 0..n-1}; the same generator state gives the same permutation. */
    public static int[] randperm(int n, Generator generator) {
        if (n < 0) throw new IllegalArgumentException("randperm: n must be non-negative, got " + n);
        // One draw from the generator per permutation, so the permutation depends only on its state.
        SplittableRandom r = generator.split();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
