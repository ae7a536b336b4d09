package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** {@code y = x W^T + b}, as {@code nn.Linear}: weight [out_features, in_features], bias [out_features]. */
public class Linear extends Module {
    private final int inFeatures, outFeatures;

    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true); }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 0 || outFeatures < 0) throw new IllegalArgumentException("Linear features must be non-negative, got in_features=" + inFeatures + ", out_features=" + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        registerParameter("weight", Tensor.empty(outFeatures, inFeatures));
        registerParameter("bias", bias ? Tensor.empty(outFeatures) : null);
        resetParameters();
    }

    /** PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias. */
    public void resetParameters() {
        Init.kaimingUniform_(weight(), Math.sqrt(5));
        if (bias() != null) {
            long fanIn = Init.calculateFanInAndFanOut(weight()).fanIn();
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            Init.uniform_(bias(), -bound, bound);
        }
    }

    public Tensor weight() { return param("weight"); }
    public Tensor bias() { return param("bias"); }
    public int inFeatures() { return inFeatures; }
    public int outFeatures() { return outFeatures; }

    @Override public Tensor forward(Tensor input) { return F.linear(input, weight(), bias()); }

    @Override public String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + PyRepr.bool(bias() != null);
    }
}
