package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, as PyTorch's {@code _BatchNorm}: affine weight
 * (ones) and bias (zeros), buffers running_mean (zeros), running_var (ones) and num_batches_tracked
 * (int64 0). A null momentum averages cumulatively over every batch seen.
 */
public abstract class BatchNormBase extends Module {
    protected final int numFeatures;
    protected final double eps;
    protected final Double momentum;
    protected final boolean affine, trackRunningStats;

    protected BatchNormBase(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) throw new IllegalArgumentException("num_features must be positive, got " + numFeatures);
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        registerParameter("weight", affine ? Tensor.ones(numFeatures) : null);
        registerParameter("bias", affine ? Tensor.zeros(numFeatures) : null);
        registerBuffer("running_mean", trackRunningStats ? Tensor.zeros(numFeatures) : null);
        registerBuffer("running_var", trackRunningStats ? Tensor.ones(numFeatures) : null);
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.scalar(0, DType.INT64) : null);
    }

    /** Rejects an input of the wrong rank with PyTorch's message. */
    protected abstract void checkInputDim(Tensor input);

    public Tensor weight() { return param("weight"); }
    public Tensor bias() { return param("bias"); }
    public Tensor runningMean() { return buffer("running_mean"); }
    public Tensor runningVar() { return buffer("running_var"); }
    public Tensor numBatchesTracked() { return buffer("num_batches_tracked"); }
    public int numFeatures() { return numFeatures; }

    public void resetRunningStats() {
        if (!trackRunningStats) return;
        try (var g = GradMode.noGrad()) {
            runningMean().zero_();
            runningVar().fill_(1);
            numBatchesTracked().zero_();
        }
    }

    public void resetParameters() {
        resetRunningStats();
        if (affine) {
            Init.ones_(weight());
            Init.zeros_(bias());
        }
    }

    @Override public Tensor forward(Tensor input) {
        checkInputDim(input);
        double factor = momentum == null ? 0.0 : momentum;
        if (training && trackRunningStats) {
            Tensor count = numBatchesTracked();
            try (var g = GradMode.noGrad()) {
                count.add_(1);
            }
            if (momentum == null) factor = 1.0 / count.item();
        }
        // without running statistics there is nothing else to normalise with, so eval uses the batch too
        boolean useBatchStats = training || !trackRunningStats;
        boolean updateStats = training && trackRunningStats;
        return F.batchNorm(input, updateStats || !useBatchStats ? runningMean() : null, updateStats || !useBatchStats ? runningVar() : null,
                weight(), bias(), useBatchStats, factor, eps);
    }

    @Override public String extraRepr() {
        return numFeatures + ", eps=" + PyRepr.floating(eps) + ", momentum=" + (momentum == null ? "None" : PyRepr.floating(momentum))
                + ", affine=" + PyRepr.bool(affine) + ", track_running_stats=" + PyRepr.bool(trackRunningStats);
    }
}
