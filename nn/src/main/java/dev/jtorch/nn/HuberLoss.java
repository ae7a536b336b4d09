package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** As {@code nn.HuberLoss(reduction, delta=1.0)}; see {@link Losses#huberLoss}. */
public final class HuberLoss extends Loss {
    private final double delta;

    public HuberLoss() { this(Reduction.MEAN, 1.0); }
    public HuberLoss(Reduction reduction) { this(reduction, 1.0); }

    public HuberLoss(Reduction reduction, double delta) {
        super(reduction);
        if (!(delta > 0)) throw new IllegalArgumentException("huber_loss does not support non-positive values for delta.");
        this.delta = delta;
    }

    public double delta() { return delta; }

    @Override public Tensor forward(Tensor input, Tensor target) { return Losses.huberLoss(input, target, reduction(), delta); }
}
