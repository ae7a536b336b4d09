package dev.jtorch.nn;

import dev.jtorch.tensor.Recurrent;
import dev.jtorch.tensor.Tensor;

/**
 * One time step of each recurrence. The input projection {@code x W_ih^T + b_ih} arrives precomputed (the
 * layers compute it for all steps in one matmul); the hidden projection is done here, one matmul per step;
 * the LSTM and GRU gate non-linearities are one fused primitive each ({@link Recurrent}), the plain RNN's one
 * activation a tensor op.
 */
final class RnnEquations {
    private RnnEquations() {}

    /** The state after a step; {@code c} only for LSTM. */
    record State(Tensor h, Tensor c) {}

    /**
     * @param inputGates {@code x W_ih^T + b_ih}, [B, gates*H]; for LSTM it may hold {@code b_hh} too (then biasHh is null)
     * @param weightHhT  {@code W_hh^T}, [H, gates*H]
     * @param biasHh     [gates*H] or null
     */
    static State step(RnnMode mode, Tensor inputGates, State state, Tensor weightHhT, Tensor biasHh) {
        Tensor hiddenGates = state.h().matmul(weightHhT);
        if (biasHh != null) hiddenGates = hiddenGates.add(biasHh);
        return switch (mode) {
            case RNN_TANH -> new State(inputGates.add(hiddenGates).tanh(), null);
            case RNN_RELU -> new State(inputGates.add(hiddenGates).relu(), null);
            case LSTM -> lstm(inputGates, hiddenGates, state.c());
            // gate order r, z, n: n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h
            case GRU -> new State(Recurrent.gruCell(inputGates, hiddenGates, state.h()), null);
        };
    }

    /** Gate order i, f, g, o: c' = f*c + i*g, h' = o*tanh(c'), as one fused primitive returning [2, B, H]. */
    private static State lstm(Tensor inputGates, Tensor hiddenGates, Tensor c) {
        Tensor hc = Recurrent.lstmCell(inputGates, hiddenGates, c);
        return new State(hc.select(0, 0), hc.select(0, 1));
    }
}
