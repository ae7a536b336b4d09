package dev.jtorch.data.transforms;

import dev.jtorch.data.WorkerRandom;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

import java.util.Arrays;

/**
 * A random {@code height x width} window of {@code [..., H, W]} after zero-padding each border by {@code padding},
 * as {@code transforms.RandomCrop(size, padding)}. Draws from {@code generator}, or when it is null from
 * {@link WorkerRandom#current()}.
 */
public record RandomCrop(int height, int width, int padding, Generator generator) implements Transform {
    public RandomCrop {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("crop size must be positive, got " + height + "x" + width);
        if (padding < 0) throw new IllegalArgumentException("padding must be non-negative, got " + padding);
    }

    public RandomCrop(int size, int padding) { this(size, size, padding, null); }

    public RandomCrop(int size) { this(size, size, 0, null); }

    @Override public Tensor apply(Tensor x) {
        if (x.dim() < 2) throw new IllegalArgumentException("RandomCrop expects [..., H, W], got " + Arrays.toString(x.shape()));
        Tensor padded = padding == 0 ? x : pad(x, padding);
        long h = padded.size(-2), w = padded.size(-1);
        if (h < height || w < width) {
            throw new IllegalArgumentException("Required crop size (" + height + ", " + width + ") is larger than input image size (" + h + ", " + w + ")");
        }
        Generator g = generator != null ? generator : WorkerRandom.current();
        long top = (long) Math.floor(g.nextDouble() * (h - height + 1));
        long left = (long) Math.floor(g.nextDouble() * (w - width + 1));
        return padded.narrow(-2, top, height).narrow(-1, left, width).contiguous();
    }

    static Tensor pad(Tensor x, int padding) {
        long[] shape = x.shape();
        shape[shape.length - 2] += 2L * padding;
        shape[shape.length - 1] += 2L * padding;
        Tensor out = Tensor.zeros(shape, x.dtype());
        out.narrow(-2, padding, x.size(-2)).narrow(-1, padding, x.size(-1)).copy_(x);
        return out;
    }
}
