package dev.jtorch.cpu;

/**
 * Walks one shape through the strides of several operands in row-major (logical) order, handing out runs
 * ("rows") of elements that are evenly spaced in every operand. Dimensions of size 1 are dropped and
 * neighbouring dimensions that are contiguous in every operand are merged, so a contiguous tensor, a
 * broadcast bias or a slice of rows costs one or a few long rows instead of one call per element.
 *
 * <p>Order is never permuted: element number {@code i} of the walk is element {@code i} of the row-major
 * flattening, which is what flat indices (nonzero, random fills) and range splitting rely on.
 */
final class StridedIndexer {
    /** Receives one row: {@code offsets[k]} is operand k's element offset of the row's first element. */
    @FunctionalInterface
    interface RowBody {
        /** {@code offsets} belongs to the walk: read it, never keep or modify it. */
        void row(long[] offsets, long count);
    }

    private final long[] shape;        // coalesced; innermost last; never empty
    private final long[][] strides;    // [operand][dim]
    private final long[] baseOffsets;
    private final long numel;

    private StridedIndexer(long[] shape, long[][] strides, long[] baseOffsets, long numel) {
        this.shape = shape;
        this.strides = strides;
        this.baseOffsets = baseOffsets;
        this.numel = numel;
    }

    /**
     * @param shape       the logical shape walked
     * @param baseOffsets each operand's element offset of index (0, ..., 0)
     * @param strides     each operand's strides over {@code shape} (0 where it broadcasts)
     */
    static StridedIndexer of(long[] shape, long[] baseOffsets, long[]... strides) {
        int ops = strides.length;
        long numel = 1;
        for (long s : shape) numel *= s;
        long[] cShape = new long[Math.max(shape.length, 1)];
        long[][] cStrides = new long[ops][cShape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (rank > 0 && mergeable(cShape, cStrides, rank - 1, shape[d], strides, d)) {
                cShape[rank - 1] *= shape[d];
                for (int k = 0; k < ops; k++) cStrides[k][rank - 1] = strides[k][d];
                continue;
            }
            cShape[rank] = shape[d];
            for (int k = 0; k < ops; k++) cStrides[k][rank] = strides[k][d];
            rank++;
        }
        if (rank == 0) {               // a single element (0-dim or all sizes 1)
            cShape[0] = 1;
            rank = 1;
        }
        long[] finalShape = java.util.Arrays.copyOf(cShape, rank);
        long[][] finalStrides = new long[ops][];
        for (int k = 0; k < ops; k++) finalStrides[k] = java.util.Arrays.copyOf(cStrides[k], rank);
        return new StridedIndexer(finalShape, finalStrides, baseOffsets.clone(), numel);
    }

    /** An outer dim can absorb the next one when, in every operand, stepping it equals stepping past a whole inner run. */
    private static boolean mergeable(long[] cShape, long[][] cStrides, int outer, long innerSize, long[][] strides, int innerDim) {
        for (int k = 0; k < strides.length; k++) {
            if (cStrides[k][outer] != strides[k][innerDim] * innerSize) return false;
        }
        return true;
    }

    long numel() { return numel; }

    /** Number of dimensions after coalescing (1 for a single contiguous run). */
    int rank() { return shape.length; }

    /** Length of a full row: the size of the innermost coalesced dimension. */
    long rowLength() { return shape[shape.length - 1]; }

    /** Element step of operand {@code k} along a row. */
    long rowStride(int k) { return strides[k][shape.length - 1]; }

    /** Walks elements [start, end) of the row-major order, a row (or the part of one in range) at a time. */
    void forEachRow(long start, long end, RowBody body) {
        if (start >= end) return;
        int rank = shape.length, ops = baseOffsets.length, last = rank - 1;
        long[] index = new long[rank];
        long[] offsets = baseOffsets.clone();
        long rest = start;
        for (int d = last; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
            for (int k = 0; k < ops; k++) offsets[k] += index[d] * strides[k][d];
        }
        long pos = start;
        while (pos < end) {
            long count = Math.min(shape[last] - index[last], end - pos);
            body.row(offsets, count);
            pos += count;
            if (pos >= end) break;
            // back to the start of this row, then step the outer dims like an odometer
            for (int k = 0; k < ops; k++) offsets[k] -= index[last] * strides[k][last];
            index[last] = 0;
            for (int d = last - 1; d >= 0; d--) {
                index[d]++;
                for (int k = 0; k < ops; k++) offsets[k] += strides[k][d];
                if (index[d] < shape[d]) break;
                for (int k = 0; k < ops; k++) offsets[k] -= shape[d] * strides[k][d];
                index[d] = 0;
            }
        }
    }

    /** {@link #forEachRow} over all elements, split across the intra-op pool when there are enough of them. */
    void parallelForEachRow(RowBody body) {
        IntraOpPool.parallelFor(numel, IntraOpPool.DEFAULT_GRAIN, (s, e) -> forEachRow(s, e, body));
    }

    /** Sequential walk over all elements, for kernels whose writes may collide (accumulating scatters). */
    void forEachRow(RowBody body) {
        forEachRow(0, numel, body);
    }
}
