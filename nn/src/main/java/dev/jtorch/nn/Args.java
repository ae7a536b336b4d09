package dev.jtorch.nn;

import java.util.Arrays;

/** Normalises PyTorch's int-or-tuple arguments ({@code kernel_size=3} or {@code (3, 5)}) to one int per dimension. */
final class Args {
    private Args() {}

    static int[] expand(int[] given, int dims, String name) {
        if (given == null || given.length == 0) throw new IllegalArgumentException(name + " must be an int or a tuple of " + dims + " ints");
        if (given.length == dims) return given.clone();
        if (given.length == 1) {
            int[] r = new int[dims];
            Arrays.fill(r, given[0]);
            return r;
        }
        throw new IllegalArgumentException(name + " must be an int or a tuple of " + dims + " ints, got " + Arrays.toString(given));
    }

    static int[] positive(int[] values, String name) {
        for (int v : values) if (v <= 0) throw new IllegalArgumentException(name + " must be greater than zero, got " + PyRepr.tuple(values));
        return values;
    }
}
