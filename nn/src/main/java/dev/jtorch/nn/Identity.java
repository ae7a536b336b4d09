package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Returns its input, as {@code nn.Identity}: a placeholder where a layer is switched off. */
public class Identity extends Module {
    @Override public Tensor forward(Tensor input) { return input; }
}
