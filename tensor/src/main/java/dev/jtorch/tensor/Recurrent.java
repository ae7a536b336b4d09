package dev.jtorch.tensor;

/**
 * The fused recurrent cells, PyTorch's {@code _thnn_fused_lstm_cell} and {@code _thnn_fused_gru_cell}: the gate
 * non-linearities of one time step as one recorded primitive ({@link Op#LSTM_CELL}, {@link Op#GRU_CELL}), so a
 * backend runs them in one pass and autograd calls its fused gradient. The projections stay matmuls outside:
 * the layers compute {@code x W_ih^T} for all steps at once and {@code h W_hh^T} per step, and pass both here
 * unsummed, which saves the add.
 */
public final class Recurrent {
    private Recurrent() {}

    /**
     * One LSTM step: gates = inputGates + hiddenGates ([B, 4H], order i, f, g, o), {@code c' = f*c + i*g},
     * {@code h' = o*tanh(c')}. Returns [2, B, H] holding h' then c'; {@code select(0, 0)} and {@code select(0, 1)}
     * split it (views, so gradients flow back through both).
     */
    public static Tensor lstmCell(Tensor inputGates, Tensor hiddenGates, Tensor c) {
        check("lstm_cell", 4, inputGates, hiddenGates, c, "cx");
        Tensor out = Tensor.empty(new long[] {2, c.size(0), c.size(1)}, c.dtype(), c.device());
        c.backend().lstmCell(inputGates, hiddenGates, c, out);
        return Tensor.record(Op.LSTM_CELL, out, new Tensor[] {inputGates, hiddenGates, c});
    }

    /**
     * One GRU step: {@code r = s(gi_r + gh_r)}, {@code z = s(gi_z + gh_z)}, {@code n = tanh(gi_n + r*gh_n)},
     * {@code h' = (1-z)*n + z*h}, with inputGates {@code x W_ih^T + b_ih} and hiddenGates {@code h W_hh^T + b_hh},
     * both [B, 3H] in order r, z, n. Returns h' [B, H].
     */
    public static Tensor gruCell(Tensor inputGates, Tensor hiddenGates, Tensor h) {
        check("gru_cell", 3, inputGates, hiddenGates, h, "hx");
        Tensor out = Tensor.empty(h.shape(), h.dtype(), h.device());
        h.backend().gruCell(inputGates, hiddenGates, h, out);
        return Tensor.record(Op.GRU_CELL, out, new Tensor[] {inputGates, hiddenGates, h});
    }

    private static void check(String op, int gates, Tensor inputGates, Tensor hiddenGates, Tensor state, String stateName) {
        if (state.dim() != 2) throw new IllegalArgumentException(op + ": " + stateName + " must be 2-D [batch, hidden], got shape " + Shapes.str(state.shape()));
        long[] gateShape = {state.size(0), gates * state.size(1)};
        for (Tensor t : new Tensor[] {inputGates, hiddenGates}) {
            if (!java.util.Arrays.equals(t.shape(), gateShape)) {
                throw new IllegalArgumentException(op + ": expected gates of shape " + Shapes.str(gateShape) + " for " + stateName + " of shape "
                        + Shapes.str(state.shape()) + ", got " + Shapes.str(t.shape()));
            }
            if (t.dtype() != state.dtype()) throw new IllegalArgumentException(op + ": expected all tensors to be " + state.dtype() + ", got " + t.dtype());
            if (!t.device().equals(state.device())) {
                throw new IllegalArgumentException(op + ": expected all tensors to be on the same device, but found " + t.device() + " and " + state.device());
            }
        }
        if (!state.dtype().isFloatingPoint()) throw new IllegalArgumentException(op + ": expected a floating point dtype, got " + state.dtype());
    }
}
