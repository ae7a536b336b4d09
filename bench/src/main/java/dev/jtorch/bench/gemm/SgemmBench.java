package dev.jtorch.bench.gemm;

import dev.jtorch.bench.peers.OpenBlas;
import dev.jtorch.cpu.IntraOpPool;
import dev.jtorch.cpu.Sgemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Square single-precision GEMM, {@code C = A @ B} with row-major n x n operands in native memory: jtorch's
 * {@link Sgemm} beside OpenBLAS's {@code cblas_sgemm} on the same buffers, each library with {@code threads}
 * threads of its own (one JMH thread calls). Time per call; GFLOP/s = 2 n^3 / time (see
 * {@code dev.jtorch.bench.Report}). libtorch's {@code torch.mm} is measured by {@code peers.LibtorchSgemmBench}
 * (its own class: DJL must not load in the OpenBLAS forks); Report puts all three in one table, beside the FMA
 * peak at the same thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBench {
    @Param({"64", "256", "512", "1024", "2048"})
    public int n;

    /** Intra-op threads of each library (jtorch's pool, OpenBLAS's pool); compare with FmaPeakBench at as many. */
    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private MemorySegment a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        IntraOpPool.setNumThreads(threads);
        OpenBlas.setNumThreads(threads);
        arena = Arena.ofShared();
        long bytes = (long) n * n * Float.BYTES;
        a = arena.allocate(bytes, 64);
        b = arena.allocate(bytes, 64);
        c = arena.allocate(bytes, 64);
        Random random = new Random(42);
        for (long i = 0; i < (long) n * n; i++) {
            a.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() * 2 - 1);
            b.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() * 2 - 1);
        }
        checkBothAgree();
    }

    /** Both libraries must compute the same product before either is timed. */
    private void checkBothAgree() {
        MemorySegment peer = arena.allocate((long) n * n * Float.BYTES, 64);
        jtorch();
        OpenBlas.sgemm(OpenBlas.CBLAS_NO_TRANS, OpenBlas.CBLAS_NO_TRANS, n, n, n, 1f, a, n, b, n, 0f, peer, n);
        for (long i = 0; i < (long) n * n; i++) {
            float ours = c.getAtIndex(ValueLayout.JAVA_FLOAT, i), theirs = peer.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (!(Math.abs(ours - theirs) <= 1e-5f * n * (1 + Math.abs(theirs)))) {
                throw new IllegalStateException("jtorch and OpenBLAS disagree at " + i + ": " + ours + " vs " + theirs);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment jtorch() {
        Sgemm.gemm(n, n, n, 1f, a, 0, n, 1, b, 0, n, 1, 0f, c, 0, n);
        return c;
    }

    @Benchmark
    public MemorySegment openblas() {
        OpenBlas.sgemm(OpenBlas.CBLAS_NO_TRANS, OpenBlas.CBLAS_NO_TRANS, n, n, n, 1f, a, n, b, n, 0f, c, n);
        return c;
    }
}
