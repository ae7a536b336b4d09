package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * What {@link Conv1d} and {@link Conv2d} share, as PyTorch's {@code _ConvNd}: weight
 * [out_channels, in_channels / groups, *kernel_size], optional bias [out_channels], their default
 * initialisation, and the repr that shows padding, dilation, groups and bias only when not the default.
 */
public abstract class ConvNd extends Module {
    protected final int inChannels, outChannels, groups;
    protected final int[] kernelSize, stride, dilation;
    protected final Padding padding;

    protected ConvNd(int spatialDims, int inChannels, int outChannels, int[] kernelSize, int[] stride, Padding padding,
                     int[] dilation, int groups, boolean bias) {
        if (groups <= 0) throw new IllegalArgumentException("groups must be a positive integer");
        if (inChannels % groups != 0) throw new IllegalArgumentException("in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new IllegalArgumentException("out_channels must be divisible by groups");
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = Args.positive(Args.expand(kernelSize, spatialDims, "kernel_size"), "kernel_size");
        this.stride = Args.positive(Args.expand(stride, spatialDims, "stride"), "stride");
        this.dilation = Args.positive(Args.expand(dilation, spatialDims, "dilation"), "dilation");
        if (padding.isSame()) {
            for (int s : this.stride) if (s != 1) throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
        } else {
            padding.sizes(spatialDims); // rejects a wrong count now rather than at the first forward
        }
        this.padding = padding;
        long[] shape = new long[spatialDims + 2];
        shape[0] = outChannels;
        shape[1] = inChannels / groups;
        for (int i = 0; i < spatialDims; i++) shape[i + 2] = this.kernelSize[i];
        registerParameter("weight", Tensor.empty(shape));
        registerParameter("bias", bias ? Tensor.empty(outChannels) : null);
        resetParameters();
    }

    /** PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias. */
    public void resetParameters() {
        Init.kaimingUniform_(weight(), Math.sqrt(5));
        if (bias() != null) {
            long fanIn = Init.calculateFanInAndFanOut(weight()).fanIn();
            if (fanIn != 0) {
                double bound = 1 / Math.sqrt(fanIn);
                Init.uniform_(bias(), -bound, bound);
            }
        }
    }

    public Tensor weight() { return param("weight"); }
    public Tensor bias() { return param("bias"); }
    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }
    public int groups() { return groups; }
    public int[] kernelSize() { return kernelSize.clone(); }
    public int[] stride() { return stride.clone(); }
    public int[] dilation() { return dilation.clone(); }
    public Padding padding() { return padding; }

    @Override public String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(PyRepr.tuple(kernelSize)).append(", stride=").append(PyRepr.tuple(stride));
        if (!padding.isZero()) s.append(", padding=").append(padding.repr(kernelSize.length));
        boolean unitDilation = true;
        for (int d : dilation) unitDilation &= d == 1;
        if (!unitDilation) s.append(", dilation=").append(PyRepr.tuple(dilation));
        if (groups != 1) s.append(", groups=").append(groups);
        if (bias() == null) s.append(", bias=False");
        return s.toString();
    }
}
