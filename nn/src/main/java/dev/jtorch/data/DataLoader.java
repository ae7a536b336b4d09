package dev.jtorch.data;

import dev.jtorch.tensor.Generator;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Batches of a dataset, as {@code torch.utils.data.DataLoader}: {@code for (var batch : loader)} runs one epoch.
 *
 * <p>With {@code shuffle}, every epoch (every {@link #iterator()}) draws a new permutation from the generator, as
 * PyTorch's {@code RandomSampler} does, so a seeded generator gives the same sequence of epochs on every run.
 * Each epoch also draws one seed for the random transforms ({@link WorkerRandom}).
 *
 * <p>With {@code numWorkers > 0}, daemon threads build batches ahead ({@code prefetchFactor} per worker) and the
 * loop receives them in order: the same batches as without workers. The threads stop when the epoch ends, when
 * the iterator is {@linkplain BatchIterator#close() closed} or abandoned (a {@code break}; collected and cleaned),
 * and when a worker fails: its exception is rethrown in the loop as a {@link DataLoaderException} with the cause.
 */
public final class DataLoader<T> implements Iterable<Batch> {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Dataset<T> dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final Generator generator;
    private final boolean dropLast;
    private final Collate<T> collate;
    private final boolean defaultCollate;
    private final int numWorkers;
    private final int prefetchFactor;

    /** Sequential loading, default collate; shuffling draws from the default generator. */
    public DataLoader(Dataset<T> dataset, int batchSize, boolean shuffle) {
        this(builder(dataset).batchSize(batchSize).shuffle(shuffle));
    }

    private DataLoader(Builder<T> b) {
        if (b.batchSize <= 0) throw new IllegalArgumentException("batch_size should be a positive integer value, but got batch_size=" + b.batchSize);
        if (b.numWorkers < 0) throw new IllegalArgumentException("num_workers option should be non-negative; got " + b.numWorkers);
        if (b.prefetchFactor <= 0) throw new IllegalArgumentException("prefetch_factor option should be positive; got " + b.prefetchFactor);
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.generator = b.generator;
        this.dropLast = b.dropLast;
        this.defaultCollate = b.collate == null;
        this.collate = b.collate == null ? Collate.stack() : b.collate;
        this.numWorkers = b.numWorkers;
        this.prefetchFactor = b.prefetchFactor;
    }

    public static <T> Builder<T> builder(Dataset<T> dataset) { return new Builder<>(dataset); }

    public static final class Builder<T> {
        private final Dataset<T> dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private Generator generator;
        private boolean dropLast;
        private Collate<T> collate;
        private int numWorkers;
        private int prefetchFactor = 2;

        private Builder(Dataset<T> dataset) {
            if (dataset == null) throw new IllegalArgumentException("dataset must not be null");
            this.dataset = dataset;
        }

        public Builder<T> batchSize(int v) { batchSize = v; return this; }
        public Builder<T> shuffle(boolean v) { shuffle = v; return this; }
        /** The generator shuffling and epoch seeds draw from (default: {@link Generator#defaultGenerator()}). */
        public Builder<T> generator(Generator v) { generator = v; return this; }
        /** Shorthand for {@code generator(new Generator(seed))}. */
        public Builder<T> seed(long seed) { generator = new Generator(seed); return this; }
        public Builder<T> dropLast(boolean v) { dropLast = v; return this; }
        public Builder<T> collate(Collate<T> v) { collate = v; return this; }
        public Builder<T> numWorkers(int v) { numWorkers = v; return this; }
        public Builder<T> prefetchFactor(int v) { prefetchFactor = v; return this; }
        public DataLoader<T> build() { return new DataLoader<>(this); }
    }

    public Dataset<T> dataset() { return dataset; }
    public int batchSize() { return batchSize; }
    public int numWorkers() { return numWorkers; }

    /** Batches per epoch: {@code ceil(size / batchSize)}, or {@code floor} with {@code dropLast}. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Alias of {@link #numBatches()} under PyTorch's name. */
    public int len() { return numBatches(); }

    /** Starts an epoch: draws its order (and seed) now, starts workers if any. */
    @Override public BatchIterator iterator() {
        Generator g = generator != null ? generator : Generator.defaultGenerator();
        int n = dataset.size();
        int[] order;
        if (shuffle) {
            order = Permutations.randperm(n, g);
        } else {
            order = new int[n];
            Arrays.setAll(order, i -> i);
        }
        long epochSeed = g.nextLong();
        return new BatchIterator(new Epoch<>(this, order, numBatches(), epochSeed));
    }

    /** What one epoch needs to build any of its batches; shared with worker threads, so immutable. */
    private record Epoch<T>(DataLoader<T> loader, int[] order, int numBatches, long seed) {
        Batch build(int k) {
            int from = k * loader.batchSize;
            int to = Math.min(order.length, from + loader.batchSize);
            int[] indices = Arrays.copyOfRange(order, from, to);
            if (loader.defaultCollate && loader.dataset instanceof TensorDataset td && td.tensors().size() <= 2) {
                List<dev.jtorch.tensor.Tensor> cols = td.gather(indices);
                return new Batch(cols.get(0), cols.size() == 2 ? cols.get(1) : null);
            }
            return WorkerRandom.with(new Generator(WorkerRandom.batchSeed(seed, k)), () -> {
                List<T> items = new ArrayList<>(indices.length);
                for (int i : indices) items.add(loader.dataset.get(i));
                return loader.collate.collate(items);
            });
        }
    }

    /** One epoch's batches; close it to stop its workers early (a {@code break} out of a for-each is cleaned up too). */
    public static final class BatchIterator implements Iterator<Batch>, AutoCloseable {
        private final Epoch<?> epoch;
        private final WorkerPool pool;
        private final Cleaner.Cleanable cleanable;
        private int next;
        private boolean closed;

        private BatchIterator(Epoch<?> epoch) {
            this.epoch = epoch;
            int workers = epoch.loader.numWorkers;
            if (workers > 0 && epoch.numBatches > 0) {
                WorkerPool p = new WorkerPool(epoch.numBatches, Math.min(workers, epoch.numBatches), epoch.loader.prefetchFactor, epoch::build);
                this.pool = p;
                this.cleanable = CLEANER.register(this, p::stop);
            } else {
                this.pool = null;
                this.cleanable = null;
            }
        }

        @Override public boolean hasNext() {
            if (closed) return false;
            if (next >= epoch.numBatches) {
                close();
                return false;
            }
            return true;
        }

        @Override public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("the epoch has no more batches");
            Batch b;
            if (pool == null) {
                b = epoch.build(next);
            } else {
                try {
                    b = pool.take(next);
                } catch (RuntimeException e) {
                    close();
                    throw e;
                }
            }
            next++;
            if (next == epoch.numBatches) close();
            return b;
        }

        /** Batches still to come in this epoch. */
        public int remaining() { return closed ? 0 : epoch.numBatches - next; }

        /** Stops the workers and waits for them to exit; idempotent. */
        @Override public void close() {
            if (closed) return;
            closed = true;
            if (pool != null) {
                pool.shutdown();
                cleanable.clean();
            }
        }
    }
}
