package dev.jtorch.data;

import dev.jtorch.data.transforms.RandomHorizontalFlip;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class DataLoaderTest {
    /** Item i: input [2] = (i, -i) as float, target i as int64; counts calls, can fail at one index. */
    static final class Numbers implements Dataset<Sample> {
        final int n;
        final int failAt;
        final AtomicInteger gets = new AtomicInteger();
        Numbers(int n) { this(n, -1); }
        Numbers(int n, int failAt) { this.n = n; this.failAt = failAt; }
        @Override public int size() { return n; }
        @Override public Sample get(int i) {
            gets.incrementAndGet();
            if (i == failAt) throw new IllegalStateException("bad item " + i);
            return new Sample(Tensor.of((float) i, (float) -i), Tensor.scalar(i, DType.INT64));
        }
    }

    static long loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("jtorch-DataLoader-")).count();
    }

    static List<long[]> targets(Iterable<Batch> loader) {
        List<long[]> out = new ArrayList<>();
        for (Batch b : loader) out.add(b.target().toLongArray());
        return out;
    }

    @AfterEach void noWorkerThreadOutlivesATest() throws InterruptedException {
        awaitNoLoaderThreads();
    }

    static void awaitNoLoaderThreads() throws InterruptedException {
        for (int i = 0; i < 100 && loaderThreads() > 0; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(0, loaderThreads(), "DataLoader worker threads still alive");
    }

    @Test void batchesStackInputsAndTargetsInOrder() {
        var loader = DataLoader.builder(new Numbers(10)).batchSize(4).build();
        assertEquals(3, loader.numBatches());
        List<Batch> batches = new ArrayList<>();
        loader.forEach(batches::add);
        assertEquals(3, batches.size());
        assertArrayEquals(new long[] {4, 2}, batches.get(0).input().shape());
        assertArrayEquals(new float[] {0, 0, 1, -1, 2, -2, 3, -3}, batches.get(0).input().toFloatArray());
        assertArrayEquals(new long[] {8, 9}, batches.get(2).target().toLongArray());
        assertEquals(DType.INT64, batches.get(2).target().dtype());
    }

    @Test void dropLastDropsTheShortBatch() {
        var loader = DataLoader.builder(new Numbers(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, loader.len());
        List<long[]> t = targets(loader);
        assertEquals(2, t.size());
        assertArrayEquals(new long[] {4, 5, 6, 7}, t.get(1));
    }

    @Test void shuffleIsReproducibleForASeedAndDiffersBetweenEpochs() {
        var a = DataLoader.builder(new Numbers(50)).batchSize(50).shuffle(true).generator(new Generator(42)).build();
        var b = DataLoader.builder(new Numbers(50)).batchSize(50).shuffle(true).generator(new Generator(42)).build();
        long[] a1 = targets(a).getFirst(), a2 = targets(a).getFirst();
        long[] b1 = targets(b).getFirst(), b2 = targets(b).getFirst();
        assertArrayEquals(a1, b1, "same seed, same first epoch");
        assertArrayEquals(a2, b2, "same seed, same second epoch");
        assertFalse(Arrays.equals(a1, a2), "each epoch draws a new permutation");
        long[] sorted = a1.clone();
        Arrays.sort(sorted);
        long[] all = new long[50];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(all, sorted, "a permutation: every item exactly once");
    }

    @Test void workersYieldExactlyTheBatchesOfSequentialLoading() {
        for (int workers : new int[] {1, 2, 3}) {
            var seq = DataLoader.builder(new Numbers(103)).batchSize(8).shuffle(true).seed(7).build();
            var par = DataLoader.builder(new Numbers(103)).batchSize(8).shuffle(true).seed(7).numWorkers(workers).build();
            for (int epoch = 0; epoch < 2; epoch++) {
                List<Batch> s = new ArrayList<>(), p = new ArrayList<>();
                seq.forEach(s::add);
                par.forEach(p::add);
                assertEquals(s.size(), p.size());
                for (int i = 0; i < s.size(); i++) {
                    assertArrayEquals(s.get(i).input().toFloatArray(), p.get(i).input().toFloatArray(), "workers=" + workers + " batch " + i);
                    assertArrayEquals(s.get(i).target().toLongArray(), p.get(i).target().toLongArray());
                }
            }
            assertEquals(0, loaderThreads(), "threads end with the epoch");
        }
    }

    @Test void randomTransformsAreReproducibleWithAndWithoutWorkers() {
        Dataset<Sample> flipping = new Dataset<>() {
            final RandomHorizontalFlip flip = new RandomHorizontalFlip(0.5);
            @Override public int size() { return 64; }
            @Override public Sample get(int i) { return new Sample(flip.apply(Tensor.of((float) i, 100f + i)), Tensor.scalar(i, DType.INT64)); }
        };
        var seq = DataLoader.builder(flipping).batchSize(4).shuffle(true).seed(3).build();
        var par = DataLoader.builder(flipping).batchSize(4).shuffle(true).seed(3).numWorkers(3).build();
        List<float[]> s = new ArrayList<>(), p = new ArrayList<>();
        seq.forEach(b -> s.add(b.input().toFloatArray()));
        par.forEach(b -> p.add(b.input().toFloatArray()));
        Set<Boolean> flippedSeen = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            assertArrayEquals(s.get(i), p.get(i), "batch " + i);
            for (int k = 0; k < s.get(i).length; k += 2) flippedSeen.add(s.get(i)[k] > s.get(i)[k + 1]);
        }
        assertEquals(Set.of(true, false), flippedSeen, "p=0.5 flips some and keeps some");
    }

    @Test void tensorDatasetBatchesMatchStackingItsRows() {
        Tensor x = Tensor.arange(0, 30, 1).toFloat().reshape(10, 3);
        Tensor y = Tensor.arange(0, 10, 1);
        var ds = new TensorDataset(x, y);
        assertArrayEquals(new float[] {3, 4, 5}, ds.get(1).get(0).toFloatArray());
        var fast = DataLoader.builder(ds).batchSize(4).shuffle(true).seed(1).build();
        var slow = DataLoader.builder(ds).batchSize(4).shuffle(true).seed(1).collate(Collate.stack()).build();
        List<Batch> f = new ArrayList<>(), s = new ArrayList<>();
        fast.forEach(f::add);
        slow.forEach(s::add);
        for (int i = 0; i < f.size(); i++) {
            assertArrayEquals(s.get(i).input().shape(), f.get(i).input().shape());
            assertArrayEquals(s.get(i).input().toFloatArray(), f.get(i).input().toFloatArray());
            assertArrayEquals(s.get(i).target().toLongArray(), f.get(i).target().toLongArray());
        }
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset(x, Tensor.arange(0, 9, 1)));
    }

    @Test void closingEarlyStopsTheWorkersAndPrefetchIsBounded() throws InterruptedException {
        Numbers data = new Numbers(1000);
        var loader = DataLoader.builder(data).batchSize(10).numWorkers(2).prefetchFactor(2).build();
        try (var it = loader.iterator()) {
            assertTrue(it.hasNext());
            it.next();
            Thread.sleep(300);
            // 2 workers x 2 queued + 1 being built by each + the one taken
            assertTrue(data.gets.get() <= (2 * 2 + 2 + 1) * 10, "prefetch is bounded, got " + data.gets.get() + " items");
            assertTrue(loaderThreads() > 0);
        }
        assertEquals(0, loaderThreads(), "close() waits for the workers");
    }

    @Test void anAbandonedIteratorIsCleanedUp() throws InterruptedException {
        var loader = DataLoader.builder(new Numbers(1000)).batchSize(10).numWorkers(2).build();
        takeOneBatchAndBreak(loader);
        assertTrue(loaderThreads() > 0, "workers still prefetching");
        awaitNoLoaderThreads();
    }

    /** In its own frame, so the abandoned iterator is unreachable once it returns. */
    private static void takeOneBatchAndBreak(DataLoader<Sample> loader) {
        for (Batch b : loader) {
            assertNotNull(b);
            break; // never closed: the Cleaner stops the workers once the iterator is unreachable
        }
    }

    @Test void aWorkerExceptionIsRethrownWithItsCauseAndStopsTheWorkers() {
        var loader = DataLoader.builder(new Numbers(100, 37)).batchSize(5).numWorkers(2).build();
        List<Batch> got = new ArrayList<>();
        DataLoaderException e = assertThrows(DataLoaderException.class, () -> loader.forEach(got::add));
        assertEquals(7, got.size(), "batches before the failing one arrive in order");
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("bad item 37", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("batch 7"), e.getMessage());
        assertEquals(0, loaderThreads());
    }

    @Test void withoutWorkersTheExceptionPropagatesAsIs() {
        var loader = DataLoader.builder(new Numbers(10, 3)).batchSize(2).build();
        var e = assertThrows(IllegalStateException.class, () -> loader.forEach(b -> {}));
        assertEquals("bad item 3", e.getMessage());
    }

    @Test void randomSplitIsDisjointCompleteAndReproducible() {
        var ds = new Numbers(10);
        List<Subset<Sample>> parts = RandomSplit.randomSplit(ds, new double[] {0.7, 0.3}, new Generator(5));
        assertEquals(7, parts.get(0).size());
        assertEquals(3, parts.get(1).size());
        Set<Integer> seen = new HashSet<>();
        for (var p : parts) for (int i : p.indices()) assertTrue(seen.add(i));
        assertEquals(10, seen.size());
        var again = RandomSplit.randomSplit(ds, new int[] {7, 3}, new Generator(5));
        assertArrayEquals(parts.get(0).indices(), again.get(0).indices());
        assertEquals(4, RandomSplit.randomSplit(new Numbers(11), new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, new Generator(1)).getFirst().size(),
                "the remainder goes to the first subsets");
        assertThrows(IllegalArgumentException.class, () -> RandomSplit.randomSplit(ds, new int[] {5, 4}, new Generator(1)));
    }

    @Test void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(new Numbers(3)).batchSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(new Numbers(3)).numWorkers(-1).build());
        assertThrows(IndexOutOfBoundsException.class, () -> new Subset<>(new Numbers(3), new int[] {3}));
    }
}
