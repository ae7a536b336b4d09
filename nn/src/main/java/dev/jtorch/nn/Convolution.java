package dev.jtorch.nn;

import dev.jtorch.tensor.Shapes;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;

/**
 * Convolution through the recorded {@link Tensor#conv2d} primitive, whose backend picks the algorithm per shape
 * (im2col + GEMM, a plain GEMM for 1x1, the batch as one GEMM for one output pixel). A 1-d convolution is the
 * 2-d one with a height of 1, so both share every check and the one kernel path; errors are worded for the
 * rank the caller used, as PyTorch words them.
 */
final class Convolution {
    private Convolution() {}

    static Tensor conv(int spatialDims, Tensor input, Tensor weight, Tensor bias, int[] stride, Padding padding, int[] dilation, int groups) {
        String name = "conv" + spatialDims + "d";
        int batched = spatialDims + 2;
        if (input.dim() != batched - 1 && input.dim() != batched) {
            throw new IllegalArgumentException("Expected " + (batched - 1) + "D (unbatched) or " + batched + "D (batched) input to " + name
                    + ", but got input of size: " + Shapes.str(input.shape()));
        }
        boolean unbatched = input.dim() == batched - 1;
        Tensor x = unbatched ? input.unsqueeze(0) : input;
        int[] s = Args.positive(Args.expand(stride, spatialDims, "stride"), "stride");
        int[] d = Args.positive(Args.expand(dilation, spatialDims, "dilation"), "dilation");
        checkOperands(name, batched, x, weight, bias, groups);

        int[] k = new int[spatialDims];
        for (int i = 0; i < spatialDims; i++) k[i] = (int) weight.size(i + 2);
        int[] p;
        if (padding.isSame()) {
            for (int v : s) if (v != 1) throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
            p = new int[spatialDims];
            for (int i = 0; i < spatialDims; i++) {
                int total = d[i] * (k[i] - 1);
                p[i] = total / 2;
                // an odd total puts the extra row or column after the input, as PyTorch does
                if (total % 2 != 0) x = padAfter(x, i + 2, 1);
            }
        } else {
            p = padding.sizes(spatialDims);
        }
        checkKernelFits(x, k, p, d, spatialDims);

        if (spatialDims == 1) {
            x = x.unsqueeze(2);
            weight = weight.unsqueeze(2);
            k = new int[] {1, k[0]};
            s = new int[] {1, s[0]};
            p = new int[] {0, p[0]};
            d = new int[] {1, d[0]};
        }
        Window2d w = Window2d.conv(x.size(2), x.size(3), k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]);
        Tensor out = x.conv2d(weight, bias, w, groups);
        if (spatialDims == 1) out = out.squeeze(2);
        return unbatched ? out.squeeze(0) : out;
    }

    private static void checkOperands(String name, int batched, Tensor x, Tensor weight, Tensor bias, int groups) {
        if (weight.dim() != batched) {
            throw new IllegalArgumentException("Expected " + batched + "D weight for " + name + ", but got weight of size " + Shapes.str(weight.shape()));
        }
        if (groups <= 0) throw new IllegalArgumentException("non-positive groups is not supported");
        if (weight.size(0) % groups != 0) {
            throw new IllegalArgumentException("Given groups=" + groups + ", expected weight to be divisible by " + groups
                    + " at dimension 0, but got weight of size " + Shapes.str(weight.shape()) + " instead");
        }
        if (x.size(1) != weight.size(1) * groups) {
            throw new IllegalArgumentException("Given groups=" + groups + ", weight of size " + Shapes.str(weight.shape()) + ", expected input"
                    + Shapes.str(x.shape()) + " to have " + weight.size(1) * groups + " channels, but got " + x.size(1) + " channels instead");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException("Given weight of size " + Shapes.str(weight.shape()) + ", expected bias to be 1-dimensional with "
                    + weight.size(0) + " elements, but got bias of size " + Shapes.str(bias.shape()) + " instead");
        }
        if (x.dtype() != weight.dtype()) {
            throw new IllegalArgumentException("Input type (" + legacyName(x) + ") and weight type (" + legacyName(weight) + ") should be the same");
        }
        if (bias != null && bias.dtype() != x.dtype()) {
            throw new IllegalArgumentException("Input type (" + legacyName(x) + ") and bias type (" + legacyName(bias) + ") should be the same");
        }
        if (!x.device().equals(weight.device())) {
            throw new IllegalArgumentException("Input type (" + legacyName(x) + ") and weight type (" + legacyName(weight) + ") should be the same");
        }
    }

    private static void checkKernelFits(Tensor x, int[] k, int[] p, int[] d, int spatialDims) {
        boolean fits = true;
        StringBuilder padded = new StringBuilder(), kernel = new StringBuilder();
        for (int i = 0; i < spatialDims; i++) {
            long in = x.size(i + 2) + 2L * p[i];
            long effective = (long) d[i] * (k[i] - 1) + 1;
            fits &= in >= effective;
            padded.append(i == 0 ? "" : " x ").append(in);
            kernel.append(i == 0 ? "" : " x ").append(effective);
        }
        if (!fits) {
            throw new IllegalArgumentException("Calculated padded input size per channel: (" + padded + "). Kernel size: (" + kernel
                    + "). Kernel size can't be greater than actual input size");
        }
    }

    /** Appends {@code amount} zeros after the input along {@code dim}. */
    private static Tensor padAfter(Tensor x, int dim, long amount) {
        long[] shape = x.shape();
        shape[dim] = amount;
        return Tensor.cat(dim, x, Tensor.zeros(shape, x.dtype(), x.device()));
    }

    /** PyTorch's legacy tensor type names, which its convolution errors print: {@code torch.FloatTensor}. */
    static String legacyName(Tensor t) {
        return "torch." + (t.device().isCpu() ? "" : "cuda.") + t.dtype().scalarTypeName() + "Tensor";
    }
}
