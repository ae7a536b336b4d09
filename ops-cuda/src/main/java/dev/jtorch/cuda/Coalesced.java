package dev.jtorch.cuda;

import java.util.Arrays;

/**
 * One shape walked by several operands with their own strides, with dimensions merged where every operand
 * steps through them as through one (stride[d] == stride[d+1] * size[d+1]) and size-1 dimensions dropped.
 * Contiguous operands end as one dimension of stride 1, which the kernels take as their fast path; views
 * of any rank up to {@link KernelStructs#MAX_DIMS} after merging are walked generically.
 */
record Coalesced(long[] shape, long[][] strides) {

    static Coalesced of(long[] shape, long[]... strides) {
        int operands = strides.length;
        long[] outShape = new long[shape.length];
        long[][] outStrides = new long[operands][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            boolean merges = rank > 0;
            for (int k = 0; k < operands && merges; k++) merges = outStrides[k][rank - 1] == strides[k][d] * shape[d];
            if (merges) {
                outShape[rank - 1] *= shape[d];
                for (int k = 0; k < operands; k++) outStrides[k][rank - 1] = strides[k][d];
            } else {
                outShape[rank] = shape[d];
                for (int k = 0; k < operands; k++) outStrides[k][rank] = strides[k][d];
                rank++;
            }
        }
        if (rank == 0) {   // a single element: one dimension of size 1
            long[][] unit = new long[operands][];
            for (int k = 0; k < operands; k++) unit[k] = new long[] {1};
            return new Coalesced(new long[] {1}, unit);
        }
        long[][] trimmed = new long[operands][];
        for (int k = 0; k < operands; k++) trimmed[k] = Arrays.copyOf(outStrides[k], rank);
        return new Coalesced(Arrays.copyOf(outShape, rank), trimmed);
    }

    long[] strides(int operand) { return strides[operand]; }
}
