package dev.jtorch.tensor;

/**
 * The geometry of a 2-d sliding window (convolution, pooling) over an NCHW input of {@code inH x inW}.
 * Output sizes follow PyTorch: {@code floor((in + 2*pad - dilation*(k-1) - 1) / stride) + 1}, or ceil with
 * {@code ceilMode}, where the last window must start inside the input or its left padding.
 */
public record Window2d(long inH, long inW, int kernelH, int kernelW, int strideH, int strideW,
                       int padH, int padW, int dilationH, int dilationW, boolean ceilMode, boolean countIncludePad) {

    public Window2d {
        if (kernelH <= 0 || kernelW <= 0) throw new IllegalArgumentException("kernel size must be positive, got (" + kernelH + ", " + kernelW + ")");
        if (strideH <= 0 || strideW <= 0) throw new IllegalArgumentException("stride must be positive, got (" + strideH + ", " + strideW + ")");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("negative padding (" + padH + ", " + padW + ")");
        if (dilationH <= 0 || dilationW <= 0) throw new IllegalArgumentException("dilation must be positive, got (" + dilationH + ", " + dilationW + ")");
    }

    public static Window2d conv(long inH, long inW, int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW) {
        return new Window2d(inH, inW, kH, kW, sH, sW, pH, pW, dH, dW, false, true);
    }

    public long outH() { return outSize(inH, kernelH, strideH, padH, dilationH); }
    public long outW() { return outSize(inW, kernelW, strideW, padW, dilationW); }

    private long outSize(long in, int k, int s, int p, int d) {
        long span = in + 2L * p - (long) d * (k - 1) - 1;
        long out = ceilMode ? Math.ceilDiv(span, s) + 1 : Math.floorDiv(span, s) + 1;
        if (ceilMode && (out - 1) * s >= in + p) out--;
        return out;
    }
}
