package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** What {@link RNN} and {@link GRU} return for a packed input: the output packed alike, and {@code hN} [L*D, B, H] in the original batch order. */
public record PackedRnnOutput(PackedSequence output, Tensor hN) {}
