package dev.jtorch.nn;

import java.util.Arrays;

/**
 * Convolution padding as PyTorch takes it: explicit sizes (one for every spatial dimension, or one for all),
 * or the strings {@code "same"} (output as large as the input; stride 1 only) and {@code "valid"} (none).
 */
public final class Padding {
    public static final Padding SAME = new Padding("same", null);
    public static final Padding VALID = new Padding("valid", null);

    private final String mode;
    private final int[] sizes;

    private Padding(String mode, int[] sizes) {
        this.mode = mode;
        this.sizes = sizes;
    }

    public static Padding of(int... sizes) {
        if (sizes.length == 0) throw new IllegalArgumentException("padding needs at least one size");
        for (int s : sizes) if (s < 0) throw new IllegalArgumentException("negative padding is not supported, got " + Arrays.toString(sizes));
        return new Padding(null, sizes.clone());
    }

    /** {@code "same"} or {@code "valid"}, with PyTorch's error for anything else. */
    public static Padding parse(String mode) {
        return switch (mode) {
            case "same" -> SAME;
            case "valid" -> VALID;
            default -> throw new IllegalArgumentException("Invalid padding string '" + mode + "', should be one of {'valid', 'same'}");
        };
    }

    public boolean isSame() { return this == SAME; }
    public boolean isValid() { return this == VALID; }

    /** The explicit sizes for {@code spatialDims} dimensions (zeros for "valid"); "same" has none until the kernel is known. */
    int[] sizes(int spatialDims) {
        if (isSame()) throw new IllegalStateException("'same' padding depends on the kernel");
        if (isValid()) return new int[spatialDims];
        return Args.expand(sizes, spatialDims, "padding");
    }

    /** Whether this is no padding at all, which the module repr leaves out. */
    boolean isZero() {
        if (mode != null) return false;
        for (int s : sizes) if (s != 0) return false;
        return true;
    }

    /** As a conv module's repr prints it: {@code same}, {@code (1, 1)}. */
    String repr(int spatialDims) { return mode != null ? mode : PyRepr.tuple(Args.expand(sizes, spatialDims, "padding")); }

    @Override public boolean equals(Object o) {
        return o instanceof Padding p && java.util.Objects.equals(mode, p.mode) && Arrays.equals(sizes, p.sizes);
    }

    @Override public int hashCode() { return java.util.Objects.hash(mode, Arrays.hashCode(sizes)); }

    @Override public String toString() { return mode != null ? mode : Arrays.toString(sizes); }
}
