package dev.jtorch.tensor;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The plain reference the property tests compare against: a row-major double array and a shape, with every
 * operation written as an index mapping over nested loops (no strides, no views, no sharing).
 */
final class Ref {
    final long[] shape;
    final double[] data;

    Ref(long[] shape, double[] data) {
        if (numel(shape) != data.length) throw new IllegalArgumentException("ref data/shape mismatch");
        this.shape = shape.clone();
        this.data = data;
    }

    static Ref of(Tensor t) { return new Ref(t.shape(), t.toDoubleArray()); }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Calls {@code f} with every multi-index of {@code shape} in row-major order (the array is reused). */
    static void forEachIndex(long[] shape, Consumer<long[]> f) {
        if (numel(shape) == 0) return;
        long[] idx = new long[shape.length];
        while (true) {
            f.accept(idx);
            int d = shape.length - 1;
            while (d >= 0) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
                d--;
            }
            if (d < 0) return;
        }
    }

    static Ref build(long[] shape, ToDoubleFunction<long[]> f) {
        double[] out = new double[(int) numel(shape)];
        int[] k = {0};
        forEachIndex(shape, idx -> out[k[0]++] = f.applyAsDouble(idx));
        return new Ref(shape, out);
    }

    double at(long[] idx) {
        long flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) throw new IndexOutOfBoundsException("ref index " + Arrays.toString(idx) + " outside " + Arrays.toString(shape));
            flat = flat * shape[d] + idx[d];
        }
        return data[(int) flat];
    }

    /** The element that broadcasting maps output index {@code out} (of a larger rank) to. */
    double atBroadcast(long[] out) {
        long[] idx = new long[shape.length];
        int off = out.length - shape.length;
        for (int d = 0; d < shape.length; d++) idx[d] = shape[d] == 1 ? 0 : out[d + off];
        return at(idx);
    }

    /** numpy/PyTorch broadcasting of shapes, or null when incompatible. */
    static long[] broadcastShape(long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            long x = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            long y = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (x != y && x != 1 && y != 1) return null;
            r[i] = x == 1 ? y : x;
        }
        return r;
    }

    Ref permute(int[] p) {
        long[] ns = new long[p.length];
        for (int i = 0; i < p.length; i++) ns[i] = shape[p[i]];
        return build(ns, idx -> {
            long[] src = new long[p.length];
            for (int i = 0; i < p.length; i++) src[p[i]] = idx[i];
            return at(src);
        });
    }

    /** Python's {@code a[start:stop:step]} along {@code dim} for a positive step, with its clamping. */
    Ref slice(int dim, long start, long stop, long step) {
        long n = shape[dim];
        long s = start < 0 ? Math.max(0, start + n) : Math.min(start, n);
        long e = stop < 0 ? Math.max(0, stop + n) : Math.min(stop, n);
        long len = 0;
        for (long i = s; i < e; i += step) len++;
        long[] ns = shape.clone();
        ns[dim] = len;
        return build(ns, idx -> {
            long[] src = idx.clone();
            src[dim] = s + idx[dim] * step;
            return at(src);
        });
    }

    Ref select(int dim, long index) {
        long i = index < 0 ? index + shape[dim] : index;
        long[] ns = new long[shape.length - 1];
        for (int d = 0, j = 0; d < shape.length; d++) if (d != dim) ns[j++] = shape[d];
        return build(ns, idx -> {
            long[] src = new long[shape.length];
            for (int d = 0, j = 0; d < shape.length; d++) src[d] = d == dim ? i : idx[j++];
            return at(src);
        });
    }

    Ref reshape(long[] ns) { return new Ref(ns, data.clone()); }

    Ref expand(long[] target) { return build(target, this::atBroadcast); }

    @Override public String toString() { return "Ref" + Arrays.toString(shape) + Arrays.toString(data); }
}
