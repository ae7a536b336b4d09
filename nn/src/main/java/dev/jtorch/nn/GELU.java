package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Gaussian error linear unit, as {@code nn.GELU}: exact (erf) by default, or the "tanh" approximation. */
public class GELU extends Module {
    private final String approximate;

    public GELU() { this("none"); }

    public GELU(String approximate) {
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("approximate argument must be either none or tanh, got '" + approximate + "'");
        }
        this.approximate = approximate;
    }

    @Override public Tensor forward(Tensor input) { return F.gelu(input, approximate); }

    @Override public String extraRepr() { return "approximate='" + approximate + "'"; }
}
