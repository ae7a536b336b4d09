package dev.jtorch.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The structs kernels take by value, laid out as {@code kernels/common.cuh} declares them (StructLayoutTest
 * compiles that header and compares sizes and offsets), and how Java fills them.
 */
final class KernelStructs {
    static final int MAX_DIMS = 8;

    /** {@code struct Strided { i64 sizes[8]; i64 strides[8]; int ndim; }}: 136 bytes with the tail padding. */
    static final StructLayout STRIDED = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(MAX_DIMS, JAVA_LONG).withName("sizes"),
            MemoryLayout.sequenceLayout(MAX_DIMS, JAVA_LONG).withName("strides"),
            JAVA_INT.withName("ndim"),
            MemoryLayout.paddingLayout(4));

    /** {@code struct Window { i64 n, c, h, w, outH, outW; int kH, kW, sH, sW, pH, pW, dH, dW; int countIncludePad; }}. */
    static final StructLayout WINDOW = MemoryLayout.structLayout(
            JAVA_LONG.withName("n"), JAVA_LONG.withName("c"), JAVA_LONG.withName("h"), JAVA_LONG.withName("w"),
            JAVA_LONG.withName("outH"), JAVA_LONG.withName("outW"),
            JAVA_INT.withName("kH"), JAVA_INT.withName("kW"), JAVA_INT.withName("sH"), JAVA_INT.withName("sW"),
            JAVA_INT.withName("pH"), JAVA_INT.withName("pW"), JAVA_INT.withName("dH"), JAVA_INT.withName("dW"),
            JAVA_INT.withName("countIncludePad"),
            MemoryLayout.paddingLayout(4));

    /** {@code struct MatmulShape { i64 batch, m, n, k, aBatch, aRow, aCol, bBatch, bRow, bCol; }}. */
    static final StructLayout MATMUL_SHAPE = MemoryLayout.structLayout(
            JAVA_LONG.withName("batch"), JAVA_LONG.withName("m"), JAVA_LONG.withName("n"), JAVA_LONG.withName("k"),
            JAVA_LONG.withName("aBatch"), JAVA_LONG.withName("aRow"), JAVA_LONG.withName("aCol"),
            JAVA_LONG.withName("bBatch"), JAVA_LONG.withName("bRow"), JAVA_LONG.withName("bCol"));

    private KernelStructs() {}

    /** A Strided of {@code sizes} and {@code strides}; a 0-dim view is written as one element of stride 0. */
    static MemorySegment strided(Arena arena, long[] sizes, long[] strides) {
        if (sizes.length > MAX_DIMS) {
            throw new UnsupportedOperationException("CUDA kernels take at most " + MAX_DIMS + " dimensions, got " + sizes.length + " that do not coalesce");
        }
        MemorySegment s = arena.allocate(STRIDED);
        if (sizes.length == 0) {
            s.set(JAVA_LONG, 0, 1);
            s.set(JAVA_INT, 2L * MAX_DIMS * 8, 1);
            return s;
        }
        for (int d = 0; d < sizes.length; d++) {
            s.set(JAVA_LONG, 8L * d, sizes[d]);
            s.set(JAVA_LONG, 8L * (MAX_DIMS + d), strides[d]);
        }
        s.set(JAVA_INT, 2L * MAX_DIMS * 8, sizes.length);
        return s;
    }

    static MemorySegment window(Arena arena, long n, long c, long h, long w, long outH, long outW, int kH, int kW,
                                int sH, int sW, int pH, int pW, int dH, int dW, boolean countIncludePad) {
        MemorySegment s = arena.allocate(WINDOW);
        long[] longs = {n, c, h, w, outH, outW};
        for (int i = 0; i < longs.length; i++) s.set(JAVA_LONG, 8L * i, longs[i]);
        int[] ints = {kH, kW, sH, sW, pH, pW, dH, dW, countIncludePad ? 1 : 0};
        for (int i = 0; i < ints.length; i++) s.set(JAVA_INT, 48 + 4L * i, ints[i]);
        return s;
    }

    static MemorySegment matmulShape(Arena arena, long... fields) {
        if (fields.length != 10) throw new IllegalArgumentException("MatmulShape has 10 fields, got " + fields.length);
        return arena.allocateFrom(JAVA_LONG, fields);
    }
}
