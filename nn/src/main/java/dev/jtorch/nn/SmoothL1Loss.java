package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** As {@code nn.SmoothL1Loss(reduction, beta=1.0)}; see {@link Losses#smoothL1Loss}. */
public final class SmoothL1Loss extends Loss {
    private final double beta;

    public SmoothL1Loss() { this(Reduction.MEAN, 1.0); }
    public SmoothL1Loss(Reduction reduction) { this(reduction, 1.0); }

    public SmoothL1Loss(Reduction reduction, double beta) {
        super(reduction);
        if (beta < 0) throw new IllegalArgumentException("smooth_l1_loss does not support negative values for beta.");
        this.beta = beta;
    }

    public double beta() { return beta; }

    @Override public Tensor forward(Tensor input, Tensor target) { return Losses.smoothL1Loss(input, target, reduction(), beta); }
}
