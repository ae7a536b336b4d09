package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * Sigmoid and binary cross entropy in one stable loss, as
 * {@code nn.BCEWithLogitsLoss(weight=None, reduction="mean", pos_weight=None)}; see {@link Losses#binaryCrossEntropyWithLogits}.
 */
public final class BCEWithLogitsLoss extends Loss {
    public BCEWithLogitsLoss() { this(null, Reduction.MEAN, null); }
    public BCEWithLogitsLoss(Reduction reduction) { this(null, reduction, null); }

    /** {@code weight} rescales each element; {@code posWeight} (one per class, the last dim) weighs positive examples. Either may be null. */
    public BCEWithLogitsLoss(Tensor weight, Reduction reduction, Tensor posWeight) {
        super(reduction);
        registerBuffer("weight", weight);
        registerBuffer("pos_weight", posWeight);
    }

    public Tensor weight() { return buffer("weight"); }
    public Tensor posWeight() { return buffer("pos_weight"); }

    @Override public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(input, target, weight(), reduction(), posWeight());
    }
}
