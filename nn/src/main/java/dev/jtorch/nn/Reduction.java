package dev.jtorch.nn;

/**
 * How a loss reduces its per-element values, as PyTorch's {@code reduction=} strings. {@link #BATCHMEAN}
 * (the sum divided by the batch size) is only valid for {@link KLDivLoss}, where it gives the true KL divergence.
 */
public enum Reduction {
    NONE("none"), MEAN("mean"), SUM("sum"), BATCHMEAN("batchmean");

    private final String pyName;

    Reduction(String pyName) { this.pyName = pyName; }

    /** The string PyTorch uses ({@code "mean"}). */
    public String pyName() { return pyName; }

    /** Parses PyTorch's strings: "none", "mean", "sum", "batchmean". */
    public static Reduction parse(String name) {
        for (Reduction r : values()) if (r.pyName.equals(name)) return r;
        throw new IllegalArgumentException(name + " is not a valid value for reduction");
    }

    @Override public String toString() { return pyName; }
}
