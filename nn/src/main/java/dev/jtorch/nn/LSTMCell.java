package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** One step of an LSTM, as {@code nn.LSTMCell}; the equations are {@link LSTM}'s. */
public class LSTMCell extends RNNCellBase {
    /** PyTorch's {@code (h_1, c_1)}. */
    public record State(Tensor h, Tensor c) {}

    public LSTMCell(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, true); }
    public LSTMCell(int inputSize, int hiddenSize, boolean bias) { super(RnnMode.LSTM, inputSize, hiddenSize, bias); }

    /** The next hidden state from zero states (use {@link #forward(Tensor, State)} for the cell state too). */
    @Override public Tensor forward(Tensor input) { return forward(input, (State) null).h(); }

    /** @param state {@code (h_0, c_0)}, each [B, H] ([H] unbatched), or null for zeros */
    public State forward(Tensor input, State state) {
        RnnEquations.State next = state == null ? step(input, null, null) : step(input, state.h(), state.c());
        return new State(next.h(), next.c());
    }

    public State forward(Tensor input, Tensor h, Tensor c) {
        if ((h == null) != (c == null)) throw new IllegalArgumentException("LSTMCell expects both h and c, or neither");
        return forward(input, h == null ? null : new State(h, c));
    }
}
