package dev.jtorch.data;

import dev.jtorch.tensor.Tensor;

/**
 * A collated batch: inputs stacked along a new dimension 0, and targets likewise ({@code target} is null for a
 * dataset without targets).
 */
public record Batch(Tensor input, Tensor target) {
    /** Number of samples in the batch (size of dimension 0 of the input). */
    public int size() { return Math.toIntExact(input.size(0)); }
}
