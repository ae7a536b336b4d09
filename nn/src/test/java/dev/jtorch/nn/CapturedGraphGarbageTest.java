package dev.jtorch.nn;

import dev.jtorch.Torch;
import dev.jtorch.tensor.CapturedGraph;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steady-state replay of the latency benchmark's models allocates no Java heap: bytes this thread allocated over
 * {@value #REPLAYS} replays after warm-up, from {@link com.sun.management.ThreadMXBean}. The bound, under one
 * byte per replay, is one that any per-call allocation (16 bytes at least, for the smallest object) exceeds
 * many times over; {@link #theMeterSeesOneSmallAllocationPerCall} checks that it does.
 */
class CapturedGraphGarbageTest {
    static final int REPLAYS = 1_000;
    static final int ROUNDS = 4;
    /** Warm-up runs per measured run: C2 compiles the bigger kernels (convolution) late. */
    static final int WARMUP_FACTOR = 10;
    /** How long rounds continue while each still allocates: enough for queued compilations on a busy machine. */
    static final long SETTLE_NANOS = 10_000_000_000L;
    static final long BOUND_BYTES = REPLAYS;

    private static int threadsBefore;

    @BeforeAll static void oneThread() {
        threadsBefore = Torch.getNumThreads();
        Torch.setNumThreads(1);
    }

    @AfterAll static void restoreThreads() { Torch.setNumThreads(threadsBefore); }

    /**
     * Heap bytes the calling thread allocates over {@code times} runs of {@code call} in steady state: the least of
     * rounds run until one allocates nothing or {@link #SETTLE_NANOS} have passed, after {@value #WARMUP_FACTOR}
     * times as many runs to warm up. Vectors are boxed while the JIT's compiler threads, which compete for two
     * shared cores here, have not yet compiled the kernels; that garbage goes once compilation settles, while an
     * allocation made by every call shows in every round.
     */
    static long allocatedOver(int times, Runnable call) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARMUP_FACTOR * times; i++) call.run();
        long least = Long.MAX_VALUE, start = System.nanoTime();
        for (int round = 0; least > 0 && (round < ROUNDS || System.nanoTime() - start < SETTLE_NANOS); round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < times; i++) call.run();
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }

    /** Bytes over {@value #REPLAYS} steady-state replays of the model captured on a static input, and the graph's calls. */
    record Garbage(long bytes, java.util.List<String> ops) {
        @Override public String toString() { return bytes + " bytes over " + REPLAYS + " replays of " + ops; }
    }

    static Garbage replayGarbage(Function<Tensor, Tensor> model, long... inputShape) {
        Tensor x = CapturedGraphTest.randn(1, inputShape);
        CapturedGraphTest.eager(model, x);
        try (CapturedGraph graph = CapturedGraph.capture(() -> model.apply(x))) {
            return new Garbage(allocatedOver(REPLAYS, graph::replay), graph.ops());
        }
    }

    static volatile Object sink;

    @Test void theMeterSeesOneSmallAllocationPerCall() {
        Tensor x = CapturedGraphTest.randn(1, 1, 8);
        try (CapturedGraph graph = CapturedGraph.capture(x::relu)) {
            long bytes = allocatedOver(REPLAYS, () -> {
                graph.replay();
                sink = new long[1];
            });
            assertTrue(bytes > BOUND_BYTES * 8, "a 24-byte array per call is seen: " + bytes + " bytes");
        }
    }

    @Test void mlpReplayAllocatesNothing() {
        Module m = CapturedGraphTest.mlp();
        Garbage g = replayGarbage(m::forward, 1, 784);
        assertTrue(g.bytes() < BOUND_BYTES, "MLP 784-256-10: " + g);
    }

    @Test void lenet5ReplayAllocatesNothing() {
        Module m = CapturedGraphTest.lenet5();
        Garbage g = replayGarbage(m::forward, 1, 1, 28, 28);
        assertTrue(g.bytes() < BOUND_BYTES, "LeNet-5: " + g);
    }

    /** The bench's forecasting LSTM on two threads, where its layers run side by side as one lstmStack. */
    @Test void stackedLstmReplayAllocatesNothing() {
        int threads = dev.jtorch.Torch.getNumThreads();
        dev.jtorch.Torch.setNumThreads(2);
        try {
            Garbage g = replayGarbage(CapturedGraphTest.stackedLstmHead(1, 64), 30, 1, 1);
            assertTrue(g.ops().contains("lstmStack"), "the two layers ran as one lstmStack: " + g);
            assertTrue(g.bytes() < BOUND_BYTES, "2-layer LSTM 1-64 over 30 steps: " + g);
        } finally {
            dev.jtorch.Torch.setNumThreads(threads);
        }
    }

    @Test void lstmReplayAllocatesNothing() {
        Garbage g = replayGarbage(CapturedGraphTest.lstmHead(28, 128), 28, 1, 28);
        assertTrue(g.bytes() < BOUND_BYTES, "LSTM 28-128 over 28 steps: " + g);
    }
}
