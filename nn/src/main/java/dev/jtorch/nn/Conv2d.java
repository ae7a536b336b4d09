package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** 2-d convolution over NCHW (or unbatched CHW) input, as {@code nn.Conv2d}; see {@link #builder} for keyword arguments. */
public class Conv2d extends ConvNd {

    public Conv2d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0); }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride) { this(inChannels, outChannels, kernelSize, stride, 0); }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, Padding.of(padding), new int[] {1}, 1, true);
    }

    /** {@code padding}: "same" or "valid". */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, String padding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, Padding.parse(padding), new int[] {1}, 1, true);
    }

    /** Every argument; int arrays hold one value for both dimensions or (H, W). */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, Padding padding, int[] dilation, int groups, boolean bias) {
        super(2, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias);
    }

    public static ConvBuilder<Conv2d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new ConvBuilder<>(inChannels, outChannels, kernelSize,
                b -> new Conv2d(b.inChannels, b.outChannels, b.kernelSize, b.stride, b.padding, b.dilation, b.groups, b.bias));
    }

    @Override public Tensor forward(Tensor input) {
        return F.conv2d(input, weight(), bias(), stride, padding, dilation, groups);
    }
}
