package dev.jtorch.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The primitives a device implements. Everything in {@link Tensor} is built from these, so a new device
 * implements this interface and nothing else. Device memory may not be addressable from Java and a device
 * may run asynchronously: only {@link #copyToHost} (and {@link #flatNonzero}, whose size depends on data)
 * wait for results.
 *
 * <p>Conventions: tensors passed in have this backend's device and any strides (views, stride-0 broadcasts)
 * unless a method says "contiguous". Shapes and dtypes are checked by {@link Tensor} before the call; the
 * backend may assume them. Outputs called {@code dst} are written, never read, unless the method accumulates.
 */
public interface Backend {
    Device device();

    /** Raw memory for a storage of at least {@code bytes} bytes; contents undefined. */
    Block allocate(long bytes);

    /** Copies {@code dst.numel()} elements of {@code dst}'s dtype from host memory; dst contiguous. */
    void copyFromHost(MemorySegment src, Tensor dst);

    /** Copies a contiguous {@code src} into host memory; waits for pending work. */
    void copyToHost(Tensor src, MemorySegment dst);

    /** dst = src elementwise, same shape, converting dtype if they differ (float to int truncates, as C). */
    void copy(Tensor src, Tensor dst);

    void fill(Tensor dst, double value);

    /** dst = op(src); same shape and dtype, except LOGICAL_NOT which writes bool. dst may be src. */
    void unary(UnaryOp op, Tensor src, Tensor dst);

    /**
     * dst = a op b; a and b have dst's shape (broadcast through stride 0) and one dtype. dst may be the same
     * view as a, which is how accumulation ({@code dst += src}) is expressed.
     */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst);

    /** dst = cond ? a : b; cond bool, all broadcast to dst's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor dst);

    /**
     * Reduces src into dst, which has src's rank with size 1 in the reduced dimensions; dst contiguous.
     * dst's dtype may be wider than src's (bool and int32 sums accumulate into int64).
     */
    void reduce(ReduceOp op, Tensor src, Tensor dst);

    /** Max or min along {@code dim} with the index of the first occurrence (int64); values and indices keepdim-shaped, contiguous. */
    void argReduce(ReduceOp op, Tensor src, int dim, Tensor values, Tensor indices);

    /** dst[b] = a[b] @ b[b] for a [B,M,K], b [B,K,N] of any strides (stride-0 batches too); dst contiguous [B,M,N]. */
    void matmul(Tensor a, Tensor b, Tensor dst);

    /** dst = src.indexSelect(dim, index); index int64 1-d with values checked in range. */
    void indexSelect(Tensor src, int dim, Tensor index, Tensor dst);

    /** dst.narrow(dim, index[i], 1) += src.narrow(dim, i, 1), for each i; repeated indices accumulate. */
    void indexAdd(Tensor dst, int dim, Tensor index, Tensor src);

    /** dst[i][j][k] = src[i][index[i][j][k]][k] (for dim 1), as torch.gather; index int64, dst index-shaped. */
    void gather(Tensor src, int dim, Tensor index, Tensor dst);

    /** dst[i][index[i][j][k]][k] = src[i][j][k] (for dim 1), or += when {@code accumulate}; in place on dst. */
    void scatter(Tensor dst, int dim, Tensor index, Tensor src, boolean accumulate);

    /** Flat (row-major) positions of the true elements of a contiguous bool tensor, as a new int64 1-d tensor. */
    Tensor flatNonzero(Tensor mask);

    /** Fills dst with draws of {@code dist} (see {@link Distribution} for a and b). */
    void random(Tensor dst, Distribution dist, double a, double b, Generator generator);

    /** Unfolds contiguous NCHW input into columns [N, C*kH*kW, outH*outW] (zero padding). */
    void im2col(Tensor input, Window2d window, Tensor columns);

    /** The adjoint of im2col: sums columns [N, C*kH*kW, outH*outW] back into a zeroed NCHW dst. */
    void col2im(Tensor columns, Window2d window, Tensor dst);

    /**
     * Softmax (or log-softmax with {@code log}) of a contiguous src along {@code dim} into dst. The default is the
     * composed form: shifted by the row maximum, exponentiated, normalised.
     */
    default void softmax(Tensor src, int dim, boolean log, Tensor dst) {
        try (var noGrad = GradMode.noGrad()) {
            Tensor r;
            if (log) {
                r = src.sub(src.logsumexp(dim, true));
            } else {
                Tensor e = src.sub(src.max(dim, true).values()).exp();
                r = e.div(e.sum(dim, true));
            }
            copy(r, dst);
        }
    }

    /**
     * ReLU's gradient, as PyTorch's {@code threshold_backward(gradOut, result, 0)}: gradIn = result <= 0 ? 0 : gradOut,
     * all of one shape (any strides); gradIn is written, not read.
     */
    default void reluBackward(Tensor gradOut, Tensor result, Tensor gradIn) {
        try (var noGrad = GradMode.noGrad()) {
            copy(Tensor.where(result.le(0), gradOut.zerosLike(), gradOut), gradIn);
        }
    }

    /**
     * 2-d cross-correlation of contiguous NCHW input with contiguous weight [O, C/groups, kH, kW], plus bias [O]
     * (contiguous, or null), into out [N, O, outH, outW]. The default unfolds with {@link #im2col} and multiplies
     * with {@link #matmul}; a backend overrides it to pick its own algorithm per shape.
     */
    default void conv2d(Tensor input, Tensor weight, Tensor bias, Window2d window, int groups, Tensor out) {
        try (var noGrad = GradMode.noGrad()) {
            long n = input.size(0), o = weight.size(0), patch = weight.numel() / o, pixels = window.outH() * window.outW();
            Tensor columns = input.im2col(window).view(n, groups, patch, pixels);
            Tensor y = weight.reshape(1, groups, o / groups, patch).matmul(columns).view(out.shape());
            if (bias != null) y = y.add(bias.view(1, o, 1, 1));
            copy(y, out);
        }
    }

    /** The gradient of {@link #conv2d} with respect to its input: gradIn (contiguous NCHW) is written, not read. */
    default void conv2dBackwardInput(Tensor gradOut, Tensor weight, Window2d window, int groups, Tensor gradIn) {
        try (var noGrad = GradMode.noGrad()) {
            long n = gradIn.size(0), o = weight.size(0), patch = weight.numel() / o, pixels = window.outH() * window.outW();
            Tensor weightT = weight.reshape(1, groups, o / groups, patch).transpose(2, 3);
            Tensor columns = weightT.matmul(gradOut.reshape(n, groups, o / groups, pixels)).reshape(n, groups * patch, pixels).contiguous();
            fill(gradIn, 0);
            col2im(columns, window, gradIn);
        }
    }

    /** The gradient of {@link #conv2d} with respect to its weight: gradWeight (contiguous) is written, not read. */
    default void conv2dBackwardWeight(Tensor gradOut, Tensor input, Window2d window, int groups, Tensor gradWeight) {
        try (var noGrad = GradMode.noGrad()) {
            long n = input.size(0), o = gradWeight.size(0), patch = gradWeight.numel() / o, pixels = window.outH() * window.outW();
            Tensor columns = input.im2col(window).view(n, groups, patch, pixels);
            Tensor perSample = gradOut.reshape(n, groups, o / groups, pixels).matmul(columns.transpose(2, 3));
            copy(perSample.sum(new int[] {0}, false).reshape(gradWeight.shape()), gradWeight);
        }
    }

    /** Max pooling of contiguous NCHW input; indices are flat positions within each input plane (h*W+w). */
    void maxPool2d(Tensor input, Window2d window, Tensor out, Tensor indices);

    /** gradIn (zeroed, NCHW) at indices += gradOut. */
    void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn);

    void avgPool2d(Tensor input, Window2d window, Tensor out);

    /** gradIn (zeroed, NCHW) += the share of gradOut each input position had in each window. */
    void avgPool2dBackward(Tensor gradOut, Window2d window, Tensor gradIn);

    /** Waits until all work queued on this device is done. */
    default void synchronize() {}
}
