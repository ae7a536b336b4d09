package dev.jtorch.bench.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The fp32 FMA peak the Vector API reaches on this machine, the yardstick for GEMM: 12 independent FMA chains
 * held in registers (more than FMA latency times FMA pipes, so the pipes never wait), no memory traffic, one
 * JMH thread per core. The score is FLOP per nanosecond, i.e. GFLOP/s, summed over threads.
 * Each width has its own method with its own static final species, so the JIT sees constants.
 * Run the method whose width the JIT maps to registers (fma256 on AVX2, fma512 with UseAVX=3); a wider one
 * falls back to Java loops and measures nothing useful. The plain methods run on 2 JMH threads, the
 * {@code OneThread} ones on 1: the peak that a GEMM at {@code threads} = 2 or 1 is compared with (Report reads
 * the thread count from JMH's own column).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FmaPeakBench {
    private static final int STEPS = 1024;
    private static final int CHAINS = 12;
    /** FLOP per call = steps x chains x lanes x 2 (an FMA is a multiply and an add). */
    private static final int FLOPS_128 = STEPS * CHAINS * 4 * 2;
    private static final int FLOPS_256 = STEPS * CHAINS * 8 * 2;
    private static final int FLOPS_512 = STEPS * CHAINS * 16 * 2;

    /** Fields, not constants, so the JIT cannot fold the chains away. */
    public float x = 0.999f, y = 1e-3f;

    private static final VectorSpecies<Float> S128 = FloatVector.SPECIES_128;

    @Benchmark
    @OperationsPerInvocation(FLOPS_128)
    public float fma128() {
        FloatVector vx = FloatVector.broadcast(S128, x), vy = FloatVector.broadcast(S128, y);
        FloatVector c0 = vy, c1 = vy, c2 = vy, c3 = vy, c4 = vy, c5 = vy;
        FloatVector c6 = vy, c7 = vy, c8 = vy, c9 = vy, c10 = vy, c11 = vy;
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(vx, vy); c1 = c1.fma(vx, vy); c2 = c2.fma(vx, vy); c3 = c3.fma(vx, vy);
            c4 = c4.fma(vx, vy); c5 = c5.fma(vx, vy); c6 = c6.fma(vx, vy); c7 = c7.fma(vx, vy);
            c8 = c8.fma(vx, vy); c9 = c9.fma(vx, vy); c10 = c10.fma(vx, vy); c11 = c11.fma(vx, vy);
        }
        return sum(c0.add(c1).add(c2).add(c3), c4.add(c5).add(c6).add(c7), c8.add(c9).add(c10).add(c11));
    }

    private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;

    @Benchmark
    @OperationsPerInvocation(FLOPS_256)
    public float fma256() {
        FloatVector vx = FloatVector.broadcast(S256, x), vy = FloatVector.broadcast(S256, y);
        FloatVector c0 = vy, c1 = vy, c2 = vy, c3 = vy, c4 = vy, c5 = vy;
        FloatVector c6 = vy, c7 = vy, c8 = vy, c9 = vy, c10 = vy, c11 = vy;
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(vx, vy); c1 = c1.fma(vx, vy); c2 = c2.fma(vx, vy); c3 = c3.fma(vx, vy);
            c4 = c4.fma(vx, vy); c5 = c5.fma(vx, vy); c6 = c6.fma(vx, vy); c7 = c7.fma(vx, vy);
            c8 = c8.fma(vx, vy); c9 = c9.fma(vx, vy); c10 = c10.fma(vx, vy); c11 = c11.fma(vx, vy);
        }
        return sum(c0.add(c1).add(c2).add(c3), c4.add(c5).add(c6).add(c7), c8.add(c9).add(c10).add(c11));
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(FLOPS_256)
    public float fma256OneThread() {
        return fma256();
    }

    private static final VectorSpecies<Float> S512 = FloatVector.SPECIES_512;

    @Benchmark
    @OperationsPerInvocation(FLOPS_512)
    public float fma512() {
        FloatVector vx = FloatVector.broadcast(S512, x), vy = FloatVector.broadcast(S512, y);
        FloatVector c0 = vy, c1 = vy, c2 = vy, c3 = vy, c4 = vy, c5 = vy;
        FloatVector c6 = vy, c7 = vy, c8 = vy, c9 = vy, c10 = vy, c11 = vy;
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(vx, vy); c1 = c1.fma(vx, vy); c2 = c2.fma(vx, vy); c3 = c3.fma(vx, vy);
            c4 = c4.fma(vx, vy); c5 = c5.fma(vx, vy); c6 = c6.fma(vx, vy); c7 = c7.fma(vx, vy);
            c8 = c8.fma(vx, vy); c9 = c9.fma(vx, vy); c10 = c10.fma(vx, vy); c11 = c11.fma(vx, vy);
        }
        return sum(c0.add(c1).add(c2).add(c3), c4.add(c5).add(c6).add(c7), c8.add(c9).add(c10).add(c11));
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(FLOPS_512)
    public float fma512OneThread() {
        return fma512();
    }

    private static float sum(FloatVector p, FloatVector q, FloatVector r) {
        return p.add(q).add(r).reduceLanes(VectorOperators.ADD);
    }
}
