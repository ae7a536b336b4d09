package dev.jtorch.tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Nested Java arrays ({@code float[][]}, {@code long[][][]} ...) to tensors, checking they are not ragged. */
final class NestedArrays {
    private NestedArrays() {}

    static Tensor toTensor(Object data) {
        // Tensor.of(2.0) and Tensor.of(5L) resolve to of(Object) by boxing (Java prefers it to varargs):
        // give what the varargs overloads would, a 1-element 1-d tensor
        switch (data) {
            case Double v -> { return Tensor.of(new double[] {v}); }
            case Float v -> { return Tensor.of(new float[] {v}); }
            case Long v -> { return Tensor.of(new long[] {v}); }
            case Integer v -> { return Tensor.of(new int[] {v}); }
            case Boolean v -> { return Tensor.of(new boolean[] {v}); }
            case null, default -> { }
        }
        List<Long> shape = new ArrayList<>();
        Object leaf = data;
        while (leaf instanceof Object[] arr) {
            shape.add((long) arr.length);
            if (arr.length == 0) break;
            leaf = arr[0];
        }
        DType dtype = switch (leaf) {
            case float[] f -> DType.FLOAT32;
            case double[] f -> DType.FLOAT64;
            case long[] f -> DType.INT64;
            case int[] f -> DType.INT32;
            case boolean[] f -> DType.BOOL;
            case Object[] empty -> DType.FLOAT32;
            case null -> throw new IllegalArgumentException("cannot make a tensor from null");
            default -> throw new IllegalArgumentException("cannot make a tensor from " + leaf.getClass().getSimpleName()
                    + ": expected float[], double[], long[], int[] or boolean[], nested in arrays");
        };
        if (!(leaf instanceof Object[])) shape.add((long) switch (leaf) {
            case float[] f -> f.length;
            case double[] f -> f.length;
            case long[] f -> f.length;
            case int[] f -> f.length;
            case boolean[] f -> f.length;
            default -> 0;
        });
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        int n = Math.toIntExact(Shapes.numel(s));
        MemorySegment flat = MemorySegment.ofArray(new byte[n * dtype.byteSize()]);
        int[] at = {0};
        fill(data, s, 0, dtype, flat, at);
        return Tensor.fromSegment(flat, s, dtype);
    }

    private static void fill(Object node, long[] shape, int depth, DType dtype, MemorySegment flat, int[] at) {
        if (depth < shape.length - 1) {
            Object[] arr = (Object[]) node;
            if (arr.length != shape[depth]) throw ragged(depth, shape[depth], arr.length);
            for (Object child : arr) {
                if (child == null) throw new IllegalArgumentException("null sub-array at dimension " + (depth + 1));
                fill(child, shape, depth + 1, dtype, flat, at);
            }
            return;
        }
        switch (node) {
            case float[] f -> { check(depth, shape, f.length); MemorySegment.copy(MemorySegment.ofArray(f), 0, flat, (long) at[0] * 4, f.length * 4L); at[0] += f.length; }
            case double[] f -> { check(depth, shape, f.length); MemorySegment.copy(MemorySegment.ofArray(f), 0, flat, (long) at[0] * 8, f.length * 8L); at[0] += f.length; }
            case long[] f -> { check(depth, shape, f.length); MemorySegment.copy(MemorySegment.ofArray(f), 0, flat, (long) at[0] * 8, f.length * 8L); at[0] += f.length; }
            case int[] f -> { check(depth, shape, f.length); MemorySegment.copy(MemorySegment.ofArray(f), 0, flat, (long) at[0] * 4, f.length * 4L); at[0] += f.length; }
            case boolean[] f -> {
                check(depth, shape, f.length);
                for (boolean b : f) flat.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at[0]++, (byte) (b ? 1 : 0));
            }
            case Object[] empty -> { if (empty.length != 0) throw new IllegalArgumentException("mixed nesting depth at dimension " + depth); }
            default -> throw new IllegalArgumentException("mixed element types: found " + node.getClass().getSimpleName() + " at dimension " + depth + ", expected the same primitive array type throughout");
        }
    }

    private static void check(int depth, long[] shape, int len) {
        if (len != shape[depth]) throw ragged(depth, shape[depth], len);
    }

    private static IllegalArgumentException ragged(int depth, long expected, int got) {
        return new IllegalArgumentException("expected sequence of length " + expected + " at dim " + depth + " (got " + got + ")");
    }
}
