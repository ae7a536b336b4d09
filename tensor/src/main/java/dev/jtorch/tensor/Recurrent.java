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
     * A whole LSTM layer in one direction: the recurrence of {@link #lstmCell} over all T steps of inputGates
     * ([T, B, 4H], {@code x W_ih^T + b_ih + b_hh} for every step, one matmul outside), with {@code h W_hh^T} taken
     * per step inside, as cuDNN's RNN call and PyTorch's {@code _cudnn_rnn} do. One primitive instead of three per
     * step lets a backend run the whole loop in one kernel, and lets the backward form W_hh's gradient as one
     * product over all steps instead of one per step. With {@code reverse} the steps run from the last to the first.
     * Returns [2, T, B, H]: every step's h, then every step's c, at the step's own index; {@code select(0, 0)} is the
     * layer's output, and the final states are at step T-1 (step 0 in reverse).
     */
    public static Tensor lstmLayer(Tensor inputGates, Tensor weightHh, Tensor h0, Tensor c0, boolean reverse) {
        if (inputGates.dim() != 3) {
            throw new IllegalArgumentException("lstm_layer: inputGates must be 3-D [steps, batch, 4*hidden], got shape " + Shapes.str(inputGates.shape()));
        }
        if (inputGates.size(0) == 0) throw new IllegalArgumentException("lstm_layer: expected a sequence of at least one step, got 0");
        check("lstm_layer", 4, inputGates.select(0, 0), inputGates.select(0, 0), c0, "cx");
        if (!java.util.Arrays.equals(h0.shape(), c0.shape())) {
            throw new IllegalArgumentException("lstm_layer: hx and cx must have the same shape, got " + Shapes.str(h0.shape()) + " and " + Shapes.str(c0.shape()));
        }
        long hidden = c0.size(1);
        if (!java.util.Arrays.equals(weightHh.shape(), new long[] {4 * hidden, hidden})) {
            throw new IllegalArgumentException("lstm_layer: expected weight_hh of shape " + Shapes.str(new long[] {4 * hidden, hidden}) + ", got "
                    + Shapes.str(weightHh.shape()));
        }
        for (Tensor t : new Tensor[] {weightHh, h0}) {
            if (t.dtype() != c0.dtype()) throw new IllegalArgumentException("lstm_layer: expected all tensors to be " + c0.dtype() + ", got " + t.dtype());
            if (!t.device().equals(c0.device())) {
                throw new IllegalArgumentException("lstm_layer: expected all tensors to be on the same device, but found " + t.device() + " and " + c0.device());
            }
        }
        long steps = inputGates.size(0), batch = c0.size(0);
        Tensor gates = inputGates.contiguous();
        Tensor out = Tensor.empty(new long[] {2, steps, batch, hidden}, c0.dtype(), c0.device());
        // the activated gates are kept only for a backward: inference leaves them out
        Tensor[] inputs = {gates, weightHh, h0, c0};
        Tensor activated = Tensor.recorded(inputs) ? Tensor.empty(gates.shape(), c0.dtype(), c0.device()) : null;
        c0.backend().lstmLayer(gates, weightHh, h0, c0, reverse, out, activated);
        return Tensor.record(Op.LSTM_LAYER, out, inputs, reverse, activated);
    }

    /** Whether the device of {@code like} runs {@link #lstmStack} faster than its layers one after another. */
    public static boolean prefersLstmStack(Tensor like, long steps, long batch, long hidden, int layers) {
        return like.backend().prefersLstmStack(like.dtype(), steps, batch, hidden, layers);
    }

    /**
     * A stack of unidirectional LSTM layers at inference, {@link Backend#lstmStack}: layer 0 over inputGates [T, B, 4H]
     * ({@code x W_ih^T + b_ih + b_hh} of every step), layer l >= 1 over {@code h_{l-1} weightsIh[l-1]^T + biases[l-1]}.
     * One primitive for the whole stack lets a backend run the layers side by side, layer l a step or more behind
     * layer l-1, where one layer after another leaves all but one thread idle at batch 1. Nothing is recorded, so
     * no operand may need a gradient while grad mode is on. Returns {out [T, B, H], hN [L, B, H], cN [L, B, H]}.
     */
    public static Tensor[] lstmStack(Tensor inputGates, java.util.List<Tensor> weightsHh, java.util.List<Tensor> weightsIh,
                                     java.util.List<Tensor> biases, Tensor h0, Tensor c0) {
        int layers = weightsHh.size();
        if (layers == 0 || weightsIh.size() != layers - 1 || biases.size() != layers - 1) {
            throw new IllegalArgumentException("lstm_stack: expected weights_hh for each of the L layers and weights_ih and biases for layers 1..L-1, got "
                    + layers + ", " + weightsIh.size() + " and " + biases.size());
        }
        if (inputGates.dim() != 3 || inputGates.size(0) == 0) {
            throw new IllegalArgumentException("lstm_stack: inputGates must be [steps >= 1, batch, 4*hidden], got shape " + Shapes.str(inputGates.shape()));
        }
        long steps = inputGates.size(0), batch = inputGates.size(1), hidden = h0.dim() == 3 ? h0.size(2) : -1;
        long[] state = {layers, batch, hidden}, square = {4 * hidden, hidden};
        if (!java.util.Arrays.equals(h0.shape(), state) || !java.util.Arrays.equals(c0.shape(), state) || inputGates.size(2) != 4 * hidden) {
            throw new IllegalArgumentException("lstm_stack: expected h0 and c0 of shape " + Shapes.str(state) + " and inputGates of width 4*hidden, got "
                    + Shapes.str(h0.shape()) + ", " + Shapes.str(c0.shape()) + " and " + Shapes.str(inputGates.shape()));
        }
        long[] gates = {4 * hidden};
        for (Tensor w : weightsHh) requireShape(w, square, "weights");
        for (Tensor w : weightsIh) requireShape(w, square, "weights");
        for (Tensor b : biases) requireShape(b, gates, "biases");
        java.util.List<Tensor> all = new java.util.ArrayList<>(java.util.List.of(inputGates, h0, c0));
        all.addAll(weightsHh);
        all.addAll(weightsIh);
        all.addAll(biases);
        for (Tensor t : all) {
            if (t.dtype() != c0.dtype()) throw new IllegalArgumentException("lstm_stack: expected all tensors to be " + c0.dtype() + ", got " + t.dtype());
            if (!t.device().equals(c0.device())) {
                throw new IllegalArgumentException("lstm_stack: expected all tensors to be on the same device, but found " + t.device() + " and " + c0.device());
            }
        }
        if (Tensor.recorded(all.toArray(Tensor[]::new))) {
            throw new IllegalStateException("lstm_stack: runs without autograd; an operand requires grad (call it under GradMode.noGrad(), or use lstmLayer)");
        }
        Tensor out = Tensor.empty(new long[] {steps, batch, hidden}, c0.dtype(), c0.device());
        Tensor hN = Tensor.empty(state, c0.dtype(), c0.device()), cN = Tensor.empty(state, c0.dtype(), c0.device());
        c0.backend().lstmStack(inputGates.contiguous(), weightsHh, weightsIh, biases.stream().map(Tensor::contiguous).toList(),
                h0.contiguous(), c0.contiguous(), out, hN, cN);
        return new Tensor[] {out, hN, cN};
    }

    private static void requireShape(Tensor t, long[] shape, String what) {
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("lstm_stack: expected " + what + " of shape " + Shapes.str(shape) + ", got " + Shapes.str(t.shape()));
        }
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
