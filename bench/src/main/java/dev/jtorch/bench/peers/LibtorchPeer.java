package dev.jtorch.bench.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import java.util.SplittableRandom;

/**
 * PyTorch (libtorch 2.7.1 through DJL's PyTorch engine) as a benchmark peer, loaded fully offline.
 *
 * <p>The natives come from Maven Central jars only: {@code ai.djl.pytorch:pytorch-native-cpu:linux-x86_64} holds
 * libtorch ({@code libtorch_cpu.so}, {@code libc10.so}, its own {@code libgomp}), and {@code ai.djl.pytorch:pytorch-jni}
 * holds DJL's JNI glue ({@code libdjl_torch.so}) built for that libtorch. DJL extracts both into
 * {@code ~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64/} (or {@code $DJL_CACHE_DIR/pytorch/...}) on first use.
 * {@code ai.djl.offline=true} makes any attempt to download instead fail loudly.
 *
 * <p>Threads: libtorch reads {@code ai.djl.pytorch.num_threads} (intra-op, {@code torch.set_num_threads}) and
 * {@code ai.djl.pytorch.num_interop_threads} ({@code torch.set_num_interop_threads}, settable only once, before any
 * parallel work) when DJL first loads the engine; {@link #init(int)} sets both before that, then calls
 * {@link JniUtils#setNumThreads(int)} again (intra-op threads can be changed at any time) and checks the result.
 * Call {@link #init(int)} before anything else touches DJL in the JVM (JMH forks one JVM per benchmark).
 */
public final class LibtorchPeer {
    private static Engine engine;
    private static int initThreads = -1;

    private LibtorchPeer() {}

    /**
     * Loads libtorch offline with {@code threads} intra-op threads and one inter-op thread; returns the engine.
     * Idempotent; a later call with another count only changes the intra-op count.
     */
    public static synchronized Engine init(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (engine == null) {
            System.setProperty("ai.djl.offline", "true");
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            engine = Engine.getEngine("PyTorch");
        }
        if (threads != initThreads) {
            JniUtils.setNumThreads(threads);
            initThreads = threads;
        }
        int actual = JniUtils.getNumThreads();
        if (actual != threads) {
            throw new IllegalStateException("libtorch runs " + actual + " intra-op threads, asked for " + threads);
        }
        return engine;
    }

    /** The libtorch version DJL loaded, e.g. {@code 2.7.1}. */
    public static String version() {
        return engine().getVersion();
    }

    public static int intraOpThreads() { engine(); return JniUtils.getNumThreads(); }
    public static int interOpThreads() { engine(); return JniUtils.getNumInteropThreads(); }

    /** A new root manager on the CPU; close it to free every array made with it. */
    public static NDManager newManager() {
        return NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
    }

    /** A float32 array from row-major data. */
    public static NDArray array(NDManager m, float[] data, long... shape) {
        return m.create(data, new Shape(shape));
    }

    /** A float32 array of standard normal values from a seeded generator (the same values as {@link #randn}). */
    public static NDArray randn(NDManager m, long seed, long... shape) {
        return array(m, randn(seed, Math.toIntExact(new Shape(shape).size())), shape);
    }

    /** {@code count} standard normal floats from a {@link SplittableRandom} seeded with {@code seed}. */
    public static float[] randn(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            double u1 = r.nextDouble(), u2 = r.nextDouble();
            out[i] = (float) (Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2));
        }
        return out;
    }

    private static Engine engine() {
        if (engine == null) init(Runtime.getRuntime().availableProcessors());
        return engine;
    }
}
