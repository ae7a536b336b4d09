package dev.jtorch.nn;

import dev.jtorch.tensor.Shapes;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;

/** 2-d max, average and adaptive average pooling over NCHW or unbatched CHW inputs. */
final class Pooling {
    private Pooling() {}

    static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        checkRank("max_pool2d", input);
        int[] k = Args.positive(Args.expand(kernelSize, 2, "kernel_size"), "kernel_size");
        int[] s = stride == null || stride.length == 0 ? k : Args.positive(Args.expand(stride, 2, "stride"), "stride");
        int[] p = Args.expand(padding, 2, "padding");
        int[] d = Args.positive(Args.expand(dilation, 2, "dilation"), "dilation");
        return perPlane(input, x -> x.maxPool2d(new Window2d(x.size(2), x.size(3), k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], ceilMode, true)));
    }

    static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        checkRank("avg_pool2d", input);
        int[] k = Args.positive(Args.expand(kernelSize, 2, "kernel_size"), "kernel_size");
        int[] s = stride == null || stride.length == 0 ? k : Args.positive(Args.expand(stride, 2, "stride"), "stride");
        int[] p = Args.expand(padding, 2, "padding");
        return perPlane(input, x -> x.avgPool2d(new Window2d(x.size(2), x.size(3), k[0], k[1], s[0], s[1], p[0], p[1], 1, 1, ceilMode, countIncludePad)));
    }

    /**
     * Adaptive average pooling with PyTorch's bins: output cell i covers {@code [floor(i*in/out), ceil((i+1)*in/out))}.
     * Bins of a rectangle are products of row and column bins, so the pooling is {@code Ph @ x @ Pw^T} with
     * averaging matrices; when the sizes divide evenly it is a plain average pool.
     */
    static Tensor adaptiveAvgPool2d(Tensor input, int[] outputSize) {
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got " + Shapes.str(input.shape()));
        }
        int[] o = Args.expand(outputSize, 2, "output_size");
        for (int v : o) if (v < 0) throw new IllegalArgumentException("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received " + PyRepr.tuple(o));
        long h = input.size(-2), w = input.size(-1);
        for (int i = -2; i < 0; i++) {
            if (input.size(i) == 0 && input.dim() + i > 0) {
                throw new IllegalArgumentException("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes " + Shapes.str(input.shape()) + " with dimension " + (input.dim() + i) + " being empty");
            }
        }
        if (o[0] > 0 && o[1] > 0 && h % o[0] == 0 && w % o[1] == 0) {
            int kh = (int) (h / o[0]), kw = (int) (w / o[1]);
            return avgPool2d(input, new int[] {kh, kw}, new int[] {kh, kw}, new int[] {0, 0}, false, true);
        }
        Tensor rows = binMatrix(h, o[0], input);
        Tensor cols = binMatrix(w, o[1], input);
        return rows.matmul(input.matmul(cols.t()));
    }

    /** [out, in]: row i averages the inputs of bin i. */
    private static Tensor binMatrix(long in, int out, Tensor like) {
        double[] m = new double[(int) (out * in)];
        for (int i = 0; i < out; i++) {
            long start = Math.floorDiv(i * in, out), end = Math.ceilDiv((i + 1) * in, out);
            for (long j = start; j < end; j++) m[(int) (i * in + j)] = 1.0 / (end - start);
        }
        return Tensor.of(m).reshape(out, in).to(like.dtype()).to(like.device());
    }

    private static void checkRank(String op, Tensor input) {
        if ((input.dim() != 3 && input.dim() != 4) || input.numel() == 0 && input.dim() == 3) {
            throw new IllegalArgumentException("non-empty 3D or 4D (batch mode) tensor expected for input to " + op + ", but got input of size: " + Shapes.str(input.shape()));
        }
    }

    private static Tensor perPlane(Tensor input, java.util.function.UnaryOperator<Tensor> pool) {
        if (input.dim() == 4) return pool.apply(input);
        return pool.apply(input.unsqueeze(0)).squeeze(0);
    }
}
