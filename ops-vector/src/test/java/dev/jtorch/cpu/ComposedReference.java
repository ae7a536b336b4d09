package dev.jtorch.cpu;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

import static dev.jtorch.cpu.TestTensors.CPU;
import static dev.jtorch.cpu.TestTensors.asStored;
import static dev.jtorch.cpu.TestTensors.tensor;
import static dev.jtorch.cpu.TestTensors.uniform;

/** What the fused-kernel tests compare against: the CPU backend with some primitives at their composed defaults. */
final class ComposedReference {
    private ComposedReference() {}

    /** The CPU backend, except that {@code composed} methods run the {@link Backend} interface's default bodies. */
    static Backend backend(Set<String> composed) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (InvocationHandler) (proxy, method, args) -> {
                    if (composed.contains(method.getName())) return InvocationHandler.invokeDefault(proxy, method, args);
                    try {
                        return method.invoke(CPU, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** How a test operand lies in memory: contiguous, rows with a gap between them (vector path), or transposed (plain path). */
    enum Layout { CONTIGUOUS, ROW_STRIDED, TRANSPOSED }

    /** A [rows, cols] tensor holding {@code v} (row-major), laid out as asked. */
    static Tensor matrix(DType dtype, int rows, int cols, double[] v, Layout layout) {
        return switch (layout) {
            case CONTIGUOUS -> tensor(dtype, new long[] {rows, cols}, v);
            case ROW_STRIDED -> {
                int wide = cols + 3;
                double[] w = new double[rows * wide];
                for (int r = 0; r < rows; r++) System.arraycopy(v, r * cols, w, r * wide + 1, cols);
                yield tensor(dtype, new long[] {rows, wide}, w).narrow(1, 1, cols);
            }
            case TRANSPOSED -> {
                double[] t = new double[v.length];
                for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c];
                yield tensor(dtype, new long[] {cols, rows}, t).t();
            }
        };
    }

    /** n values uniform on [-bound, bound], rounded to what the dtype stores. */
    static double[] draw(DType dtype, int n, long seed, double bound) {
        return asStored(dtype, uniform(n, seed, -bound, bound));
    }
}
