package dev.jtorch.tensor;

/**
 * One entry of a basic-indexing expression, Python's {@code x[1, 2:8:2, None, ...]} in Java:
 * {@code x.index(Index.at(1), Index.slice(2, 8, 2), Index.newAxis(), Index.ellipsis())}.
 */
public sealed interface Index {
    /** An integer: selects and removes the dimension; negative counts from the end. */
    record At(long index) implements Index {}

    /** {@code start:stop:step}; null bounds mean the ends, negative bounds count from the end. */
    record Slice(Long start, Long stop, long step) implements Index {
        public Slice {
            if (step <= 0) throw new IllegalArgumentException("slice step must be positive, got " + step);
        }
    }

    /** {@code None}: inserts a dimension of size 1. */
    record NewAxis() implements Index {}

    /** {@code ...}: as many full slices as needed. */
    record Ellipsis() implements Index {}

    static Index at(long i) { return new At(i); }
    static Index slice(long start, long stop) { return new Slice(start, stop, 1); }
    static Index slice(Long start, Long stop, long step) { return new Slice(start, stop, step); }
    static Index from(long start) { return new Slice(start, null, 1); }
    static Index to(long stop) { return new Slice(null, stop, 1); }
    static Index all() { return new Slice(null, null, 1); }
    static Index newAxis() { return new NewAxis(); }
    static Index ellipsis() { return new Ellipsis(); }
}
