package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Normalisation over the trailing {@code normalizedShape} dimensions of each sample, as {@code nn.LayerNorm}. */
public class LayerNorm extends Module {
    private final long[] normalizedShape;
    private final double eps;
    private final boolean elementwiseAffine;

    public LayerNorm(long... normalizedShape) { this(normalizedShape, 1e-5, true, true); }

    public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine) { this(normalizedShape, eps, elementwiseAffine, true); }

    /** {@code bias=false} keeps the weight but drops the bias, as PyTorch's {@code bias} argument. */
    public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("normalized_shape must have at least one dimension");
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : null);
        registerParameter("bias", elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : null);
    }

    public void resetParameters() {
        if (weight() != null) Init.ones_(weight());
        if (bias() != null) Init.zeros_(bias());
    }

    public Tensor weight() { return param("weight"); }
    public Tensor bias() { return param("bias"); }
    public long[] normalizedShape() { return normalizedShape.clone(); }

    @Override public Tensor forward(Tensor input) { return F.layerNorm(input, normalizedShape, weight(), bias(), eps); }

    @Override public String extraRepr() {
        return PyRepr.tuple(normalizedShape) + ", eps=" + PyRepr.floating(eps) + ", elementwise_affine=" + PyRepr.bool(elementwiseAffine);
    }
}
