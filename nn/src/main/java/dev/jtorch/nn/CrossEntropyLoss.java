package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * As {@code nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0)}:
 * log-softmax and negative log likelihood of class indices, or cross entropy against class probabilities.
 * See {@link Losses#crossEntropy}.
 */
public final class CrossEntropyLoss extends Loss {
    private final long ignoreIndex;
    private final double labelSmoothing;

    public CrossEntropyLoss() { this(null, Losses.DEFAULT_IGNORE_INDEX, Reduction.MEAN, 0.0); }
    public CrossEntropyLoss(Reduction reduction) { this(null, Losses.DEFAULT_IGNORE_INDEX, reduction, 0.0); }
    public CrossEntropyLoss(Tensor weight) { this(weight, Losses.DEFAULT_IGNORE_INDEX, Reduction.MEAN, 0.0); }

    public CrossEntropyLoss(Tensor weight, long ignoreIndex, Reduction reduction, double labelSmoothing) {
        super(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        registerBuffer("weight", weight);
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    public Tensor weight() { return buffer("weight"); }
    public long ignoreIndex() { return ignoreIndex; }
    public double labelSmoothing() { return labelSmoothing; }

    @Override public Tensor forward(Tensor input, Tensor target) {
        return Losses.crossEntropy(input, target, weight(), ignoreIndex, reduction(), labelSmoothing);
    }
}
