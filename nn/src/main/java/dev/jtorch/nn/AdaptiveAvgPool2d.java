package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Average pooling to a fixed output size whatever the input size, as {@code nn.AdaptiveAvgPool2d}. */
public class AdaptiveAvgPool2d extends Module {
    private final int[] outputSize;

    /** One size for both dimensions ({@code output_size=1}) or (H, W) ({@code output_size=(1, 1)}). */
    public AdaptiveAvgPool2d(int... outputSize) {
        if (outputSize.length != 1 && outputSize.length != 2) throw new IllegalArgumentException("output_size must be an int or a pair, got " + outputSize.length + " values");
        this.outputSize = outputSize.clone();
    }

    public int[] outputSize() { return outputSize.clone(); }

    @Override public Tensor forward(Tensor input) { return F.adaptiveAvgPool2d(input, outputSize); }

    @Override public String extraRepr() { return "output_size=" + PyRepr.intOrTuple(outputSize); }
}
