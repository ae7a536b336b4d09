package dev.jtorch.cpu;

import java.lang.foreign.MemorySegment;

/**
 * What a GEMM does to each finished C tile before it leaves the cache:
 * {@code C = activation(alpha * A @ B + beta * C + bias)}.
 *
 * <p>The bias is a vector of the GEMM's element type (float for {@link Sgemm}, double for {@link Dgemm}) read from
 * {@code bias} at element offset {@code biasOffset}: {@link BiasAxis#PER_COLUMN} adds {@code bias[j]} to column j
 * (n entries, as {@code nn.Linear}); {@link BiasAxis#PER_ROW} adds {@code bias[i]} to row i (m entries, as a
 * convolution's output channels when C is channels x pixels). A null {@code bias} means no bias.
 */
public record Epilogue(MemorySegment bias, long biasOffset, BiasAxis biasAxis, Activation activation) {
    /** Which index of C the bias follows. */
    public enum BiasAxis { PER_COLUMN, PER_ROW }

    /** No bias, no activation: the plain GEMM. */
    public static final Epilogue NONE = new Epilogue(null, 0, BiasAxis.PER_COLUMN, Activation.NONE);

    public Epilogue {
        if (biasAxis == null) throw new IllegalArgumentException("biasAxis must not be null");
        if (activation == null) throw new IllegalArgumentException("activation must not be null");
        if (biasOffset < 0) throw new IllegalArgumentException("biasOffset must be >= 0, got " + biasOffset);
    }

    /** A bias per column of C (per output feature of a Linear layer), then {@code activation}. */
    public static Epilogue biasPerColumn(MemorySegment bias, long biasOffset, Activation activation) {
        return new Epilogue(bias, biasOffset, BiasAxis.PER_COLUMN, activation);
    }

    /** A bias per row of C (per output channel of a convolution), then {@code activation}. */
    public static Epilogue biasPerRow(MemorySegment bias, long biasOffset, Activation activation) {
        return new Epilogue(bias, biasOffset, BiasAxis.PER_ROW, activation);
    }

    /** No bias, only {@code activation}. */
    public static Epilogue activationOnly(Activation activation) {
        return new Epilogue(null, 0, BiasAxis.PER_COLUMN, activation);
    }

    public boolean hasBias() { return bias != null; }

    /** True when applying this epilogue changes nothing. */
    public boolean isIdentity() { return bias == null && activation == Activation.NONE; }
}
