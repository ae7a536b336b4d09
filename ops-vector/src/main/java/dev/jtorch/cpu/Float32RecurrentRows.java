package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link RecurrentRows} in float32 lanes of the preferred species (8 with AVX2, 16 with AVX-512). A row runs in
 * stages over the hidden units up to the last full vector: the gate pre-activations are summed and staged as
 * exponents ({@code -x} for a sigmoid, {@code -2x} for a tanh) in a per-thread float array, {@link
 * FloatVectorMath#expInPlace} turns the whole stage into exponentials, and the next loop reads them back as
 * {@code sigmoid = 1/(1+e)} and {@code tanh = 2/(1+e) - 1}. A state that feeds a second non-linearity (c' into
 * tanh, r into n) takes one more stage. The equations are {@link RecurrentKernels}' plain ones.
 */
final class Float32RecurrentRows implements RecurrentRows {
    static final Float32RecurrentRows INSTANCE = new Float32RecurrentRows();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ThreadLocal<float[][]> STAGE = ThreadLocal.withInitial(() -> new float[][] {new float[0]});
    private static final ThreadLocal<Recomputed> RECOMPUTED = ThreadLocal.withInitial(Recomputed::new);

    private Float32RecurrentRows() {}

    /** This thread's staging array, at least {@code n} floats. */
    private static float[] stage(int n) {
        float[][] holder = STAGE.get();
        if (holder[0].length < n) holder[0] = new float[n];
        return holder[0];
    }

    @Override public int lstm(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows hNext, MatrixRows cNext, MatrixRows gates,
                              long b, int hidden) {
        int end = S.loopBound(hidden);
        if (end == 0) return 0;
        float[] e = lstmGateExponentials(ig, hg, b, hidden, end);
        lstmGatesAndCell(e, c, cNext, b, end);
        FloatVectorMath.expInPlace(e, 4 * end, 5 * end);
        lstmHidden(e, hNext, b, end);
        if (gates != null) keepGates(e, gates, b, hidden, end);   // hg's row is read: gates may be hg
        return end;
    }

    /**
     * The staged gates' blocks to their tensor. Four bulk copies: storing each vector to the tensor in the loop
     * that forms them made a 64-row step's forward cell 1.14x slower (34.4 against 33.4 us, one thread).
     */
    private static void keepGates(float[] e, MatrixRows gates, long b, int hidden, int end) {
        for (int k = 0; k < 4; k++) MemorySegment.copy(e, k * end, gates.memory(), ValueLayout.JAVA_FLOAT, gates.at(b, k * hidden) * Float.BYTES, end);
    }

    /** The gates and c' recomputed into a native row of this thread, then the backward from them. */
    @Override public int lstmBackward(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows gradHNext, MatrixRows gradCNext,
                                      MatrixRows gradGates, MatrixRows gradC, long b, int hidden) {
        int end = S.loopBound(hidden);
        if (end == 0) return 0;
        Recomputed row = RECOMPUTED.get().row(b, hidden);
        float[] e = lstmGateExponentials(ig, hg, b, hidden, end);
        lstmGatesAndCell(e, c, row.cNext, b, end);
        keepGates(e, row.gates, b, hidden, end);
        return lstmBackwardFromGates(row.gates, c, row.cNext, gradHNext, gradCNext, gradGates, gradC, b, hidden);
    }

    @Override public int lstmBackwardFromGates(MatrixRows gates, MatrixRows c, MatrixRows cNext, MatrixRows gradHNext, MatrixRows gradCNext,
                                               MatrixRows gradGates, MatrixRows gradC, long b, int hidden) {
        int end = S.loopBound(hidden);
        if (end == 0) return 0;
        float[] e = stage(end);
        MemorySegment cs = cNext.memory();
        for (int j = 0; j < end; j += L) FloatVector.fromMemorySegment(S, cs, cNext.at(b, j) * Float.BYTES, ORDER).mul(-2f).intoArray(e, j);
        FloatVectorMath.expInPlace(e, 0, end);
        lstmGradients(e, gates, c, gradHNext, gradCNext, gradGates, gradC, b, hidden, end);
        return end;
    }

    // The LSTM rows run as loops in methods of their own that exchange only arrays, and the loops load and store
    // their vectors themselves, with no helper between: a vector passed to or returned from a call that C2 does not
    // inline is boxed, and a row inlined into a whole-layer kernel leaves C2 little inlining budget. Through load()
    // and store() the layer's backward allocated about 1 MB per call of a 30-step batch-64 layer, depending on what
    // C2 had compiled before. Each loop does as much of the row as its live vectors allow: the forward turns the
    // exponentials into gates in the loop that forms c', the backward forms gc and the four gate gradients in one
    // (one pass over the row each where there were three, 0.89x and 0.77-0.90x the time of a 64-row step's cell).
    // The backward loads the activated gates from their tensor itself, not from copies of each gate block in the
    // staging array: 0.91x the time of a 64-row step's backward cell (17.3 against 20.0 us, one thread).

    /**
     * The gates from their staged exponentials, kept in place (sigmoid = 1/(1+e), tanh = 2/(1+e) - 1), c' = f*c + i*g
     * to cNext, and c''s exponent -2c' staged at [4*end, 5*end) for tanh.
     */
    private static void lstmGatesAndCell(float[] e, MatrixRows c, MatrixRows cNext, long b, int end) {
        MemorySegment cs = c.memory(), out = cNext.memory();
        FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f);
        for (int j = 0; j < end; j += L) {
            FloatVector i = one.div(FloatVector.fromArray(S, e, j).add(one));
            FloatVector f = one.div(FloatVector.fromArray(S, e, end + j).add(one));
            FloatVector g = two.div(FloatVector.fromArray(S, e, 2 * end + j).add(one)).sub(one);
            FloatVector o = one.div(FloatVector.fromArray(S, e, 3 * end + j).add(one));
            i.intoArray(e, j);
            f.intoArray(e, end + j);
            g.intoArray(e, 2 * end + j);
            o.intoArray(e, 3 * end + j);
            FloatVector cn = f.fma(FloatVector.fromMemorySegment(S, cs, c.at(b, j) * Float.BYTES, ORDER), i.mul(g));
            cn.intoMemorySegment(out, cNext.at(b, j) * Float.BYTES, ORDER);
            cn.mul(-2f).intoArray(e, 4 * end + j);
        }
    }

    /** h' = o * tanh(c'), from the staged o and exp(-2c'). */
    private static void lstmHidden(float[] e, MatrixRows hNext, long b, int end) {
        int tanhC = 4 * end;
        MemorySegment out = hNext.memory();
        FloatVector two = FloatVector.broadcast(S, 2f);
        for (int j = 0; j < end; j += L) {
            FloatVector tanh = two.div(FloatVector.fromArray(S, e, tanhC + j).add(1f)).sub(1f);
            FloatVector.fromArray(S, e, 3 * end + j).mul(tanh).intoMemorySegment(out, hNext.at(b, j) * Float.BYTES, ORDER);
        }
    }

    /**
     * From the activated gates (in their tensor) and exp(-2c') at [0, end): gc = dc' + dh' * o * (1 - tanh(c')^2),
     * dc = gc * f, and the pre-activation gradients of i, f, g and o.
     */
    private static void lstmGradients(float[] e, MatrixRows gates, MatrixRows c, MatrixRows gradHNext, MatrixRows gradCNext,
                                      MatrixRows gradGates, MatrixRows gradC, long b, int hidden, int end) {
        MemorySegment out = gradGates.memory(), in = gates.memory();
        long gateBlock = (long) hidden * Float.BYTES;
        FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f);
        for (int j = 0; j < end; j += L) {
            long from = gates.at(b, j) * Float.BYTES;
            FloatVector i = FloatVector.fromMemorySegment(S, in, from, ORDER), f = FloatVector.fromMemorySegment(S, in, from + gateBlock, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(S, in, from + 2 * gateBlock, ORDER);
            FloatVector o = FloatVector.fromMemorySegment(S, in, from + 3 * gateBlock, ORDER);
            FloatVector tanhC = two.div(FloatVector.fromArray(S, e, j).add(one)).sub(one);
            FloatVector dh = FloatVector.fromMemorySegment(S, gradHNext.memory(), gradHNext.at(b, j) * Float.BYTES, ORDER);
            FloatVector gc = dh.mul(o).fma(one.sub(tanhC.mul(tanhC)),
                    FloatVector.fromMemorySegment(S, gradCNext.memory(), gradCNext.at(b, j) * Float.BYTES, ORDER));
            gc.mul(f).intoMemorySegment(gradC.memory(), gradC.at(b, j) * Float.BYTES, ORDER);
            long at = gradGates.at(b, j) * Float.BYTES;
            gc.mul(g).mul(i.mul(one.sub(i))).intoMemorySegment(out, at, ORDER);
            gc.mul(FloatVector.fromMemorySegment(S, c.memory(), c.at(b, j) * Float.BYTES, ORDER)).mul(f.mul(one.sub(f))).intoMemorySegment(out, at + gateBlock, ORDER);
            gc.mul(i).mul(one.sub(g.mul(g))).intoMemorySegment(out, at + 2 * gateBlock, ORDER);
            dh.mul(tanhC).mul(o.mul(one.sub(o))).intoMemorySegment(out, at + 3 * gateBlock, ORDER);
        }
    }

    /** Stages exp of each gate's exponent, gate k at [k*end, (k+1)*end): i, f, o as sigmoids, g as a tanh. */
    private static float[] lstmGateExponentials(MatrixRows ig, MatrixRows hg, long b, int hidden, int end) {
        float[] e = stage(5 * end);
        for (int k = 0; k < 4; k++) {
            float scale = k == 2 ? -2f : -1f;
            for (int j = 0; j < end; j += L) {
                FloatVector x = FloatVector.fromMemorySegment(S, ig.memory(), ig.at(b, k * hidden + j) * Float.BYTES, ORDER);
                x.add(FloatVector.fromMemorySegment(S, hg.memory(), hg.at(b, k * hidden + j) * Float.BYTES, ORDER)).mul(scale).intoArray(e, k * end + j);
            }
        }
        FloatVectorMath.expInPlace(e, 0, 4 * end);
        return e;
    }

    @Override public int gru(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows hNext, long b, int hidden) {
        int end = S.loopBound(hidden);
        if (end == 0) return 0;
        float[] e = gruExponentials(gi, gh, b, hidden, end);
        for (int j = 0; j < end; j += L) {
            FloatVector z = sigmoid(e, end + j), n = tanh(e, 2 * end + j);
            store(z.fma(load(h, b, j).sub(n), n), hNext, b, j);
        }
        return end;
    }

    @Override public int gruBackward(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows gradHNext,
                                     MatrixRows gradGi, MatrixRows gradGh, MatrixRows gradH, long b, int hidden) {
        int end = S.loopBound(hidden);
        if (end == 0) return 0;
        float[] e = gruExponentials(gi, gh, b, hidden, end);
        gruCandidateGradients(e, gh, h, gradHNext, gradGi, gradGh, gradH, b, hidden, end);
        gruResetGradients(e, gh, gradGi, gradGh, b, hidden, end);
        return end;
    }

    /** dn (staged at [3*end, 4*end) and stored), dz and dh; split from the reset gate's loop for the reason above. */
    private static void gruCandidateGradients(float[] e, MatrixRows gh, MatrixRows h, MatrixRows gradHNext, MatrixRows gradGi,
                                              MatrixRows gradGh, MatrixRows gradH, long b, int hidden, int end) {
        for (int j = 0; j < end; j += L) {
            FloatVector r = sigmoid(e, j), z = sigmoid(e, end + j), n = tanh(e, 2 * end + j);
            FloatVector g = load(gradHNext, b, j);
            FloatVector gradN = g.mul(z.neg().add(1f)).mul(n.mul(n).neg().add(1f));
            FloatVector gradZ = g.mul(load(h, b, j).sub(n)).mul(z.mul(z.neg().add(1f)));
            gradN.intoArray(e, 3 * end + j);
            store(gradZ, gradGi, b, hidden + j);
            store(gradN, gradGi, b, 2 * hidden + j);
            store(gradZ, gradGh, b, hidden + j);
            store(gradN.mul(r), gradGh, b, 2 * hidden + j);
            store(g.mul(z), gradH, b, j);
        }
    }

    /** dr, the same for the input and the hidden projection. */
    private static void gruResetGradients(float[] e, MatrixRows gh, MatrixRows gradGi, MatrixRows gradGh, long b, int hidden, int end) {
        for (int j = 0; j < end; j += L) {
            FloatVector r = sigmoid(e, j);
            FloatVector gradR = FloatVector.fromArray(S, e, 3 * end + j).mul(load(gh, b, 2 * hidden + j)).mul(r.mul(r.neg().add(1f)));
            store(gradR, gradGi, b, j);
            store(gradR, gradGh, b, j);
        }
    }

    /** Stages exp of r's and z's exponents at [0, 2*end), then, with r known, of n's at [2*end, 3*end). */
    private static float[] gruExponentials(MatrixRows gi, MatrixRows gh, long b, int hidden, int end) {
        float[] e = stage(4 * end);
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < end; j += L) gate(gi, gh, b, k * hidden + j).neg().intoArray(e, k * end + j);
        }
        FloatVectorMath.expInPlace(e, 0, 2 * end);
        for (int j = 0; j < end; j += L) {
            FloatVector n = sigmoid(e, j).fma(load(gh, b, 2 * hidden + j), load(gi, b, 2 * hidden + j));
            n.mul(-2f).intoArray(e, 2 * end + j);
        }
        FloatVectorMath.expInPlace(e, 2 * end, 3 * end);
        return e;
    }

    /** The pre-activation of one gate block: the input and hidden projections summed. */
    private static FloatVector gate(MatrixRows inputGates, MatrixRows hiddenGates, long b, int col) {
        return load(inputGates, b, col).add(load(hiddenGates, b, col));
    }

    /** 1 / (1 + e^-x), from the staged e^-x. */
    private static FloatVector sigmoid(float[] e, int at) {
        return FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, e, at).add(1f));
    }

    /** tanh(x) = 2 / (1 + e^-2x) - 1, from the staged e^-2x: exact at the saturated ends, within an ulp of 1 near 0. */
    private static FloatVector tanh(float[] e, int at) {
        return FloatVector.broadcast(S, 2f).div(FloatVector.fromArray(S, e, at).add(1f)).sub(1f);
    }

    private static FloatVector load(MatrixRows m, long row, int col) {
        return FloatVector.fromMemorySegment(S, m.memory(), m.at(row, col) * Float.BYTES, ORDER);
    }

    private static void store(FloatVector v, MatrixRows m, long row, int col) {
        v.intoMemorySegment(m.memory(), m.at(row, col) * Float.BYTES, ORDER);
    }

    /**
     * One row's recomputed activated gates [4H] and c' [H] in native memory of this thread, as the layer's forward
     * keeps them in its tensors, so that the backward from pre-activations runs {@link #lstmBackwardFromGates}.
     */
    private static final class Recomputed {
        private final NativeScratch memory = new NativeScratch();
        final MatrixRows gates = new MatrixRows(), cNext = new MatrixRows();

        /** The handles, pointed so that row b of each is the scratch row. */
        Recomputed row(long b, int hidden) {
            MemorySegment m = memory.floats(5L * hidden);
            gates.point(m, DType.FLOAT32, -b * 4 * hidden, 4L * hidden, 1);
            cNext.point(m, DType.FLOAT32, 4L * hidden - b * hidden, hidden, 1);
            return this;
        }
    }
}
