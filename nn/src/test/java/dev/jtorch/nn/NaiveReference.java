package dev.jtorch.nn;

/**
 * Plain-loop reference implementations over row-major double arrays, written from PyTorch's definitions,
 * to check the layers' outputs against.
 */
final class NaiveReference {
    private NaiveReference() {}

    /** PyTorch's pooling_output_shape: floor or ceil, and with ceil the last window must start in the input or left padding. */
    static int outSize(int in, int k, int s, int p, int d, boolean ceil) {
        int span = in + 2 * p - d * (k - 1) - 1;
        int out = (ceil ? Math.ceilDiv(span, s) : Math.floorDiv(span, s)) + 1;
        if (ceil && (out - 1) * s >= in + p) out--;
        return out;
    }

    /** The seven loops of a grouped, strided, padded, dilated convolution. x [N,C,H,W], w [O,C/g,kH,kW]. */
    static double[] conv2d(double[] x, int n, int c, int h, int w, double[] wt, int o, int kh, int kw, double[] bias,
                           int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        int oh = outSize(h, kh, sh, ph, dh, false), ow = outSize(w, kw, sw, pw, dw, false);
        int cPerGroup = c / groups, oPerGroup = o / groups;
        double[] out = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++) {
                int g = oc / oPerGroup;
                for (int y = 0; y < oh; y++)
                    for (int xo = 0; xo < ow; xo++) {
                        double acc = bias == null ? 0 : bias[oc];
                        for (int ic = 0; ic < cPerGroup; ic++)
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = y * sh - ph + ky * dh, ix = xo * sw - pw + kx * dw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    int inC = g * cPerGroup + ic;
                                    acc += x[((b * c + inC) * h + iy) * w + ix] * wt[((oc * cPerGroup + ic) * kh + ky) * kw + kx];
                                }
                        out[((b * o + oc) * oh + y) * ow + xo] = acc;
                    }
            }
        return out;
    }

    static double[] maxPool2d(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, boolean ceil) {
        int oh = outSize(h, kh, sh, ph, dh, ceil), ow = outSize(w, kw, sw, pw, dw, ceil);
        double[] out = new double[n * c * oh * ow];
        for (int plane = 0; plane < n * c; plane++)
            for (int y = 0; y < oh; y++)
                for (int xo = 0; xo < ow; xo++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = y * sh - ph + ky * dh, ix = xo * sw - pw + kx * dw;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                            best = Math.max(best, x[(plane * h + iy) * w + ix]);
                        }
                    out[(plane * oh + y) * ow + xo] = best;
                }
        return out;
    }

    /** PyTorch's avg_pool2d: the divisor counts padding (clipped to input + pad) unless countIncludePad is off. */
    static double[] avgPool2d(double[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, boolean countIncludePad) {
        int oh = outSize(h, kh, sh, ph, 1, ceil), ow = outSize(w, kw, sw, pw, 1, ceil);
        double[] out = new double[n * c * oh * ow];
        for (int plane = 0; plane < n * c; plane++)
            for (int y = 0; y < oh; y++)
                for (int xo = 0; xo < ow; xo++) {
                    int h0 = y * sh - ph, w0 = xo * sw - pw;
                    int h1 = Math.min(h0 + kh, h + ph), w1 = Math.min(w0 + kw, w + pw);
                    int poolSize = (h1 - h0) * (w1 - w0);
                    h0 = Math.max(h0, 0);
                    w0 = Math.max(w0, 0);
                    h1 = Math.min(h1, h);
                    w1 = Math.min(w1, w);
                    if (h0 >= h1 || w0 >= w1) continue;
                    double sum = 0;
                    for (int iy = h0; iy < h1; iy++) for (int ix = w0; ix < w1; ix++) sum += x[(plane * h + iy) * w + ix];
                    out[(plane * oh + y) * ow + xo] = sum / (countIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
                }
        return out;
    }

    /** Adaptive average pooling with bins [floor(i*in/out), ceil((i+1)*in/out)). */
    static double[] adaptiveAvgPool2d(double[] x, int n, int c, int h, int w, int oh, int ow) {
        double[] out = new double[n * c * oh * ow];
        for (int plane = 0; plane < n * c; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    int h0 = Math.floorDiv(i * h, oh), h1 = Math.ceilDiv((i + 1) * h, oh);
                    int w0 = Math.floorDiv(j * w, ow), w1 = Math.ceilDiv((j + 1) * w, ow);
                    double sum = 0;
                    for (int y = h0; y < h1; y++) for (int xx = w0; xx < w1; xx++) sum += x[(plane * h + y) * w + xx];
                    out[(plane * oh + i) * ow + j] = sum / ((h1 - h0) * (w1 - w0));
                }
        return out;
    }
}
