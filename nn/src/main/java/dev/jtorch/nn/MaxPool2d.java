package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** 2-d max pooling, as {@code nn.MaxPool2d}; the stride defaults to the kernel size. Arguments print as given (int or pair). */
public class MaxPool2d extends Module {
    private final int[] kernelSize, stride, padding, dilation;
    private final boolean ceilMode;

    public MaxPool2d(int kernelSize) { this(kernelSize, kernelSize); }
    public MaxPool2d(int kernelSize, int stride) { this(kernelSize, stride, 0); }
    public MaxPool2d(int kernelSize, int stride, int padding) { this(kernelSize, stride, padding, 1, false); }

    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /** Each array holds one value for both dimensions or (H, W); a null stride means the kernel size. */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernelSize = Args.positive(Args.expand(kernelSize, kernelSize.length == 1 ? 1 : 2, "kernel_size"), "kernel_size");
        this.stride = stride == null ? this.kernelSize : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
    }

    public int[] kernelSize() { return kernelSize.clone(); }
    public int[] stride() { return stride.clone(); }
    public boolean ceilMode() { return ceilMode; }

    @Override public Tensor forward(Tensor input) { return F.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode); }

    @Override public String extraRepr() {
        return "kernel_size=" + PyRepr.intOrTuple(kernelSize) + ", stride=" + PyRepr.intOrTuple(stride) + ", padding=" + PyRepr.intOrTuple(padding)
                + ", dilation=" + PyRepr.intOrTuple(dilation) + ", ceil_mode=" + PyRepr.bool(ceilMode);
    }
}
