package dev.jtorch.bench.gemm;

import dev.jtorch.bench.peers.OpenBlas;
import dev.jtorch.cpu.IntraOpPool;
import dev.jtorch.cpu.Dgemm;
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
 * Square double-precision GEMM, {@code C = A @ B} with row-major n x n operands in native memory: jtorch's
 * {@link Dgemm} beside OpenBLAS's {@code cblas_dgemm} on the same buffers, each library with {@code threads}
 * threads of its own (one JMH thread calls). Time per call; GFLOP/s = 2 n^3 / time (see
 * {@code dev.jtorch.bench.Report}). Peers still to come (libtorch through DJL) get a method each here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DgemmBench {
    @Param({"256", "1024"})
    public int n;

    /** Intra-op threads of each library (jtorch's pool, OpenBLAS's pool). */
    @Param({"2"})
    public int threads;

    private Arena arena;
    private MemorySegment a, b, c;

    @Setup(Level.Trial)
    public void setUp() {
        IntraOpPool.setNumThreads(threads);
        OpenBlas.setNumThreads(threads);
        arena = Arena.ofShared();
        long bytes = (long) n * n * Double.BYTES;
        a = arena.allocate(bytes, 64);
        b = arena.allocate(bytes, 64);
        c = arena.allocate(bytes, 64);
        Random random = new Random(42);
        for (long i = 0; i < (long) n * n; i++) {
            a.setAtIndex(ValueLayout.JAVA_DOUBLE, i, random.nextDouble() * 2 - 1);
            b.setAtIndex(ValueLayout.JAVA_DOUBLE, i, random.nextDouble() * 2 - 1);
        }
        checkBothAgree();
    }

    /** Both libraries must compute the same product before either is timed. */
    private void checkBothAgree() {
        MemorySegment peer = arena.allocate((long) n * n * Double.BYTES, 64);
        jtorch();
        OpenBlas.dgemm(OpenBlas.CBLAS_NO_TRANS, OpenBlas.CBLAS_NO_TRANS, n, n, n, 1.0, a, n, b, n, 0.0, peer, n);
        for (long i = 0; i < (long) n * n; i++) {
            double ours = c.getAtIndex(ValueLayout.JAVA_DOUBLE, i), theirs = peer.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            if (!(Math.abs(ours - theirs) <= 1e-12 * n * (1 + Math.abs(theirs)))) {
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
        Dgemm.gemm(n, n, n, 1.0, a, 0, n, 1, b, 0, n, 1, 0.0, c, 0, n);
        return c;
    }

    @Benchmark
    public MemorySegment openblas() {
        OpenBlas.dgemm(OpenBlas.CBLAS_NO_TRANS, OpenBlas.CBLAS_NO_TRANS, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        return c;
    }
}
