package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

/**
 * The fused LSTM and GRU cells and their gradients: one pass over each batch row reads the gate
 * pre-activations once and writes the new state, where the composed form runs ~10 kernels (chunk, sigmoid,
 * tanh, mul, add) with a temporary tensor each. Float32 rows whose columns are unit-stride go through the vector
 * rows ({@link Float32RecurrentRows}) up to their last full vector; the remaining columns, every column of other
 * layouts, and float64, go through the plain per-element equations here, which are also the reference the vector
 * rows are tested against. Rows are split over threads only above
 * {@link #PARALLEL_ELEMENTS}: one step of a small batch is a few microseconds, less than a hand-off pays for.
 */
final class RecurrentKernels {
    /** Hidden elements (batch x hidden) per step below which a cell runs on the calling thread. */
    static final long PARALLEL_ELEMENTS = 16_384;

    private RecurrentKernels() {}

    /**
     * Each thread's operand handles, repointed at every call so a step allocates nothing. A cell kernel never runs
     * inside another on one thread, and worker threads only read the caller's handles while the caller waits.
     */
    private static final ThreadLocal<MatrixRows[]> HANDLES = ThreadLocal.withInitial(() -> {
        MatrixRows[] handles = new MatrixRows[7];
        for (int i = 0; i < handles.length; i++) handles[i] = new MatrixRows();
        return handles;
    });

    /**
     * The vector rows for a dtype when every operand's rows are unit-stride, or null: plain loops only. Float64 takes
     * the plain loops: its vector rows needed the Vector API's {@code lanewise(EXP)}, whose last bits differ between
     * the JIT's intrinsic and the interpreter (InterpreterAgreementTest), and float64 recurrences are for gradchecks.
     */
    static RecurrentRows vectorRows(DType dtype, boolean unitColumns) {
        return unitColumns && dtype == DType.FLOAT32 ? Float32RecurrentRows.INSTANCE : null;
    }

    /** Whether a step of this size runs on the calling thread: a small batch is a few microseconds, less than a hand-off. */
    private static boolean serial(long batch, int hidden) { return batch * hidden < PARALLEL_ELEMENTS; }

    private static long grain(int hidden) { return Math.max(1, PARALLEL_ELEMENTS / 4 / hidden); }

    // ---- LSTM ----

    static void lstmCell(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor out) {
        MatrixRows[] h = HANDLES.get();
        MatrixRows ig = h[0].rows(inputGates), hg = h[1].rows(hiddenGates), cell = h[2].rows(c);
        MatrixRows hNext = h[3].sliceRows(out, 0), cNext = h[4].sliceRows(out, 1);
        int hidden = (int) c.size(1);
        long batch = c.size(0);
        RecurrentRows vector = vectorRows(c.dtype(), ig.unitColumns() && hg.unitColumns() && cell.unitColumns()
                && hNext.unitColumns() && cNext.unitColumns());
        if (serial(batch, hidden)) lstmRows(vector, ig, hg, cell, hNext, cNext, null, 0, batch, hidden);
        else IntraOpPool.parallelFor(batch, grain(hidden), (b0, b1) -> lstmRows(vector, ig, hg, cell, hNext, cNext, null, b0, b1, hidden));
    }

    /** Rows [b0, b1) of one LSTM step; with {@code gates} not null (it may be hg), their activated gates too. */
    static void lstmRows(RecurrentRows vector, MatrixRows ig, MatrixRows hg, MatrixRows cell, MatrixRows hNext, MatrixRows cNext,
                         MatrixRows gates, long b0, long b1, int hidden) {
        for (long b = b0; b < b1; b++) {
            int j = vector == null ? 0 : vector.lstm(ig, hg, cell, hNext, cNext, gates, b, hidden);
            for (; j < hidden; j++) lstmElement(ig, hg, cell, hNext, cNext, gates, b, j, hidden);
        }
    }

