package dev.jtorch.tensor;

/** Python's basic indexing ({@code x[1, ::2, None, ...]}) as a sequence of views. */
final class BasicIndexing {
    private BasicIndexing() {}

    static Tensor apply(Tensor x, Index... idx) {
        int consumed = 0, ellipses = 0;
        for (Index i : idx) {
            switch (i) {
                case Index.At a -> consumed++;
                case Index.Slice s -> consumed++;
                case Index.NewAxis n -> { }
                case Index.Ellipsis e -> ellipses++;
            }
        }
        if (ellipses > 1) throw new IllegalArgumentException("an index can only have a single ellipsis ('...')");
        if (consumed > x.dim()) throw new IndexOutOfBoundsException("too many indices for tensor of dimension " + x.dim());
        Tensor t = x;
        int d = 0; // the dimension of t the next entry applies to
        for (Index i : idx) {
            switch (i) {
                case Index.At a -> t = t.select(d, a.index());
                case Index.Slice s -> {
                    long n = t.size(d);
                    t = t.slice(d, s.start() == null ? 0 : s.start(), s.stop() == null ? n : s.stop(), s.step());
                    d++;
                }
                case Index.NewAxis n -> {
                    t = t.unsqueeze(d);
                    d++;
                }
                case Index.Ellipsis e -> d += x.dim() - consumed;
            }
        }
        return t;
    }
}
