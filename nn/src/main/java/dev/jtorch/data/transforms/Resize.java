package dev.jtorch.data.transforms;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Resizes the last two dimensions {@code [..., H, W]}, as {@code transforms.Resize} on tensors with
 * {@code antialias=False}: bilinear sampling is {@code F.interpolate(mode="bilinear", align_corners=False)}
 * (identical to antialiased resizing when enlarging, as LeNet's 28 to 32 does). Integer images are rounded back
 * to their dtype, as torchvision does for uint8.
 *
 * @param height    target height, or with {@code width < 0} the target length of the shorter edge
 * @param width     target width, or -1 to keep the aspect ratio
 */
public record Resize(int height, int width, Interpolation interpolation) implements Transform {
    public Resize {
        if (height <= 0 || (width <= 0 && width != -1)) throw new IllegalArgumentException("Resize sizes must be positive, got " + height + "x" + width);
    }

    /** Resizes the shorter edge to {@code size} keeping the aspect ratio, as {@code Resize(size)}; square images become size x size. */
    public Resize(int size) { this(size, -1, Interpolation.BILINEAR); }

    public Resize(int height, int width) { this(height, width, Interpolation.BILINEAR); }

    @Override public Tensor apply(Tensor x) {
        if (x.dim() < 2) throw new IllegalArgumentException("Resize expects a tensor of shape [..., H, W], got " + Arrays.toString(x.shape()));
        int inH = Math.toIntExact(x.size(-2));
        int inW = Math.toIntExact(x.size(-1));
        int outH = height, outW = width;
        if (width == -1) {
            // torchvision: the short edge becomes `size`, the long one int(size * long / short)
            if (inH <= inW) { outH = height; outW = (int) ((long) height * inW / inH); }
            else { outW = height; outH = (int) ((long) height * inH / inW); }
        }
        long[] outShape = x.shape();
        outShape[outShape.length - 2] = outH;
        outShape[outShape.length - 1] = outW;
        int planes = Math.toIntExact(x.numel() / ((long) inH * inW));
        double[] src = x.toDoubleArray();
        double[] dst = new double[planes * outH * outW];
        if (interpolation == Interpolation.NEAREST) nearest(src, dst, planes, inH, inW, outH, outW);
        else bilinear(src, dst, planes, inH, inW, outH, outW);
        if (!x.dtype().isFloatingPoint()) for (int i = 0; i < dst.length; i++) dst[i] = Math.rint(dst[i]);
        return Tensor.fromSegment(MemorySegment.ofArray(dst), outShape, DType.FLOAT64).to(x.dtype());
    }

    private static void nearest(double[] src, double[] dst, int planes, int inH, int inW, int outH, int outW) {
        int[] ys = new int[outH], xs = new int[outW];
        for (int i = 0; i < outH; i++) ys[i] = Math.min((int) Math.floor(i * ((float) inH / outH)), inH - 1);
        for (int j = 0; j < outW; j++) xs[j] = Math.min((int) Math.floor(j * ((float) inW / outW)), inW - 1);
        for (int p = 0; p < planes; p++) {
            int si = p * inH * inW, di = p * outH * outW;
            for (int i = 0; i < outH; i++) for (int j = 0; j < outW; j++) dst[di + i * outW + j] = src[si + ys[i] * inW + xs[j]];
        }
    }

    /** Source coordinate of an output pixel centre, clamped at 0, as PyTorch's {@code area_pixel_compute_source_index}. */
    static double sourceIndex(int dst, int in, int out) {
        double s = (dst + 0.5) * ((double) in / out) - 0.5;
        return Math.max(s, 0);
    }

    private static void bilinear(double[] src, double[] dst, int planes, int inH, int inW, int outH, int outW) {
        int[] y0 = new int[outH], y1 = new int[outH];
        double[] wy = new double[outH];
        for (int i = 0; i < outH; i++) {
            double s = sourceIndex(i, inH, outH);
            y0[i] = (int) s;
            y1[i] = Math.min(y0[i] + 1, inH - 1);
            wy[i] = s - y0[i];
        }
        int[] x0 = new int[outW], x1 = new int[outW];
        double[] wx = new double[outW];
        for (int j = 0; j < outW; j++) {
            double s = sourceIndex(j, inW, outW);
            x0[j] = (int) s;
            x1[j] = Math.min(x0[j] + 1, inW - 1);
            wx[j] = s - x0[j];
        }
        for (int p = 0; p < planes; p++) {
            int si = p * inH * inW, di = p * outH * outW;
            for (int i = 0; i < outH; i++) {
                int r0 = si + y0[i] * inW, r1 = si + y1[i] * inW;
                for (int j = 0; j < outW; j++) {
                    double top = (1 - wx[j]) * src[r0 + x0[j]] + wx[j] * src[r0 + x1[j]];
                    double bottom = (1 - wx[j]) * src[r1 + x0[j]] + wx[j] * src[r1 + x1[j]];
                    dst[di + i * outW + j] = (1 - wy[i]) * top + wy[i] * bottom;
                }
            }
        }
    }
}
