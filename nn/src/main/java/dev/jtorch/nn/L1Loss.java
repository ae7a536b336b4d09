package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Mean absolute error, as {@code nn.L1Loss}; see {@link Losses#l1Loss}. */
public final class L1Loss extends Loss {
    public L1Loss() { this(Reduction.MEAN); }
    public L1Loss(Reduction reduction) { super(reduction); }

    @Override public Tensor forward(Tensor input, Tensor target) { return Losses.l1Loss(input, target, reduction()); }
}
