package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Batch normalisation over the features of NC or NCL input, as {@code nn.BatchNorm1d}. */
public class BatchNorm1d extends BatchNormBase {
    public BatchNorm1d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

    /** A null momentum is PyTorch's {@code momentum=None}: a cumulative average. */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override protected void checkInputDim(Tensor input) {
        if (input.dim() != 2 && input.dim() != 3) throw new IllegalArgumentException("expected 2D or 3D input (got " + input.dim() + "D input)");
    }
}
