package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * 2-d average pooling, as {@code nn.AvgPool2d}; the stride defaults to the kernel size, and with
 * {@code countIncludePad} the zero padding counts towards each window's divisor.
 */
public class AvgPool2d extends Module {
    private final int[] kernelSize, stride, padding;
    private final boolean ceilMode, countIncludePad;

    public AvgPool2d(int kernelSize) { this(kernelSize, kernelSize); }
    public AvgPool2d(int kernelSize, int stride) { this(kernelSize, stride, 0); }
    public AvgPool2d(int kernelSize, int stride, int padding) { this(kernelSize, stride, padding, false, true); }

    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad);
    }

    /** Each array holds one value for both dimensions or (H, W); a null stride means the kernel size. */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        this.kernelSize = Args.positive(Args.expand(kernelSize, kernelSize.length == 1 ? 1 : 2, "kernel_size"), "kernel_size");
        this.stride = stride == null ? this.kernelSize : stride.clone();
        this.padding = padding.clone();
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    @Override public Tensor forward(Tensor input) { return F.avgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad); }

    /** PyTorch prints only these three, whatever ceil_mode and count_include_pad are. */
    @Override public String extraRepr() {
        return "kernel_size=" + PyRepr.intOrTuple(kernelSize) + ", stride=" + PyRepr.intOrTuple(stride) + ", padding=" + PyRepr.intOrTuple(padding);
    }
}
