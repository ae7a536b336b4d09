package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** What {@link LSTM} returns for a packed input: the output packed alike, the final states in the original batch order. */
public record PackedLstmOutput(PackedSequence output, Tensor hN, Tensor cN) {}
