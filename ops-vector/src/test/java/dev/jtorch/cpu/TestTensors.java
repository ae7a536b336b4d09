package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Builds test tensors from Java arrays through the backend's own host copies, and computes what a strided
 * view of known storage holds, so each test can compare a kernel with a plain loop over Java arrays.
 */
final class TestTensors {
    static final CpuBackend CPU = CpuBackend.INSTANCE;

    private TestTensors() {}

    /** A contiguous tensor whose elements are {@code values}, converted to {@code dtype}. */
    static Tensor tensor(DType dtype, long[] shape, double... values) {
        Tensor t = Tensor.empty(shape, dtype, Device.CPU);
        int n = values.length;
        MemorySegment host = switch (dtype) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) values[i]; yield MemorySegment.ofArray(a); }
            case FLOAT64 -> MemorySegment.ofArray(values.clone());
            case INT64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = (long) values[i]; yield MemorySegment.ofArray(a); }
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = (int) values[i]; yield MemorySegment.ofArray(a); }
            case BOOL -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = values[i] != 0 ? (byte) 1 : 0; yield MemorySegment.ofArray(a); }
        };
        CPU.copyFromHost(host, t);
        return t;
    }

    static Tensor longs(long[] shape, long... values) {
        Tensor t = Tensor.empty(shape, DType.INT64, Device.CPU);
        CPU.copyFromHost(MemorySegment.ofArray(values.clone()), t);
        return t;
    }

    static Tensor empty(DType dtype, long... shape) {
        return Tensor.empty(shape, dtype, Device.CPU);
    }

    /** The logical (row-major) elements of any view, read back as doubles through a contiguous copy. */
    static double[] values(Tensor t) {
        Tensor c = t;
        if (!t.isContiguous() || t.storageOffset() != 0) {
            c = Tensor.empty(t.shape(), t.dtype(), Device.CPU);
            CPU.copy(t, c);
        }
        int n = Math.toIntExact(c.numel());
        double[] out = new double[n];
        switch (c.dtype()) {
            case FLOAT32 -> { float[] a = new float[n]; CPU.copyToHost(c, MemorySegment.ofArray(a)); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case FLOAT64 -> CPU.copyToHost(c, MemorySegment.ofArray(out));
            case INT64 -> { long[] a = new long[n]; CPU.copyToHost(c, MemorySegment.ofArray(a)); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case INT32 -> { int[] a = new int[n]; CPU.copyToHost(c, MemorySegment.ofArray(a)); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case BOOL -> { byte[] a = new byte[n]; CPU.copyToHost(c, MemorySegment.ofArray(a)); for (int i = 0; i < n; i++) out[i] = a[i]; }
        }
        return out;
    }

    static long[] longValues(Tensor t) {
        Tensor c = Tensor.empty(t.shape(), DType.INT64, Device.CPU);
        CPU.copy(t, c);
        long[] out = new long[Math.toIntExact(c.numel())];
        CPU.copyToHost(c, MemorySegment.ofArray(out));
        return out;
    }

    /** What the view (shape, strides, offset) of row-major {@code storage} holds, in row-major order. */
    static double[] view(double[] storage, long[] shape, long[] strides, long offset) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        double[] out = new double[n];
        long[] idx = new long[shape.length];
        for (int i = 0; i < n; i++) {
            long at = offset;
            for (int d = 0; d < shape.length; d++) at += idx[d] * strides[d];
            out[i] = storage[(int) at];
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Values exactly representable in every dtype's range used here: small integers, some negative. */
    static double[] smallInts(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(-9, 10);
        return v;
    }

    static double[] uniform(int n, long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    /** The values as the dtype stores them, so references start from what the kernels read. */
    static double[] asStored(DType dtype, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < out.length; i++) out[i] = Reference.store(dtype, v[i]);
        return out;
    }

    static long numel(long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    static long[] contiguousStrides(long... shape) {
        long[] st = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return st;
    }

    static void assertClose(double[] expected, double[] actual, double rtol, double atol, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (e == a) continue;
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e))) {
                throw new AssertionError(what + ": element " + i + " is " + a + ", expected " + e);
            }
        }
    }
}
