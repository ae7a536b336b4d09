package dev.jtorch.data.transforms;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code (x - mean[c]) / std[c]} per channel of a float {@code [..., C, H, W]} tensor, as {@code transforms.Normalize}.
 * A single mean and std apply to every channel.
 */
public record Normalize(double[] mean, double[] std) implements Transform {
    public Normalize {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize needs as many means as stds, got " + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (double s : std) {
            if (s == 0) throw new IllegalArgumentException("std evaluated to zero after conversion to torch.float32, leading to division by zero.");
        }
        mean = mean.clone();
        std = std.clone();
    }

    public Normalize(double mean, double std) { this(new double[] {mean}, new double[] {std}); }

    @Override public Tensor apply(Tensor x) {
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("Input tensor should be a float tensor. Got " + x.dtype() + ".");
        if (x.dim() < 3) throw new IllegalArgumentException("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = " + Arrays.toString(x.shape()) + ".");
        long channels = x.size(-3);
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("Normalize has " + mean.length + " means for an image of " + channels + " channels");
        }
        if (mean.length == 1) return x.sub(mean[0]).div(std[0]); // scalars: no per-sample tensors to build
        Tensor m = channelTensor(mean, x.dtype());
        Tensor s = channelTensor(std, x.dtype());
        return x.sub(m).div(s);
    }

    private static Tensor channelTensor(double[] values, DType dtype) {
        return Tensor.of(values).to(dtype).view(values.length, 1, 1);
    }

    @Override public String toString() { return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")"; }
}
