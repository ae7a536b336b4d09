package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Negative log likelihood, as {@code nn.NLLLoss(weight=None, ignore_index=-100, reduction="mean")}; see {@link Losses#nllLoss}. */
public final class NLLLoss extends Loss {
    private final long ignoreIndex;

    public NLLLoss() { this(null, Losses.DEFAULT_IGNORE_INDEX, Reduction.MEAN); }
    public NLLLoss(Reduction reduction) { this(null, Losses.DEFAULT_IGNORE_INDEX, reduction); }
    public NLLLoss(Tensor weight) { this(weight, Losses.DEFAULT_IGNORE_INDEX, Reduction.MEAN); }

    public NLLLoss(Tensor weight, long ignoreIndex, Reduction reduction) {
        super(reduction);
        registerBuffer("weight", weight);
        this.ignoreIndex = ignoreIndex;
    }

    public Tensor weight() { return buffer("weight"); }
    public long ignoreIndex() { return ignoreIndex; }

    @Override public Tensor forward(Tensor input, Tensor target) { return Losses.nllLoss(input, target, weight(), ignoreIndex, reduction()); }
}
