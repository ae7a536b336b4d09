package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * What {@link RNNCell}, {@link LSTMCell} and {@link GRUCell} share, as PyTorch's {@code RNNCellBase}: one step
 * of the recurrence on [B, in] (or unbatched [in]) with parameters {@code weight_ih} [gates*H, in],
 * {@code weight_hh} [gates*H, H], {@code bias_ih}, {@code bias_hh}, initialised uniform on ±1/sqrt(H).
 */
public abstract class RNNCellBase extends Module {
    private final RnnMode mode;
    private final int inputSize, hiddenSize;
    private final boolean bias;

    RNNCellBase(RnnMode mode, int inputSize, int hiddenSize, boolean bias) {
        if (inputSize <= 0) throw new IllegalArgumentException("input_size should be a positive integer, got " + inputSize);
        if (hiddenSize <= 0) throw new IllegalArgumentException("hidden_size must be greater than zero, got " + hiddenSize);
        this.mode = mode;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.bias = bias;
        int rows = mode.gates * hiddenSize;
        registerParameter("weight_ih", Tensor.empty(rows, inputSize));
        registerParameter("weight_hh", Tensor.empty(rows, hiddenSize));
        registerParameter("bias_ih", bias ? Tensor.empty(rows) : null);
        registerParameter("bias_hh", bias ? Tensor.empty(rows) : null);
        resetParameters();
    }

    public void resetParameters() {
        double bound = 1 / Math.sqrt(hiddenSize);
        for (Tensor p : parameters()) Init.uniform_(p, -bound, bound);
    }

    public int inputSize() { return inputSize; }
    public int hiddenSize() { return hiddenSize; }
    public boolean hasBias() { return bias; }

    /**
     * One step from {@code (h, c)} (either may be null for zeros; {@code c} is LSTM's only). Unbatched inputs
     * are run as a batch of one and squeezed back.
     */
    final RnnEquations.State step(Tensor input, Tensor h, Tensor c) {
        String name = getClass().getSimpleName();
        if (input.dim() != 1 && input.dim() != 2) throw new IllegalArgumentException(name + ": Expected input to be 1D or 2D, got " + input.dim() + "D instead");
        String hiddenName = mode == RnnMode.LSTM ? "hx[0]" : "hidden";
        if (h != null && h.dim() != 1 && h.dim() != 2) throw new IllegalArgumentException(name + ": Expected " + hiddenName + " to be 1D or 2D, got " + h.dim() + "D instead");
        if (c != null && c.dim() != 1 && c.dim() != 2) throw new IllegalArgumentException(name + ": Expected hx[1] to be 1D or 2D, got " + c.dim() + "D instead");
        boolean batched = input.dim() == 2;
        Tensor x = batched ? input : input.unsqueeze(0);
        long batch = x.size(0);
        if (x.size(1) != inputSize) throw new IllegalArgumentException("input has inconsistent input_size: got " + x.size(1) + " expected " + inputSize);
        Tensor weight = param("weight_ih");
        if (x.dtype() != weight.dtype()) throw new IllegalArgumentException("input must have the type " + weight.dtype() + ", got type " + x.dtype());
        Tensor zeros = null;
        if (h == null || (mode == RnnMode.LSTM && c == null)) zeros = Tensor.zeros(new long[] {batch, hiddenSize}, x.dtype(), x.device());
        h = h == null ? zeros : checkState(batched ? h : h.unsqueeze(0), batch, 0);
        if (mode == RnnMode.LSTM) c = c == null ? zeros : checkState(batched ? c : c.unsqueeze(0), batch, 1);
        RnnEquations.State next = RnnEquations.step(mode, F.linear(x, weight, param("bias_ih")), new RnnEquations.State(h, c),
                param("weight_hh").t(), param("bias_hh"));
        if (batched) return next;
        return new RnnEquations.State(next.h().squeeze(0), next.c() == null ? null : next.c().squeeze(0));
    }

    private Tensor checkState(Tensor state, long batch, int index) {
        if (state.size(0) != batch) throw new IllegalArgumentException("Input batch size " + batch + " doesn't match hidden" + index + " batch size " + state.size(0));
        if (state.size(1) != hiddenSize) {
            throw new IllegalArgumentException("hidden" + index + " has inconsistent hidden_size: got " + state.size(1) + ", expected " + hiddenSize);
        }
        return state;
    }

    @Override public String extraRepr() {
        String s = inputSize + ", " + hiddenSize;
        if (!bias) s += ", bias=False";
        if (mode == RnnMode.RNN_RELU) s += ", nonlinearity=relu";
        return s;
    }
}
