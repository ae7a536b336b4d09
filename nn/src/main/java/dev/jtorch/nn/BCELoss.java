package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Binary cross entropy of probabilities, as {@code nn.BCELoss(weight=None, reduction="mean")}; see {@link Losses#binaryCrossEntropy}. */
public final class BCELoss extends Loss {
    public BCELoss() { this(null, Reduction.MEAN); }
    public BCELoss(Reduction reduction) { this(null, reduction); }

    /** {@code weight} (may be null) rescales each element's loss, broadcast to the target's shape. */
    public BCELoss(Tensor weight, Reduction reduction) {
        super(reduction);
        registerBuffer("weight", weight);
    }

    public Tensor weight() { return buffer("weight"); }

    @Override public Tensor forward(Tensor input, Tensor target) { return Losses.binaryCrossEntropy(input, target, weight(), reduction()); }
}
