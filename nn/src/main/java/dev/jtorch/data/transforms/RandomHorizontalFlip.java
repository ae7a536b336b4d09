package dev.jtorch.data.transforms;

import dev.jtorch.data.WorkerRandom;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

/**
 * Mirrors the last dimension with probability {@code p}, as {@code transforms.RandomHorizontalFlip}. Draws from
 * {@code generator}, or when it is null from {@link WorkerRandom#current()} (reproducible inside a DataLoader).
 */
public record RandomHorizontalFlip(double p, Generator generator) implements Transform {
    public RandomHorizontalFlip {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
    }

    public RandomHorizontalFlip(double p) { this(p, null); }

    public RandomHorizontalFlip() { this(0.5, null); }

    @Override public Tensor apply(Tensor x) {
        Generator g = generator != null ? generator : WorkerRandom.current();
        return g.nextDouble() < p ? flip(x) : x;
    }

    /** The image mirrored left to right. */
    public static Tensor flip(Tensor x) {
        long w = x.size(-1);
        long[] reversed = new long[(int) w];
        for (int i = 0; i < w; i++) reversed[i] = w - 1 - i;
        return x.indexSelect(x.dim() - 1, Tensor.of(reversed));
    }
}
