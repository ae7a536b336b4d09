package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Batch normalisation over the channels of NCHW input, as {@code nn.BatchNorm2d}. */
public class BatchNorm2d extends BatchNormBase {
    public BatchNorm2d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

    /** A null momentum is PyTorch's {@code momentum=None}: a cumulative average. */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override protected void checkInputDim(Tensor input) {
        if (input.dim() != 4) throw new IllegalArgumentException("expected 4D input (got " + input.dim() + "D input)");
    }
}
