package dev.jtorch.tensor;

/** Whether a new shape can view old strides without a copy, and with which strides (PyTorch's computeStride). */
final class ViewStrides {
    private ViewStrides() {}

    /** Strides for {@code newShape} over the same elements, or null when a view cannot express it. */
    static long[] compute(long[] oldShape, long[] oldStrides, long[] newShape) {
        long[] out = new long[newShape.length];
        if (oldShape.length == 0 || Shapes.numel(oldShape) == 0) return Shapes.contiguousStrides(newShape);
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        // walk old dims from the innermost, grouping runs that are contiguous among themselves into chunks;
        // each chunk must be covered exactly by a run of new dims
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            boolean chunkEnds = d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase);
            if (!chunkEnds) continue;
            while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                out[viewD] = viewNumel * chunkBase;
                viewNumel *= newShape[viewD];
                viewD--;
            }
            if (viewNumel != tensorNumel) return null;
            if (d > 0) {
                chunkBase = oldStrides[d - 1];
                tensorNumel = 1;
                viewNumel = 1;
            }
        }
        return viewD == -1 ? out : null;
    }
}
