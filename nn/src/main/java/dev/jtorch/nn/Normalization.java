package dev.jtorch.nn;

import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Shapes;
import dev.jtorch.tensor.Tensor;

import java.util.Arrays;

/** Batch and layer normalisation, as {@code F.batch_norm} and {@code F.layer_norm}. */
final class Normalization {
    private Normalization() {}

    /**
     * Normalises over every dimension but 1. Training uses the batch's statistics (biased variance) and, when
     * running statistics are given, blends them in place with {@code momentum}, using the unbiased variance
     * for {@code running_var} as PyTorch does; otherwise the running statistics normalise.
     */
    static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                            boolean training, double momentum, double eps) {
        if (input.dim() < 2) throw new IllegalArgumentException("batch_norm: expected an input with at least 2 dimensions (N, C, ...), got size " + Shapes.str(input.shape()));
        long channels = input.size(1);
        checkFeatures("running_mean", channels, runningMean);
        checkFeatures("running_var", channels, runningVar);
        checkFeatures("weight", channels, weight);
        checkFeatures("bias", channels, bias);
        long[] statShape = new long[input.dim()];
        Arrays.fill(statShape, 1);
        statShape[1] = channels;
        int[] reduced = new int[input.dim() - 1];
        reduced[0] = 0;
        for (int i = 2; i < input.dim(); i++) reduced[i - 1] = i;

        Tensor normalized;
        if (training) {
            long perChannel = input.numel() / Math.max(channels, 1);
            if (perChannel == 1) {
                throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size torch.Size(" + Shapes.str(input.shape()) + ")");
            }
            Tensor mean = input.mean(reduced, true);
            Tensor centered = input.sub(mean);
            Tensor var = centered.square().mean(reduced, true);
            normalized = centered.mul(var.add(eps).rsqrt());
            if (runningMean != null || runningVar != null) {
                try (var g = GradMode.noGrad()) {
                    if (runningMean != null) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.view(channels).mul(momentum)));
                    if (runningVar != null) {
                        Tensor unbiased = var.view(channels).mul((double) perChannel / (perChannel - 1));
                        runningVar.copy_(runningVar.mul(1 - momentum).add(unbiased.mul(momentum)));
                    }
                }
            }
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("running_mean and running_var must be defined in evaluation mode");
            }
            normalized = input.sub(runningMean.view(statShape)).mul(runningVar.view(statShape).add(eps).rsqrt());
        }
        if (weight != null) normalized = normalized.mul(weight.view(statShape));
        if (bias != null) normalized = normalized.add(bias.view(statShape));
        return normalized;
    }

    private static void checkFeatures(String name, long channels, Tensor t) {
        if (t != null && t.numel() != channels) throw new IllegalArgumentException(name + " should contain " + channels + " elements not " + t.numel());
    }

    /** Normalises over the trailing {@code normalizedShape} dimensions with the biased variance. */
    static Tensor layerNorm(Tensor input, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length;
        long[] shape = input.shape();
        boolean matches = k > 0 && shape.length >= k
                && Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape);
        if (!matches) {
            StringBuilder expected = new StringBuilder("[*");
            for (long s : normalizedShape) expected.append(", ").append(s);
            throw new IllegalArgumentException("Given normalized_shape=" + Shapes.str(normalizedShape) + ", expected input with shape "
                    + expected + "], but got input of size" + Shapes.str(shape));
        }
        checkAffineShape("weight", normalizedShape, weight);
        checkAffineShape("bias", normalizedShape, bias);
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = shape.length - k + i;
        Tensor centered = input.sub(input.mean(dims, true));
        Tensor var = centered.square().mean(dims, true);
        Tensor out = centered.mul(var.add(eps).rsqrt());
        if (weight != null) out = out.mul(weight);
        if (bias != null) out = out.add(bias);
        return out;
    }

    private static void checkAffineShape(String name, long[] normalizedShape, Tensor t) {
        if (t != null && !Arrays.equals(t.shape(), normalizedShape)) {
            throw new IllegalArgumentException("Expected " + name + " to be of same shape as normalized_shape, but got " + name + " of shape "
                    + Shapes.str(t.shape()) + " and normalized_shape = " + Shapes.str(normalizedShape));
        }
    }
}
