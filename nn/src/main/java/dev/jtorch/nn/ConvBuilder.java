package dev.jtorch.nn;

import java.util.function.Function;

/**
 * PyTorch's keyword arguments for a convolution layer:
 * {@code Conv2d.builder(3, 16, 3).stride(2).padding(1).groups(1).bias(false).build()}.
 */
public final class ConvBuilder<M extends ConvNd> {
    final int inChannels, outChannels;
    final int[] kernelSize;
    int[] stride = {1}, dilation = {1};
    Padding padding = Padding.of(0);
    int groups = 1;
    boolean bias = true;
    private final Function<ConvBuilder<M>, M> factory;

    ConvBuilder(int inChannels, int outChannels, int[] kernelSize, Function<ConvBuilder<M>, M> factory) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize.clone();
        this.factory = factory;
    }

    public ConvBuilder<M> stride(int... stride) { this.stride = stride.clone(); return this; }
    public ConvBuilder<M> padding(int... padding) { this.padding = Padding.of(padding); return this; }
    /** "same" or "valid". */
    public ConvBuilder<M> padding(String padding) { this.padding = Padding.parse(padding); return this; }
    public ConvBuilder<M> padding(Padding padding) { this.padding = padding; return this; }
    public ConvBuilder<M> dilation(int... dilation) { this.dilation = dilation.clone(); return this; }
    public ConvBuilder<M> groups(int groups) { this.groups = groups; return this; }
    public ConvBuilder<M> bias(boolean bias) { this.bias = bias; return this; }

    public M build() { return factory.apply(this); }
}
