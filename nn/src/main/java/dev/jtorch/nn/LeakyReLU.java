package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** {@code x} where positive, {@code negativeSlope * x} elsewhere, as {@code nn.LeakyReLU}. */
public class LeakyReLU extends Module {
    private final double negativeSlope;
    private final boolean inplace;

    public LeakyReLU() { this(0.01); }
    public LeakyReLU(double negativeSlope) { this(negativeSlope, false); }

    public LeakyReLU(double negativeSlope, boolean inplace) {
        this.negativeSlope = negativeSlope;
        this.inplace = inplace;
    }

    @Override public Tensor forward(Tensor input) { return F.leakyRelu(input, negativeSlope, inplace); }

    @Override public String extraRepr() {
        return "negative_slope=" + PyRepr.floating(negativeSlope) + (inplace ? ", inplace=True" : "");
    }
}
