package dev.jtorch;

import dev.jtorch.cpu.IntraOpPool;
import dev.jtorch.serialization.PthReader;
import dev.jtorch.serialization.Safetensors;
import dev.jtorch.tensor.Backends;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code torch} namespace in Java: factories, joins, grad mode, seeding, threads, saving.
 * {@code import static dev.jtorch.Torch.*;} reads like the Python.
 */
public final class Torch {
    private Torch() {}

    // ---- factories ----
    public static Tensor tensor(double value) { return Tensor.scalar(value); }
    public static Tensor tensor(float... data) { return Tensor.of(data); }
    public static Tensor tensor(double... data) { return Tensor.of(data); }
    public static Tensor tensor(long... data) { return Tensor.of(data); }
    public static Tensor tensor(int... data) { return Tensor.of(data); }
    public static Tensor tensor(boolean... data) { return Tensor.of(data); }
    /** From nested arrays ({@code float[][]}, {@code long[][][]} ...). */
    public static Tensor tensor(Object nested) { return Tensor.of(nested); }

    public static Tensor empty(long... shape) { return Tensor.empty(shape); }
    public static Tensor zeros(long... shape) { return Tensor.zeros(shape); }
    public static Tensor zeros(long[] shape, DType dtype) { return Tensor.zeros(shape, dtype); }
    public static Tensor ones(long... shape) { return Tensor.ones(shape); }
    public static Tensor ones(long[] shape, DType dtype) { return Tensor.ones(shape, dtype); }
    public static Tensor full(long[] shape, double value) { return Tensor.full(shape, value); }
    public static Tensor eye(long n) { return Tensor.eye(n); }
    public static Tensor arange(long end) { return Tensor.arange(end); }
    public static Tensor arange(long start, long end, long step) { return Tensor.arange(start, end, step); }
    public static Tensor arange(double start, double end, double step) { return Tensor.arange(start, end, step); }
    public static Tensor linspace(double start, double end, long steps) { return Tensor.linspace(start, end, steps); }
    public static Tensor rand(long... shape) { return Tensor.rand(shape); }
    public static Tensor randn(long... shape) { return Tensor.randn(shape); }
    public static Tensor randint(long low, long high, long... shape) { return Tensor.randint(low, high, shape); }
    public static Tensor zerosLike(Tensor t) { return t.zerosLike(); }
    public static Tensor onesLike(Tensor t) { return t.onesLike(); }
    public static Tensor randLike(Tensor t) { return t.randLike(); }
    public static Tensor randnLike(Tensor t) { return t.randnLike(); }

    // ---- joins and selection ----
    public static Tensor cat(List<Tensor> tensors, int dim) { return Tensor.cat(tensors, dim); }
    public static Tensor cat(int dim, Tensor... tensors) { return Tensor.cat(dim, tensors); }
    public static Tensor stack(List<Tensor> tensors, int dim) { return Tensor.stack(tensors, dim); }
    public static Tensor stack(int dim, Tensor... tensors) { return Tensor.stack(dim, tensors); }
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Tensor.where(cond, a, b); }
    public static Tensor matmul(Tensor a, Tensor b) { return a.matmul(b); }

    // ---- modes ----
    /** {@code try (var g = Torch.noGrad()) { ... }}: nothing inside records the graph (this thread only). */
    public static GradMode.Guard noGrad() { return GradMode.noGrad(); }
    public static GradMode.Guard enableGrad() { return GradMode.set(true); }
    public static boolean isGradEnabled() { return GradMode.isEnabled(); }

    /** Frees every tensor made inside at close, except kept and persistent ones; see {@link MemoryScope}. */
    public static MemoryScope scope() { return MemoryScope.open(); }

    /** Seeds the default generator (and so every random factory, initialiser, dropout and shuffle). */
    public static Generator manualSeed(long seed) { return Generator.defaultGenerator().manualSeed(seed); }

    public static void setNumThreads(int n) { IntraOpPool.setNumThreads(n); }
    public static int getNumThreads() { return IntraOpPool.numThreads(); }

    public static boolean cudaIsAvailable() { return Backends.isAvailable(Device.Kind.CUDA); }

    // ---- saving ----
    /** Saves a state dict as safetensors, atomically (temporary file, fsync, rename). */
    public static void save(Map<String, Tensor> stateDict, Path path) throws IOException { Safetensors.save(stateDict, path); }

    /** Loads a state dict from safetensors, or from a PyTorch {@code .pth}/{@code .pt} zip (tensors and dicts only, never code). */
    public static Map<String, Tensor> load(Path path) throws IOException {
        String name = path.getFileName().toString();
        if (name.endsWith(".pth") || name.endsWith(".pt")) return PthReader.load(path);
        return Safetensors.load(path);
    }
}
