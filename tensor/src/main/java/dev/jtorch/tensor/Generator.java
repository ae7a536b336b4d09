package dev.jtorch.tensor;

import java.util.SplittableRandom;

/**
 * A seeded source of random numbers, as {@code torch.Generator}. The default one is seeded by
 * {@code Torch.manualSeed}; runs that seed it draw the same numbers. Not shared between threads without
 * synchronisation: random fills hold its lock while they draw.
 */
public final class Generator {
    private static final Generator DEFAULT = new Generator(67280421310721L);

    private SplittableRandom random;
    private long seed;

    public Generator(long seed) { manualSeed(seed); }

    public static Generator defaultGenerator() { return DEFAULT; }

    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        return this;
    }

    public synchronized long initialSeed() { return seed; }

    /** A generator for one fill: the fill draws from it without locking this one. */
    public synchronized SplittableRandom split() { return random.split(); }

    public synchronized long nextLong() { return random.nextLong(); }
    public synchronized double nextDouble() { return random.nextDouble(); }
}
