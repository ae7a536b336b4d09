package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** {@code max(0, x)}, as {@code nn.ReLU}. */
public class ReLU extends Module {
    private final boolean inplace;

    public ReLU() { this(false); }
    public ReLU(boolean inplace) { this.inplace = inplace; }

    @Override public Tensor forward(Tensor input) { return F.relu(input, inplace); }

    @Override public String extraRepr() { return inplace ? "inplace=True" : ""; }
}
