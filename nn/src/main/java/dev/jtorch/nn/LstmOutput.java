package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * What {@link LSTM} returns, PyTorch's {@code (output, (h_n, c_n))}; shapes as in {@link RnnOutput}, with
 * {@code cN} shaped as {@code hN}.
 */
public record LstmOutput(Tensor output, Tensor hN, Tensor cN) {}
