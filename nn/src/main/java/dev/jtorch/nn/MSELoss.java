package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Mean squared error, as {@code nn.MSELoss}; see {@link Losses#mseLoss}. */
public final class MSELoss extends Loss {
    public MSELoss() { this(Reduction.MEAN); }
    public MSELoss(Reduction reduction) { super(reduction); }

    @Override public Tensor forward(Tensor input, Tensor target) { return Losses.mseLoss(input, target, reduction()); }
}
