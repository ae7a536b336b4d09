package dev.jtorch.cpu;

import dev.jtorch.tensor.Tensor;

/** Element offsets within a 4-d NCHW tensor view (any strides), as window and pooling kernels address it. */
record Nchw(long n, long c, long h, long w, long offset, long strideN, long strideC, long strideH, long strideW) {

    static Nchw of(Tensor t) {
        long[] shape = t.shape(), strides = t.strides();
        if (shape.length != 4) throw new IllegalArgumentException("expected a 4-d NCHW tensor, got shape " + java.util.Arrays.toString(shape));
        return new Nchw(shape[0], shape[1], shape[2], shape[3], t.storageOffset(), strides[0], strides[1], strides[2], strides[3]);
    }

    /** Offset of element (0, 0) of plane {@code p}, planes numbered n * C + c. */
    long plane(long p) {
        return offset + (p / c) * strideN + (p % c) * strideC;
    }

    long planes() { return n * c; }
}