    static void lstmCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor gradOut, Tensor gradGates, Tensor gradC) {
        MatrixRows[] h = HANDLES.get();
        MatrixRows ig = h[0].rows(inputGates), hg = h[1].rows(hiddenGates), cell = h[2].rows(c);
        MatrixRows gradHNext = h[3].sliceRows(gradOut, 0), gradCNext = h[4].sliceRows(gradOut, 1);
        MatrixRows gradG = h[5].rows(gradGates), gradCell = h[6].rows(gradC);
        int hidden = (int) c.size(1);
        RecurrentRows vector = vectorRows(c.dtype(), ig.unitColumns() && hg.unitColumns() && cell.unitColumns()
                && gradHNext.unitColumns() && gradCNext.unitColumns() && gradG.unitColumns() && gradCell.unitColumns());
        long batch = c.size(0);
        if (serial(batch, hidden)) lstmBackwardRows(vector, ig, hg, cell, gradHNext, gradCNext, gradG, gradCell, 0, batch, hidden);
        else IntraOpPool.parallelFor(batch, grain(hidden),
                (b0, b1) -> lstmBackwardRows(vector, ig, hg, cell, gradHNext, gradCNext, gradG, gradCell, b0, b1, hidden));
    }

    static void lstmBackwardRows(RecurrentRows vector, MatrixRows ig, MatrixRows hg, MatrixRows cell, MatrixRows gradHNext,
                                         MatrixRows gradCNext, MatrixRows gradG, MatrixRows gradCell, long b0, long b1, int hidden) {
        for (long b = b0; b < b1; b++) {
            int j = vector == null ? 0 : vector.lstmBackward(ig, hg, cell, gradHNext, gradCNext, gradG, gradCell, b, hidden);
            for (; j < hidden; j++) lstmBackwardElement(ig, hg, cell, gradHNext, gradCNext, gradG, gradCell, b, j, hidden);
        }
    }

    /**
     * Rows [b0, b1) of one LSTM step's gradient from the step's activated gates and its c' (cNext), as a layer's
     * forward left them: nothing to recompute but tanh(c').
     */
    static void lstmBackwardFromGatesRows(RecurrentRows vector, MatrixRows gates, MatrixRows cell, MatrixRows cNext, MatrixRows gradHNext,
                                          MatrixRows gradCNext, MatrixRows gradG, MatrixRows gradCell, long b0, long b1, int hidden) {
        for (long b = b0; b < b1; b++) {
            int j = vector == null ? 0 : vector.lstmBackwardFromGates(gates, cell, cNext, gradHNext, gradCNext, gradG, gradCell, b, hidden);
            for (; j < hidden; j++) lstmBackwardFromGatesElement(gates, cell, cNext, gradHNext, gradCNext, gradG, gradCell, b, j, hidden);
        }
    }

    /** c' = f*c + i*g, h' = o*tanh(c') at (b, j), gate order i, f, g, o; the activated gates to {@code gates} if not null. */
    static void lstmElement(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows hNext, MatrixRows cNext, MatrixRows gates,
                            long b, int j, int hidden) {
        double i = sigmoid(ig.get(b, j) + hg.get(b, j));
        double f = sigmoid(ig.get(b, hidden + j) + hg.get(b, hidden + j));
        double g = Math.tanh(ig.get(b, 2 * hidden + j) + hg.get(b, 2 * hidden + j));
        double o = sigmoid(ig.get(b, 3 * hidden + j) + hg.get(b, 3 * hidden + j));
        if (gates != null) {
            gates.set(b, j, i);
            gates.set(b, hidden + j, f);
            gates.set(b, 2 * hidden + j, g);
            gates.set(b, 3 * hidden + j, o);
        }
        double cn = f * c.get(b, j) + i * g;
        cNext.set(b, j, cn);
        hNext.set(b, j, o * Math.tanh(cn));
    }

    /** The chain rule through {@link #lstmElement}, the gates recomputed from their pre-activations. */
    static void lstmBackwardElement(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows gradHNext, MatrixRows gradCNext,
                                    MatrixRows gradGates, MatrixRows gradC, long b, int j, int hidden) {
        double i = sigmoid(ig.get(b, j) + hg.get(b, j));
        double f = sigmoid(ig.get(b, hidden + j) + hg.get(b, hidden + j));
        double g = Math.tanh(ig.get(b, 2 * hidden + j) + hg.get(b, 2 * hidden + j));
        double o = sigmoid(ig.get(b, 3 * hidden + j) + hg.get(b, 3 * hidden + j));
        double cPrev = c.get(b, j);
        lstmGradientElement(i, f, g, o, cPrev, Math.tanh(f * cPrev + i * g), gradHNext, gradCNext, gradGates, gradC, b, j, hidden);
    }

    /** The chain rule through {@link #lstmElement} from the activated gates the forward kept, and c'. */
    static void lstmBackwardFromGatesElement(MatrixRows gates, MatrixRows c, MatrixRows cNext, MatrixRows gradHNext, MatrixRows gradCNext,
                                             MatrixRows gradGates, MatrixRows gradC, long b, int j, int hidden) {
        lstmGradientElement(gates.get(b, j), gates.get(b, hidden + j), gates.get(b, 2 * hidden + j), gates.get(b, 3 * hidden + j),
                c.get(b, j), Math.tanh(cNext.get(b, j)), gradHNext, gradCNext, gradGates, gradC, b, j, hidden);
    }

    private static void lstmGradientElement(double i, double f, double g, double o, double cPrev, double tanhC, MatrixRows gradHNext,
                                            MatrixRows gradCNext, MatrixRows gradGates, MatrixRows gradC, long b, int j, int hidden) {
        double gh = gradHNext.get(b, j);
        double gc = gradCNext.get(b, j) + gh * o * (1 - tanhC * tanhC);
        gradGates.set(b, j, gc * g * i * (1 - i));
        gradGates.set(b, hidden + j, gc * cPrev * f * (1 - f));
        gradGates.set(b, 2 * hidden + j, gc * i * (1 - g * g));
        gradGates.set(b, 3 * hidden + j, gh * tanhC * o * (1 - o));
        gradC.set(b, j, gc * f);
    }

    // ---- GRU ----

    static void gruCell(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor out) {
        MatrixRows[] handles = HANDLES.get();
        MatrixRows gi = handles[0].rows(inputGates), gh = handles[1].rows(hiddenGates), state = handles[2].rows(h), hNext = handles[3].rows(out);
        int hidden = (int) h.size(1);
        long batch = h.size(0);
        RecurrentRows vector = vectorRows(h.dtype(), gi.unitColumns() && gh.unitColumns() && state.unitColumns() && hNext.unitColumns());
        if (serial(batch, hidden)) gruRows(vector, gi, gh, state, hNext, 0, batch, hidden);
        else IntraOpPool.parallelFor(batch, grain(hidden), (b0, b1) -> gruRows(vector, gi, gh, state, hNext, b0, b1, hidden));
    }

    private static void gruRows(RecurrentRows vector, MatrixRows gi, MatrixRows gh, MatrixRows state, MatrixRows hNext, long b0, long b1, int hidden) {
        for (long b = b0; b < b1; b++) {
            int j = vector == null ? 0 : vector.gru(gi, gh, state, hNext, b, hidden);
            for (; j < hidden; j++) gruElement(gi, gh, state, hNext, b, j, hidden);
        }
    }

    static void gruCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor gradOut,
                                Tensor gradInputGates, Tensor gradHiddenGates, Tensor gradH) {
        MatrixRows[] handles = HANDLES.get();
        MatrixRows gi = handles[0].rows(inputGates), gh = handles[1].rows(hiddenGates), state = handles[2].rows(h), gradHNext = handles[3].rows(gradOut);
        MatrixRows gradGi = handles[4].rows(gradInputGates), gradGh = handles[5].rows(gradHiddenGates), gradState = handles[6].rows(gradH);
        int hidden = (int) h.size(1);
        RecurrentRows vector = vectorRows(h.dtype(), gi.unitColumns() && gh.unitColumns() && state.unitColumns() && gradHNext.unitColumns()
                && gradGi.unitColumns() && gradGh.unitColumns() && gradState.unitColumns());
        long batch = h.size(0);
        if (serial(batch, hidden)) gruBackwardRows(vector, gi, gh, state, gradHNext, gradGi, gradGh, gradState, 0, batch, hidden);
        else IntraOpPool.parallelFor(batch, grain(hidden),
                (b0, b1) -> gruBackwardRows(vector, gi, gh, state, gradHNext, gradGi, gradGh, gradState, b0, b1, hidden));
    }

    private static void gruBackwardRows(RecurrentRows vector, MatrixRows gi, MatrixRows gh, MatrixRows state, MatrixRows gradHNext,
                                        MatrixRows gradGi, MatrixRows gradGh, MatrixRows gradState, long b0, long b1, int hidden) {
        for (long b = b0; b < b1; b++) {
            int j = vector == null ? 0 : vector.gruBackward(gi, gh, state, gradHNext, gradGi, gradGh, gradState, b, hidden);
            for (; j < hidden; j++) gruBackwardElement(gi, gh, state, gradHNext, gradGi, gradGh, gradState, b, j, hidden);
        }
    }

    /** r, z, n (gate order), h' = n + z*(h - n), which is (1-z)*n + z*h, at (b, j). */
    static void gruElement(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows hNext, long b, int j, int hidden) {
        double r = sigmoid(gi.get(b, j) + gh.get(b, j));
        double z = sigmoid(gi.get(b, hidden + j) + gh.get(b, hidden + j));
        double n = Math.tanh(gi.get(b, 2 * hidden + j) + r * gh.get(b, 2 * hidden + j));
        hNext.set(b, j, n + z * (h.get(b, j) - n));
    }

    /** The chain rule through {@link #gruElement}; the input and hidden gradients differ only in the n block. */
    static void gruBackwardElement(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows gradHNext,
                                   MatrixRows gradGi, MatrixRows gradGh, MatrixRows gradH, long b, int j, int hidden) {
        double r = sigmoid(gi.get(b, j) + gh.get(b, j));
        double z = sigmoid(gi.get(b, hidden + j) + gh.get(b, hidden + j));
        double hiddenN = gh.get(b, 2 * hidden + j);
        double n = Math.tanh(gi.get(b, 2 * hidden + j) + r * hiddenN);
        double g = gradHNext.get(b, j);
        double gradN = g * (1 - z) * (1 - n * n);
        double gradZ = g * (h.get(b, j) - n) * z * (1 - z);
        double gradR = gradN * hiddenN * r * (1 - r);
        gradGi.set(b, j, gradR);
        gradGi.set(b, hidden + j, gradZ);
        gradGi.set(b, 2 * hidden + j, gradN);
        gradGh.set(b, j, gradR);
        gradGh.set(b, hidden + j, gradZ);
        gradGh.set(b, 2 * hidden + j, gradN * r);
        gradH.set(b, j, g * z);
    }

    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }
}
