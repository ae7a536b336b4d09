package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * As {@code nn.KLDivLoss(reduction="mean", log_target=False)}, input in log space; also takes
 * {@link Reduction#BATCHMEAN}, the divergence's own definition. See {@link Losses#klDiv}.
 */
public final class KLDivLoss extends Loss {
    private final boolean logTarget;

    public KLDivLoss() { this(Reduction.MEAN, false); }
    public KLDivLoss(Reduction reduction) { this(reduction, false); }

    public KLDivLoss(Reduction reduction, boolean logTarget) {
        super(reduction, true);
        this.logTarget = logTarget;
    }

    public boolean logTarget() { return logTarget; }

    @Override public Tensor forward(Tensor input, Tensor target) { return Losses.klDiv(input, target, reduction(), logTarget); }
}
