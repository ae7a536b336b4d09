package dev.jtorch.nn;

import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Recurrent;
import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link RNN}, {@link LSTM} and {@link GRU} share, as PyTorch's {@code RNNBase}: the parameters
 * ({@code weight_ih_l{k}[_reverse]} [gates*H, in], {@code weight_hh_l{k}} [gates*H, H], {@code bias_ih_l{k}},
 * {@code bias_hh_l{k}}, registered in PyTorch's order), the checks on inputs and states, and the loop over
 * layers, directions and time steps. Each layer projects the input of all steps in one matmul, then runs
 * one matmul and the fused gate non-linearities ({@link RnnEquations}) per step; autograd records it all.
 */
public abstract class RNNBase extends Module {
    private static final System.Logger LOG = System.getLogger(RNNBase.class.getName());

    private final RnnMode mode;
    private final int inputSize, hiddenSize;
    private final RnnOptions options;

    RNNBase(RnnMode mode, int inputSize, int hiddenSize, RnnOptions options) {
        if (inputSize <= 0) throw new IllegalArgumentException("input_size should be a positive integer, got " + inputSize);
        if (hiddenSize <= 0) throw new IllegalArgumentException("hidden_size must be greater than zero, got " + hiddenSize);
        if (options.dropout() > 0 && options.numLayers() == 1) {
            LOG.log(System.Logger.Level.WARNING, "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout="
                    + PyRepr.floating(options.dropout()) + " and num_layers=1");
        }
        this.mode = mode;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.options = options;
        int directions = options.numDirections(), rows = mode.gates * hiddenSize;
        for (int layer = 0; layer < options.numLayers(); layer++) {
            int layerInput = layer == 0 ? inputSize : hiddenSize * directions;
            for (int direction = 0; direction < directions; direction++) {
                String suffix = suffix(layer, direction);
                registerParameter("weight_ih" + suffix, Tensor.empty(rows, layerInput));
                registerParameter("weight_hh" + suffix, Tensor.empty(rows, hiddenSize));
                registerParameter("bias_ih" + suffix, options.bias() ? Tensor.empty(rows) : null);
                registerParameter("bias_hh" + suffix, options.bias() ? Tensor.empty(rows) : null);
            }
        }
        resetParameters();
    }

    private static String suffix(int layer, int direction) { return "_l" + layer + (direction == 1 ? "_reverse" : ""); }

    /** PyTorch's init: every weight and bias uniform on [-1/sqrt(hidden_size), 1/sqrt(hidden_size)]. */
    public void resetParameters() {
        double bound = 1 / Math.sqrt(hiddenSize);
        for (Tensor p : parameters()) Init.uniform_(p, -bound, bound);
    }

    public int inputSize() { return inputSize; }
    public int hiddenSize() { return hiddenSize; }
    public int numLayers() { return options.numLayers(); }
    public boolean batchFirst() { return options.batchFirst(); }
    public boolean bidirectional() { return options.bidirectional(); }
    public RnnOptions options() { return options; }

    /** The output, the final hidden states [L*D, B, H] and, for LSTM, the final cell states. */
    record Result(Tensor output, Tensor hN, Tensor cN) {}

    /** A packed batch's output, still packed, and the final states in the original batch order. */
    record PackedResult(PackedSequence output, Tensor hN, Tensor cN) {}

    // ---- the two entry points ----

    /** A padded or unbatched input: [T, B, in], [B, T, in] with batchFirst, or [T, in]. */
    final Result forwardTensor(Tensor input, Tensor h0, Tensor c0) {
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException(name() + ": Expected input to be 2D or 3D, got " + input.dim() + "D instead");
        }
        checkFeatures(input);
        boolean batched = input.dim() == 3;
        checkStateRanks(batched, h0, c0);
        if (!batched) {
            input = input.unsqueeze(1);
            if (h0 != null) h0 = h0.unsqueeze(1);
            if (c0 != null) c0 = c0.unsqueeze(1);
        }
        boolean batchFirst = options.batchFirst() && batched;
        Tensor timeMajor = batchFirst ? input.transpose(0, 1) : input;
        checkStates(h0, c0, timeMajor.size(1), input);
        Result r = run(timeMajor, h0, c0, null);
        Tensor output = batchFirst ? r.output().transpose(0, 1) : r.output();
        if (batched) return new Result(output, r.hN(), r.cN());
        return new Result(output.squeeze(1), r.hN().squeeze(1), r.cN() == null ? null : r.cN().squeeze(1));
    }

    /**
     * A packed batch: run padded, but each sequence's state stops changing after its last step, so padding
     * never reaches the final states; the reverse direction starts each sequence at its own last element.
     */
    final PackedResult forwardPacked(PackedSequence input, Tensor h0, Tensor c0) {
        Tensor data = input.data();
        if (data.dim() != 2) throw new IllegalArgumentException("input must have 2 dimensions, got " + data.dim());
        checkFeatures(data);
        long[] lengths = input.lengths();
        checkStateRanks(true, h0, c0);
        checkStates(h0, c0, lengths.length, data);
        Tensor padded = PackedSequences.padPackedSequence(input, false).padded();
        Result r = run(padded, h0, c0, lengths);
        long[] sorted = input.sortedIndices() == null ? null : input.sortedIndices().toLongArray();
        long[] rows = PackedSequences.paddedRowsOfData(input.batchSizes().toLongArray(), sorted, lengths.length);
        Tensor outputData = PackedSequences.flatRows(r.output()).indexSelect(0, PackedSequences.index(rows, data.device()));
        return new PackedResult(input.withData(outputData), r.hN(), r.cN());
    }

    // ---- checks, with PyTorch's messages ----

    private String name() { return getClass().getSimpleName(); }

    private void checkFeatures(Tensor input) {
        Tensor weight = param("weight_ih_l0");
        if (input.dtype() != weight.dtype()) throw new IllegalArgumentException("input must have the type " + weight.dtype() + ", got type " + input.dtype());
        if (input.size(-1) != inputSize) {
            throw new IllegalArgumentException("input.size(-1) must be equal to input_size. Expected " + inputSize + ", got " + input.size(-1));
        }
    }

    private void checkStateRanks(boolean batched, Tensor h0, Tensor c0) {
        if (mode == RnnMode.LSTM && (h0 == null) != (c0 == null)) {
            throw new IllegalArgumentException("LSTM expects both initial states (h0, c0) or neither, got only " + (h0 == null ? "c0" : "h0"));
        }
        if (h0 == null) return;
        int want = batched ? 3 : 2;
        String kind = batched ? "batched 3-D" : "unbatched 2-D";
        if (mode == RnnMode.LSTM) {
            if (h0.dim() != want || c0.dim() != want) {
                throw new IllegalArgumentException("For " + kind + " input, hx and cx should also be " + want + "-D but got (" + h0.dim() + "-D, " + c0.dim() + "-D) tensors");
            }
        } else if (h0.dim() != want) {
            throw new IllegalArgumentException("For " + kind + " input, hx should also be " + want + "-D but got " + h0.dim() + "-D tensor");
        }
    }

    private void checkStates(Tensor h0, Tensor c0, long batch, Tensor input) {
        if (h0 == null) return;
        long[] expected = {(long) options.numLayers() * options.numDirections(), batch, hiddenSize};
        boolean lstm = mode == RnnMode.LSTM;
        checkState(h0, expected, lstm ? "Expected hidden[0] size " : "Expected hidden size ", input);
        if (lstm) checkState(c0, expected, "Expected hidden[1] size ", input);
    }

    private static void checkState(Tensor state, long[] expected, String message, Tensor input) {
        if (!java.util.Arrays.equals(state.shape(), expected)) {
            throw new IllegalArgumentException(message + PyRepr.tuple(expected) + ", got " + java.util.Arrays.toString(state.shape()));
        }
        if (state.dtype() != input.dtype()) throw new IllegalArgumentException("hx must have the type " + input.dtype() + ", got type " + state.dtype());
    }

    // ---- the recurrence ----

    /**
     * @param input   time-major [T, B, in]
     * @param lengths each sequence's length (the states of finished sequences are held), or null: all run T steps
     */
    private Result run(Tensor input, Tensor h0, Tensor c0, long[] lengths) {
        int steps = (int) input.size(0), batch = (int) input.size(1);
        if (steps == 0) throw new IllegalArgumentException(name() + ": expected a sequence of at least one step, got 0");
        int directions = options.numDirections();
        Tensor[] running = lengths == null ? null : runningMasks(lengths, steps, input);
        if (running == null && stacks(input, h0, c0)) return runLstmStack(input, h0, c0);
        Tensor zeros = Tensor.zeros(new long[] {batch, hiddenSize}, input.dtype(), input.device());
        List<Tensor> hN = new ArrayList<>(), cN = new ArrayList<>();
        Tensor layerInput = input;
        for (int layer = 0; layer < options.numLayers(); layer++) {
            List<Tensor> directionOutputs = new ArrayList<>();
            for (int direction = 0; direction < directions; direction++) {
                int state = layer * directions + direction;
                RnnEquations.State initial = new RnnEquations.State(h0 == null ? zeros : h0.select(0, state),
                        mode != RnnMode.LSTM ? null : c0 == null ? zeros : c0.select(0, state));
                Direction d = mode == RnnMode.LSTM && running == null
                        ? runLstmLayer(layerInput, suffix(layer, direction), direction == 1, initial)
                        : runDirection(layerInput, suffix(layer, direction), direction == 1, initial, running);
                directionOutputs.add(d.output());
                hN.add(d.last().h());
                if (d.last().c() != null) cN.add(d.last().c());
            }
            layerInput = directions == 1 ? directionOutputs.get(0) : Tensor.cat(directionOutputs, 2);
            if (layer < options.numLayers() - 1) layerInput = F.dropout(layerInput, options.dropout(), training);
        }
        return new Result(layerInput, Tensor.stack(hN, 0), cN.isEmpty() ? null : Tensor.stack(cN, 0));
    }

    /**
     * Whether the layers run as one primitive ({@link Recurrent#lstmStack}): an LSTM of two or more unidirectional
     * layers with biases, nothing to record for a backward, no dropout between the layers, and a backend that runs
     * such a stack faster than layer by layer (the CPU at batch 1 to 3 on two or more threads).
     */
    private boolean stacks(Tensor input, Tensor h0, Tensor c0) {
        if (mode != RnnMode.LSTM || options.numDirections() != 1 || options.numLayers() < 2 || !options.bias()) return false;
        if (training && options.dropout() > 0) return false;
        if (!Recurrent.prefersLstmStack(input, input.size(0), input.size(1), hiddenSize, options.numLayers())) return false;
        if (!GradMode.isEnabled()) return true;
        if (input.requiresGrad() || (h0 != null && h0.requiresGrad()) || (c0 != null && c0.requiresGrad())) return false;
        for (Tensor p : parameters()) if (p.requiresGrad()) return false;
        return true;
    }

    /** Every layer in one call, the layer-1.. input projections and recurrences inside it; the same values as layer by layer. */
    private Result runLstmStack(Tensor input, Tensor h0, Tensor c0) {
        int layers = options.numLayers();
        List<Tensor> weightsHh = new ArrayList<>(), weightsIh = new ArrayList<>(), biases = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            String suffix = suffix(layer, 0);
            weightsHh.add(param("weight_hh" + suffix));
            if (layer == 0) continue;
            weightsIh.add(param("weight_ih" + suffix));
            biases.add(param("bias_ih" + suffix).add(param("bias_hh" + suffix)));
        }
        Tensor zeros = h0 != null ? null : Tensor.zeros(new long[] {layers, input.size(1), hiddenSize}, input.dtype(), input.device());
        Tensor[] r = Recurrent.lstmStack(inputGates(input, suffix(0, 0), true), weightsHh, weightsIh, biases,
                h0 == null ? zeros : h0, c0 == null ? zeros : c0);
        return new Result(r[0], r[1], r[2]);
    }

    /** One layer in one direction: its output [T, B, H] and its final state. */
    private record Direction(Tensor output, RnnEquations.State last) {}

    /** The input projection of all steps in one matmul, with b_ih + b_hh folded in (LSTM only ever uses their sum). */
    private Tensor inputGates(Tensor input, String suffix, boolean foldBiasHh) {
        int steps = (int) input.size(0), batch = (int) input.size(1);
        Tensor biasIh = param("bias_ih" + suffix), biasHh = param("bias_hh" + suffix);
        return F.linear(PackedSequences.flatRows(input), param("weight_ih" + suffix), foldBiasHh && biasHh != null ? biasIh.add(biasHh) : biasIh)
                .reshape(steps, batch, (long) mode.gates * hiddenSize);
    }

    /**
     * An unpacked LSTM layer: the whole recurrence is one primitive ({@link Recurrent#lstmLayer}), so a backend runs
     * its step loop in one kernel and the backward forms W_hh's gradient in one product.
     */
    private Direction runLstmLayer(Tensor input, String suffix, boolean reverse, RnnEquations.State initial) {
        Tensor states = Recurrent.lstmLayer(inputGates(input, suffix, true), param("weight_hh" + suffix), initial.h(), initial.c(), reverse);
        int last = reverse ? 0 : (int) input.size(0) - 1;
        Tensor h = states.select(0, 0);
        return new Direction(h, new RnnEquations.State(h.select(0, last), states.select(0, 1).select(0, last)));
    }

    /** One layer in one direction, a primitive per step: GRU and RNN, and packed LSTM batches. */
    private Direction runDirection(Tensor input, String suffix, boolean reverse, RnnEquations.State state, Tensor[] running) {
        int steps = (int) input.size(0);
        Tensor[] outputs = new Tensor[steps];
        boolean foldBiasHh = mode == RnnMode.LSTM;
        Tensor gatesAll = inputGates(input, suffix, foldBiasHh), biasHh = param("bias_hh" + suffix);
        // W_hh^T laid out once per call: every step's h @ W_hh^T then streams its rows with unit stride (an axpy per
        // element of h, no horizontal sums), where the transposed view made each output a dot product
        Tensor weightHhT = param("weight_hh" + suffix).t().contiguous(), stepBiasHh = foldBiasHh ? null : biasHh;
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            RnnEquations.State next = RnnEquations.step(mode, gatesAll.select(0, t), state, weightHhT, stepBiasHh);
            if (running == null) {
                state = next;
                outputs[t] = next.h();
            } else {
                // finished (or, in reverse, not yet started) sequences keep their state and output zeros
                Tensor m = running[t];
                state = new RnnEquations.State(Tensor.where(m, next.h(), state.h()), next.c() == null ? null : Tensor.where(m, next.c(), state.c()));
                outputs[t] = Tensor.where(m, next.h(), 0.0);
            }
        }
        return new Direction(Tensor.stack(List.of(outputs), 0), state);
    }

    /** Per step, a [B, 1] bool mask of the sequences that are at least t+1 long. */
    private static Tensor[] runningMasks(long[] lengths, int steps, Tensor like) {
        Tensor[] masks = new Tensor[steps];
        for (int t = 0; t < steps; t++) {
            boolean[] on = new boolean[lengths.length];
            for (int b = 0; b < lengths.length; b++) on[b] = t < lengths[b];
            Tensor m = Tensor.of(on).reshape(lengths.length, 1);
            masks[t] = like.device().isCpu() ? m : m.to(like.device());
        }
        return masks;
    }

    /** As PyTorch's {@code extra_repr}: only the arguments that differ from the defaults. */
    @Override public String extraRepr() {
        StringBuilder s = new StringBuilder().append(inputSize).append(", ").append(hiddenSize);
        if (options.numLayers() != 1) s.append(", num_layers=").append(options.numLayers());
        if (!options.bias()) s.append(", bias=False");
        if (options.batchFirst()) s.append(", batch_first=True");
        if (options.dropout() != 0) s.append(", dropout=").append(PyRepr.floating(options.dropout()));
        if (options.bidirectional()) s.append(", bidirectional=True");
        return s.toString();
    }
}
