package dev.jtorch.examples.lenet;

import dev.jtorch.tensor.Tensor;

/** Draws a normalised [1, H, W] digit in the terminal, darker characters for brighter pixels. */
final class AsciiDigit {
    private static final String SHADES = " .:-=+*#%@";

    private AsciiDigit() {}

    static String render(Tensor image) {
        long h = image.size(-2), w = image.size(-1);
        double[] v = image.toDoubleArray();
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double x : v) { min = Math.min(min, x); max = Math.max(max, x); }
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < h; y += 2) { // two rows per line: terminal cells are about twice as tall as wide
            for (int x = 0; x < w; x++) {
                double t = (v[(int) (y * w + x)] - min) / Math.max(max - min, 1e-12);
                sb.append(SHADES.charAt((int) Math.min(SHADES.length() - 1, t * SHADES.length())));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
