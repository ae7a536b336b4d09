package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

import java.util.List;

/**
 * One time step of each recurrence, PyTorch's equations composed from tensor ops so autograd differentiates
 * them. The input projection {@code x W_ih^T + b_ih} arrives precomputed (the layers compute it for all
 * steps in one matmul); the hidden projection is done here, one matmul per step.
 */
final class RnnEquations {
    private RnnEquations() {}

    /** The state after a step; {@code c} only for LSTM. */
    record State(Tensor h, Tensor c) {}

    /**
     * @param inputGates {@code x W_ih^T + b_ih}, [B, gates*H]
     * @param weightHhT  {@code W_hh^T}, [H, gates*H]
     * @param biasHh     [gates*H] or null
     */
    static State step(RnnMode mode, Tensor inputGates, State state, Tensor weightHhT, Tensor biasHh) {
        Tensor hiddenGates = state.h().matmul(weightHhT);
        if (biasHh != null) hiddenGates = hiddenGates.add(biasHh);
        return switch (mode) {
            case RNN_TANH -> new State(inputGates.add(hiddenGates).tanh(), null);
            case RNN_RELU -> new State(inputGates.add(hiddenGates).relu(), null);
            case LSTM -> lstm(inputGates.add(hiddenGates), state.c());
            case GRU -> gru(inputGates, hiddenGates, state.h());
        };
    }

    /** Gate order i, f, g, o: c' = f*c + i*g, h' = o*tanh(c'). */
    private static State lstm(Tensor gates, Tensor c) {
        List<Tensor> g = gates.chunk(4, 1);
        Tensor in = g.get(0).sigmoid(), forget = g.get(1).sigmoid(), cell = g.get(2).tanh(), out = g.get(3).sigmoid();
        Tensor cNext = forget.mul(c).add(in.mul(cell));
        return new State(out.mul(cNext.tanh()), cNext);
    }

    /** Gate order r, z, n: n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h. */
    private static State gru(Tensor inputGates, Tensor hiddenGates, Tensor h) {
        List<Tensor> gi = inputGates.chunk(3, 1), gh = hiddenGates.chunk(3, 1);
        Tensor reset = gi.get(0).add(gh.get(0)).sigmoid();
        Tensor update = gi.get(1).add(gh.get(1)).sigmoid();
        Tensor candidate = gi.get(2).add(reset.mul(gh.get(2))).tanh();
        // (1-z)*n + z*h written as n + z*(h-n): one op fewer, the same function
        return new State(candidate.add(update.mul(h.sub(candidate))), null);
    }
}
