package dev.jtorch.data.transforms;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * Image pixels to a float tensor {@code [C, H, W]} in {@code [0, 1]}, as {@code transforms.ToTensor}. The input
 * is what the datasets here yield: an integer tensor of values 0..255 (jtorch has no uint8), shaped {@code [H, W]}
 * (one channel) or {@code [H, W, C]}. {@link #fromBytes} does the same from raw unsigned bytes.
 */
public record ToTensor() implements Transform {
    @Override public Tensor apply(Tensor image) {
        if (image.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("ToTensor expects integer pixels 0..255 shaped [H, W] or [H, W, C], got " + image.dtype()
                    + "; the image is already a float tensor");
        }
        Tensor chw = switch (image.dim()) {
            case 2 -> image.unsqueeze(0);
            case 3 -> image.permute(2, 0, 1);
            default -> throw new IllegalArgumentException("ToTensor expects an image shaped [H, W] or [H, W, C], got " + image.dim() + " dimensions");
        };
        return chw.to(DType.FLOAT32).div(255.0).contiguous();
    }

    /** Unsigned bytes in {@code H x W x C} order to a float {@code [C, H, W]} tensor in [0, 1]. */
    public static Tensor fromBytes(byte[] pixels, int offset, int height, int width, int channels) {
        int plane = height * width;
        float[] out = new float[plane * channels];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < channels; c++) {
                out[c * plane + p] = (pixels[offset + p * channels + c] & 0xff) / 255f;
            }
        }
        return Tensor.fromSegment(MemorySegment.ofArray(out), new long[] {channels, height, width}, DType.FLOAT32);
    }
}
