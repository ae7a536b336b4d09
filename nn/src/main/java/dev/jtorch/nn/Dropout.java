package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Zeroes elements with probability {@code p} while training and scales the rest by {@code 1/(1-p)}, as {@code nn.Dropout}. */
public class Dropout extends Module {
    private final double p;
    private final boolean inplace;

    public Dropout() { this(0.5); }
    public Dropout(double p) { this(p, false); }

    public Dropout(double p, boolean inplace) {
        checkProbability(p);
        this.p = p;
        this.inplace = inplace;
    }

    static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + PyRepr.floating(p));
    }

    public double p() { return p; }

    @Override public Tensor forward(Tensor input) { return F.dropout(input, p, training, inplace); }

    @Override public String extraRepr() { return "p=" + PyRepr.floating(p) + ", inplace=" + PyRepr.bool(inplace); }
}
