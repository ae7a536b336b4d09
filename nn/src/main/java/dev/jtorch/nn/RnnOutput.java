package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * What {@link RNN} and {@link GRU} return, PyTorch's {@code (output, h_n)}.
 *
 * @param output the last layer's hidden state at every step: [T, B, D*H] ([B, T, D*H] with batchFirst, [T, D*H] unbatched)
 * @param hN     every layer's and direction's final hidden state: [L*D, B, H] ([L*D, H] unbatched)
 */
public record RnnOutput(Tensor output, Tensor hN) {}
