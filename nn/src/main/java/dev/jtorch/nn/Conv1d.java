package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** 1-d convolution over NCL (or unbatched CL) input, as {@code nn.Conv1d}; see {@link #builder} for keyword arguments. */
public class Conv1d extends ConvNd {

    public Conv1d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0); }

    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride) { this(inChannels, outChannels, kernelSize, stride, 0); }

    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, Padding.of(padding), 1, 1, true);
    }

    /** {@code padding}: "same" or "valid". */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, String padding) {
        this(inChannels, outChannels, kernelSize, stride, Padding.parse(padding), 1, 1, true);
    }

    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, Padding padding, int dilation, int groups, boolean bias) {
        super(1, inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, padding, new int[] {dilation}, groups, bias);
    }

    public static ConvBuilder<Conv1d> builder(int inChannels, int outChannels, int kernelSize) {
        return new ConvBuilder<>(inChannels, outChannels, new int[] {kernelSize}, b -> new Conv1d(b.inChannels, b.outChannels,
                b.kernelSize[0], single(b.stride, "stride"), b.padding, single(b.dilation, "dilation"), b.groups, b.bias));
    }

    private static int single(int[] v, String name) {
        if (v.length != 1) throw new IllegalArgumentException("Conv1d takes one " + name + ", got " + v.length);
        return v[0];
    }

    @Override public Tensor forward(Tensor input) {
        return F.conv1d(input, weight(), bias(), stride[0], padding, dilation[0], groups);
    }
}
