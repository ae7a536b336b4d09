package dev.jtorch.bench.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * {@code torch.mm} on float32 n x n matrices through DJL (libtorch 2.7.1, its bundled MKL/oneDNN sgemm), with
 * libtorch's intra-op threads pinned to {@link #threads} (1 and 2, as SgemmBench runs jtorch and OpenBLAS).
 * One JMH thread calls it; libtorch parallelizes inside. GFLOP/s = 2 n^3 / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class LibtorchSgemmBench {

    @Param({"64", "256", "512", "1024", "2048"})
    public int n;

    /** libtorch's intra-op threads; the same values as SgemmBench's {@code threads}. */
    @Param({"1", "2"})
    public int threads;

    private NDManager manager;
    private NDArray a;
    private NDArray b;

    @Setup(Level.Trial)
    public void setup() {
        LibtorchPeer.init(threads);
        manager = LibtorchPeer.newManager();
        a = LibtorchPeer.randn(manager, 1, n, n);
        b = LibtorchPeer.randn(manager, 2, n, n);
        try (NDArray warm = a.matMul(b)) { warm.toFloatArray(); }
    }

    @Benchmark
    public void mm(Blackhole bh) {
        try (NDArray c = a.matMul(b)) {
            bh.consume(c);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }
}
