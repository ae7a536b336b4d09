package dev.jtorch.parity;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * PyTorch itself (libtorch 2.7.1 through DJL's PyTorch engine, test scope) as the numerical reference for parity
 * tests: converts jtorch {@link Tensor}s to DJL {@link NDArray}s and back, runs a DJL computation on them, and
 * takes gradients with DJL's {@link GradientCollector} (libtorch autograd).
 *
 * <p>Offline by construction: the natives come from the Maven Central jars {@code ai.djl.pytorch:pytorch-native-cpu}
 * (classifier {@code linux-x86_64}: libtorch) and {@code ai.djl.pytorch:pytorch-jni} (DJL's JNI glue); DJL extracts
 * them to {@code ~/.djl.ai/pytorch/} (or {@code $DJL_CACHE_DIR}) and {@code ai.djl.offline=true} forbids the download
 * it would otherwise fall back to. Where they cannot load (another OS or architecture, a broken cache...)
 * {@link #available()} is false with {@link #unavailableReason()}, and {@link #assumeAvailable()} makes the calling
 * test <em>skipped</em>, never silently passed.
 */
public final class Libtorch {
    private static final Engine ENGINE;
    private static final String REASON;

    static {
        Engine engine = null;
        String reason = null;
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            reason = "the libtorch natives on the test class path are for linux-x86_64, this is " + os + "-" + arch;
        } else {
            try {
                System.setProperty("ai.djl.offline", "true");
                // Keep libtorch off the cores the test JVM is using for its own work: one thread each.
                System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
                System.setProperty("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
                engine = Engine.getEngine("PyTorch");
                // Touch the natives now so a load failure is reported here, not in the middle of a test.
                try (NDManager m = engine.newBaseManager(Device.cpu())) {
                    m.create(new float[] {1, 2}).sum().toFloatArray();
                }
            } catch (Throwable t) {
                engine = null;
                StringBuilder why = new StringBuilder("libtorch (DJL PyTorch engine) did not load offline: ").append(t);
                for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) why.append("; caused by ").append(c);
                reason = why.toString();
            }
        }
        ENGINE = engine;
        REASON = reason;
    }

    private Libtorch() {}

    /** Whether libtorch loaded; parity tests call {@link #assumeAvailable()} rather than testing this. */
    public static boolean available() { return ENGINE != null; }

    /** Why libtorch is unavailable, or null where it is available. */
    public static String unavailableReason() { return REASON; }

    /** Skips the calling test (JUnit assumption) where libtorch cannot load, naming the reason. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), () -> "skipped: " + REASON);
    }

    /** The libtorch version loaded, e.g. {@code 2.7.1}. */
    public static String version() {
        return engine().getVersion();
    }

    /** A new CPU manager; everything created with it is freed when it closes. */
    public static NDManager newManager() {
        return engine().newBaseManager(Device.cpu());
    }

    // ---------------------------------------------------------------------------------------------------
    // Conversions
    // ---------------------------------------------------------------------------------------------------

    /** A copy of {@code t} (any shape, strides or dtype) as a libtorch array owned by {@code m}. */
    public static NDArray toNd(NDManager m, Tensor t) {
        Shape shape = new Shape(t.shape());
        return switch (t.dtype()) {
            case FLOAT32 -> m.create(t.toFloatArray(), shape);
            case FLOAT64 -> m.create(t.toDoubleArray(), shape);
            case INT64 -> m.create(t.toLongArray(), shape);
            case INT32 -> m.create(t.toIntArray(), shape);
            case BOOL -> m.create(t.toBooleanArray(), shape);
        };
    }

    /** A copy of {@code a} as a new jtorch CPU tensor of the corresponding dtype. */
    public static Tensor fromNd(NDArray a) {
        long[] shape = a.getShape().getShape();
        DataType dt = a.getDataType();
        return switch (dt) {
            case FLOAT32 -> Tensor.fromSegment(MemorySegment.ofArray(a.toFloatArray()), shape, DType.FLOAT32);
            case FLOAT64 -> Tensor.fromSegment(MemorySegment.ofArray(a.toDoubleArray()), shape, DType.FLOAT64);
            case INT64 -> Tensor.fromSegment(MemorySegment.ofArray(a.toLongArray()), shape, DType.INT64);
            case INT32 -> Tensor.fromSegment(MemorySegment.ofArray(a.toIntArray()), shape, DType.INT32);
            case BOOLEAN -> {
                boolean[] b = a.toBooleanArray();
                byte[] bytes = new byte[b.length];
                for (int i = 0; i < b.length; i++) bytes[i] = (byte) (b[i] ? 1 : 0);
                yield Tensor.fromSegment(MemorySegment.ofArray(bytes), shape, DType.BOOL);
            }
            default -> throw new IllegalArgumentException("no jtorch dtype for libtorch " + dt);
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // Running a libtorch computation
    // ---------------------------------------------------------------------------------------------------

    /** Runs {@code fn} on copies of {@code inputs} in libtorch and returns its result as a jtorch tensor. */
    public static Tensor compute(Function<NDList, NDArray> fn, Tensor... inputs) {
        try (NDManager m = newManager()) {
            return fromNd(fn.apply(toList(m, inputs)));
        }
    }

    /** A scalar-valued computation's value and its gradients with respect to each input, from libtorch autograd. */
    public record Gradients(Tensor value, List<Tensor> grads) {
        public Tensor grad(int i) { return grads.get(i); }
    }

    /**
     * Runs {@code fn} (which must return one element) in libtorch with gradients recorded for the inputs whose
     * {@code wrt} flag is set (all inputs when {@code wrt} is empty), back-propagates, and returns the value and
     * those inputs' gradients (null for the others).
     */
    public static Gradients gradient(Function<NDList, NDArray> fn, boolean[] wrt, Tensor... inputs) {
        try (NDManager m = newManager()) {
            NDList xs = toList(m, inputs);
            for (int i = 0; i < xs.size(); i++) {
                if (wrt.length == 0 || wrt[i]) xs.get(i).setRequiresGradient(true);
            }
            try (GradientCollector gc = engine().newGradientCollector()) {
                NDArray y = fn.apply(xs);
                if (y.size() != 1) throw new IllegalArgumentException("gradient needs a one-element result, got " + y.getShape());
                gc.backward(y);
                Tensor value = fromNd(y.stopGradient());
                List<Tensor> grads = new ArrayList<>();
                for (int i = 0; i < xs.size(); i++) {
                    grads.add(wrt.length == 0 || wrt[i] ? fromNd(xs.get(i).getGradient()) : null);
                }
                return new Gradients(value, grads);
            }
        }
    }

    /** {@link #gradient(Function, boolean[], Tensor...)} with respect to every input. */
    public static Gradients gradient(Function<NDList, NDArray> fn, Tensor... inputs) {
        return gradient(fn, new boolean[0], inputs);
    }

    private static NDList toList(NDManager m, Tensor... inputs) {
        NDList list = new NDList(inputs.length);
        for (Tensor t : inputs) list.add(toNd(m, t));
        return list;
    }

    // ---------------------------------------------------------------------------------------------------
    // Inputs independent of jtorch's own random number generator
    // ---------------------------------------------------------------------------------------------------

    /** Standard normal values from {@link SplittableRandom}{@code (seed)} (Box-Muller), as a tensor of {@code dtype}. */
    public static Tensor randn(long seed, DType dtype, long... shape) {
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = r.nextDouble(), u2 = r.nextDouble();
            v[i] = Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
        }
        Tensor t = Tensor.fromSegment(MemorySegment.ofArray(v), shape, DType.FLOAT64);
        return dtype == DType.FLOAT64 ? t : t.to(dtype);
    }

    /** Integers uniform in {@code [0, high)} from {@link SplittableRandom}{@code (seed)}, as an int64 tensor. */
    public static Tensor randint(long seed, long high, long... shape) {
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        SplittableRandom r = new SplittableRandom(seed);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = r.nextLong(high);
        return Tensor.fromSegment(MemorySegment.ofArray(v), shape, DType.INT64);
    }

    private static Engine engine() {
        if (ENGINE == null) throw new IllegalStateException(REASON);
        return ENGINE;
    }
}
