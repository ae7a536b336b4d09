package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static dev.jtorch.nn.Tensors.assertClose;
import static dev.jtorch.nn.Tensors.randn;

/** Random window geometries against the plain-loop references. */
class WindowPropertyTest {

    @Property(tries = 60)
    void conv2dMatchesTheLoops(@ForAll @IntRange(min = 1, max = 2) int groups, @ForAll @IntRange(min = 1, max = 2) int cPerGroup,
                               @ForAll @IntRange(min = 1, max = 2) int oPerGroup, @ForAll @IntRange(min = 1, max = 3) int kh,
                               @ForAll @IntRange(min = 1, max = 3) int kw, @ForAll @IntRange(min = 1, max = 3) int sh,
                               @ForAll @IntRange(min = 1, max = 3) int sw, @ForAll @IntRange(min = 0, max = 2) int ph,
                               @ForAll @IntRange(min = 0, max = 2) int pw, @ForAll @IntRange(min = 1, max = 2) int dh,
                               @ForAll @IntRange(min = 1, max = 2) int dw, @ForAll @IntRange(min = 5, max = 8) int h,
                               @ForAll @IntRange(min = 5, max = 8) int w, @ForAll boolean bias) {
        int c = groups * cPerGroup, o = groups * oPerGroup;
        Tensor x = randn(h * 31L + w, 2, c, h, w), wt = randn(kh * 7L + kw, o, cPerGroup, kh, kw), b = bias ? randn(5, o) : null;
        Tensor out = F.conv2d(x, wt, b, new int[] {sh, sw}, new int[] {ph, pw}, new int[] {dh, dw}, groups);
        assertClose(NaiveReference.conv2d(x.toDoubleArray(), 2, c, h, w, wt.toDoubleArray(), o, kh, kw, b == null ? null : b.toDoubleArray(),
                sh, sw, ph, pw, dh, dw, groups), out, 1e-12);
    }

    @Property(tries = 60)
    void poolsMatchTheLoops(@ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 3) int s,
                            @ForAll @IntRange(min = 0, max = 2) int p, @ForAll @IntRange(min = 1, max = 2) int d,
                            @ForAll @IntRange(min = 4, max = 9) int h, @ForAll @IntRange(min = 4, max = 9) int w,
                            @ForAll boolean ceil, @ForAll boolean countIncludePad) {
        int pad = Math.min(p, k / 2);
        // windows larger than the padded input are an error in PyTorch too (see MisuseTest)
        Assume.that(NaiveReference.outSize(h, k, s, pad, d, ceil) > 0 && NaiveReference.outSize(w, k, s, pad, d, ceil) > 0);
        Tensor x = randn(h * 17L + w, 1, 2, h, w);
        Tensor max = F.maxPool2d(x, new int[] {k}, new int[] {s}, new int[] {pad}, new int[] {d}, ceil);
        assertClose(NaiveReference.maxPool2d(x.toDoubleArray(), 1, 2, h, w, k, k, s, s, pad, pad, d, d, ceil), max, 0);
        Tensor avg = F.avgPool2d(x, new int[] {k}, new int[] {s}, new int[] {pad}, ceil, countIncludePad);
        assertClose(NaiveReference.avgPool2d(x.toDoubleArray(), 1, 2, h, w, k, k, s, s, pad, pad, ceil, countIncludePad), avg, 1e-12);
    }

    @Property(tries = 40)
    void adaptiveAvgPoolMatchesTheBins(@ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                       @ForAll @IntRange(min = 1, max = 6) int oh, @ForAll @IntRange(min = 1, max = 6) int ow) {
        Tensor x = randn(h * 13L + w, 2, 1, h, w);
        assertClose(NaiveReference.adaptiveAvgPool2d(x.toDoubleArray(), 2, 1, h, w, oh, ow), F.adaptiveAvgPool2d(x, oh, ow), 1e-12);
    }
}
