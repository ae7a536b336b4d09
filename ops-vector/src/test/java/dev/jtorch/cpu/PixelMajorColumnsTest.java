package dev.jtorch.cpu;

import dev.jtorch.tensor.Window2d;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pixel-major unfold against the definition, exactly (it only moves values), on odd sizes and every window parameter. */
class PixelMajorColumnsTest {

    @Test
    void unfoldMatchesTheDefinition() {
        int[][] windows = { // kH, kW, stride, pad, dilation
                {3, 3, 1, 1, 1}, {1, 3, 1, 0, 1}, {3, 2, 2, 2, 2}, {5, 5, 3, 1, 1}, {2, 2, 1, 0, 3}};
        for (int cg : new int[] {1, 7, 16, 17}) for (int h : new int[] {1, 7, 17}) for (int w : new int[] {1, 7, 17}) {
            for (int[] k : windows) {
                if (h + 2 * k[3] < (k[0] - 1) * k[4] + 1 || w + 2 * k[3] < (k[1] - 1) * k[4] + 1) continue;
                Window2d win = Window2d.conv(h, w, k[0], k[1], k[2], k[2], k[3], k[3], k[4], k[4]);
                int pixels = (int) (win.outH() * win.outW()), patch = cg * k[0] * k[1];
                // the planes at an offset inside a larger segment; two samples' rows side by side in one buffer
                float[] x = random(3 + cg * h * w, cg * 31L + h * 7L + w);
                MemorySegment seg = MemorySegment.ofArray(x);
                float[] got = new float[(1 + 2 * pixels) * patch], want = new float[got.length];
                java.util.Arrays.fill(got, Float.NaN);
                java.util.Arrays.fill(want, Float.NaN);
                PixelMajorColumns.unfold(seg, 3, cg, h, w, win, got, 1);
                PixelMajorColumns.unfold(seg, 3, cg, h, w, win, got, 1 + pixels);
                PixelMajorColumns.reference(seg, 3, cg, h, w, win, want, 1);
                PixelMajorColumns.reference(seg, 3, cg, h, w, win, want, 1 + pixels);
                assertArrayEquals(want, got, "cg" + cg + " " + h + "x" + w + " " + java.util.Arrays.toString(k));
            }
        }
    }

    @Test
    void toChannelMajorReordersTaps() {
        int og = 3, cg = 17, taps = 7;
        float[] tapMajor = random(og * taps * cg, 5), dst = new float[2 + og * cg * taps];
        PixelMajorColumns.toChannelMajor(tapMajor, og, cg, taps, dst, 2);
        for (int o = 0; o < og; o++) for (int c = 0; c < cg; c++) for (int t = 0; t < taps; t++) {
            assertEquals(tapMajor[(o * taps + t) * cg + c], dst[2 + (o * cg + c) * taps + t]);
        }
    }

    @Test
    void suitsManyChannelsMoreThanOneTapAndASmallGradient() {
        Window2d threeByThree = Window2d.conv(56, 56, 3, 3, 1, 1, 1, 1, 1, 1), pointwise = Window2d.conv(56, 56, 1, 1, 1, 1, 0, 0, 1, 1);
        assertTrue(PixelMajorColumns.suits(64, 64, threeByThree));
        assertFalse(PixelMajorColumns.suits(64, 64, pointwise));
        assertFalse(PixelMajorColumns.suits(3, 64, threeByThree));
        // the ConvolutionKernelsTest cases meant for this path
        assertTrue(PixelMajorColumns.suits(17, 19, Window2d.conv(17, 19, 3, 3, 1, 1, 1, 1, 1, 1)));
        assertTrue(PixelMajorColumns.suits(17, 19, Window2d.conv(37, 37, 3, 2, 2, 2, 2, 2, 2, 2)));
        // ResNet layer4: a 512 x 4608 gradient against 49 pixels per sample
        assertFalse(PixelMajorColumns.suits(512, 512, Window2d.conv(7, 7, 3, 3, 1, 1, 1, 1, 1, 1)));
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
