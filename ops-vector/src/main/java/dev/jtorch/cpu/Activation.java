package dev.jtorch.cpu;

/** The element-wise activation a GEMM {@link Epilogue} applies last, while the C tile is still in cache. */
public enum Activation {
    /** Identity. */
    NONE,
    /** {@code max(x, 0)}; NaN stays NaN, as {@code torch.relu}. */
    RELU
}
