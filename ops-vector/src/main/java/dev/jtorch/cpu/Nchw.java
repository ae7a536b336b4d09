package dev.jtorch.cpu;

import dev.jtorch.tensor.Tensor;

/** Element offsets within a 4-d NCHW tensor view (any strides), as window and pooling kernels address it. */
record Nchw(long n, long c, long h, long w, long offset, long strideN, long strideC, long strideH, long strideW) {

    /**
     * The geometries this thread used last. Inference repeats the same few views call after call, so handing back
     * an equal record instead of a new one keeps a replayed forward free of garbage (the records escape into the
     * non-inlined plane kernels, so escape analysis cannot remove them).
     */
    private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

    private static final class Recent {
        final Nchw[] entries = new Nchw[16];
        int next;
    }

    static Nchw of(Tensor t) {
        if (t.dim() != 4) throw new IllegalArgumentException("expected a 4-d NCHW tensor, got shape " + java.util.Arrays.toString(t.shape()));
        long n = t.size(0), c = t.size(1), h = t.size(2), w = t.size(3), offset = t.storageOffset();
        long sn = t.stride(0), sc = t.stride(1), sh = t.stride(2), sw = t.stride(3);
        Recent recent = RECENT.get();
        for (Nchw k : recent.entries) {
            if (k != null && k.n == n && k.c == c && k.h == h && k.w == w && k.offset == offset
                    && k.strideN == sn && k.strideC == sc && k.strideH == sh && k.strideW == sw) return k;
        }
        Nchw made = new Nchw(n, c, h, w, offset, sn, sc, sh, sw);
        recent.entries[recent.next] = made;
        recent.next = (recent.next + 1) % recent.entries.length;
        return made;
    }

    /** Offset of element (0, 0) of plane {@code p}, planes numbered n * C + c. */
    long plane(long p) {
        return offset + (p / c) * strideN + (p % c) * strideC;
    }

    long planes() { return n * c; }
}
