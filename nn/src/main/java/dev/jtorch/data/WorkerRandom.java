package dev.jtorch.data;

import dev.jtorch.tensor.Generator;

import java.util.function.Supplier;

/**
 * The generator random transforms draw from when they were given none. While a {@link DataLoader} builds a
 * batch it installs a generator seeded from the epoch's seed and the batch's index, so random augmentation
 * gives the same batches whichever thread builds them, with or without workers. Elsewhere this is
 * {@link Generator#defaultGenerator()}.
 */
public final class WorkerRandom {
    private static final ThreadLocal<Generator> CURRENT = new ThreadLocal<>();

    private WorkerRandom() {}

    public static Generator current() {
        Generator g = CURRENT.get();
        return g != null ? g : Generator.defaultGenerator();
    }

    /** Runs {@code body} with {@code generator} as this thread's {@link #current()}. */
    public static <R> R with(Generator generator, Supplier<R> body) {
        Generator previous = CURRENT.get();
        CURRENT.set(generator);
        try {
            return body.get();
        } finally {
            if (previous == null) CURRENT.remove();
            else CURRENT.set(previous);
        }
    }

    /** A well-mixed seed for batch {@code index} of an epoch (SplitMix64 finaliser), so nearby batches differ. */
    static long batchSeed(long epochSeed, long index) {
        long z = epochSeed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
