package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Hyperbolic tangent, as {@code nn.Tanh}. */
public class Tanh extends Module {
    @Override public Tensor forward(Tensor input) { return F.tanh(input); }
}
