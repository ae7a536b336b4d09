package dev.jtorch.data.transforms;

/** How {@link Resize} samples the source image, as {@code InterpolationMode}. */
public enum Interpolation {
    /** PyTorch's {@code mode="nearest"}: source index {@code floor(dst * in / out)}. */
    NEAREST,
    /** PyTorch's {@code mode="bilinear", align_corners=False}, without antialiasing. */
    BILINEAR
}
