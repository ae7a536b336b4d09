package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.EXP;

/**
 * {@link RecurrentRows} in float64 lanes of the preferred species (8 with AVX-512): per vector of hidden units,
 * the four (LSTM) or three (GRU) gate blocks of a row are loaded at {@code k*hidden + j}, activated and combined
 * in registers, and only the results are stored (the LSTM cell's backward stages its gates and c' in a scratch row
 * and runs the layer backward's loop over them). The equations are {@link RecurrentKernels}' plain ones.
 */
final class Float64RecurrentRows implements RecurrentRows {
    static final Float64RecurrentRows INSTANCE = new Float64RecurrentRows();
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long D = Double.BYTES;
    private static final DoubleVector ONE = DoubleVector.broadcast(S, 1.0), TWO = DoubleVector.broadcast(S, 2.0);

    private Float64RecurrentRows() {}

    // Every loop loads and stores its vectors itself and writes sigmoid and tanh out, with no helper taking or
    // returning a vector: where C2 does not inline such a helper (deep in a layer kernel, with its inlining budget
    // spent) each vector through it is boxed; through load(), gate(), sigmoid() and tanh() a float64 layer's forward
    // and backward at batch 16 allocated 2.0-6.4 MB per call. sigmoid(x) = 1 / (1 + exp(-x)); tanh(x) = 2 / (1 + exp(-2x))
    // - 1, one EXP, which the JDK compiles to a short vector routine where its TANH measured 2-3x slower per element
    // (exact at the saturated ends; near 0 an absolute error of an ulp of 1, below the tolerance of the gates it feeds).

    @Override public int lstm(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows hNext, MatrixRows cNext, MatrixRows gates,
                              long b, int hidden) {
        int end = S.loopBound(hidden);
        MemorySegment igm = ig.memory(), hgm = hg.memory(), cm = c.memory(), hn = hNext.memory(), cn = cNext.memory();
        long igAt = ig.at(b, 0) * D, hgAt = hg.at(b, 0) * D, cAt = c.at(b, 0) * D, hnAt = hNext.at(b, 0) * D,
                cnAt = cNext.at(b, 0) * D, block = hidden * D;
        for (int j = 0; j < end; j += S.length()) {
            long x = j * D;
            DoubleVector i = ONE.div(DoubleVector.fromMemorySegment(S, igm, igAt + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, hgm, hgAt + x, ORDER)).neg().lanewise(EXP).add(ONE));
            DoubleVector f = ONE.div(DoubleVector.fromMemorySegment(S, igm, igAt + block + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, hgm, hgAt + block + x, ORDER)).neg().lanewise(EXP).add(ONE));
            DoubleVector g = TWO.div(DoubleVector.fromMemorySegment(S, igm, igAt + 2 * block + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, hgm, hgAt + 2 * block + x, ORDER)).mul(-2.0).lanewise(EXP).add(ONE)).sub(ONE);
            DoubleVector o = ONE.div(DoubleVector.fromMemorySegment(S, igm, igAt + 3 * block + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, hgm, hgAt + 3 * block + x, ORDER)).neg().lanewise(EXP).add(ONE));
            if (gates != null) {   // this vector's four gate blocks are read: hg may be gates
                MemorySegment gm = gates.memory();
                long gAt = gates.at(b, 0) * D + x;
                i.intoMemorySegment(gm, gAt, ORDER);
                f.intoMemorySegment(gm, gAt + block, ORDER);
                g.intoMemorySegment(gm, gAt + 2 * block, ORDER);
                o.intoMemorySegment(gm, gAt + 3 * block, ORDER);
            }
            DoubleVector cNew = f.fma(DoubleVector.fromMemorySegment(S, cm, cAt + x, ORDER), i.mul(g));
            cNew.intoMemorySegment(cn, cnAt + x, ORDER);
            o.mul(TWO.div(cNew.mul(-2.0).lanewise(EXP).add(ONE)).sub(ONE)).intoMemorySegment(hn, hnAt + x, ORDER);
        }
        return end;
    }

    /**
     * The step's activated gates and c' staged in this thread's scratch row by {@link #lstm}, then the gradient as
     * {@link #lstmBackwardFromGates} forms it from a layer's kept gates: one chain rule for both.
     */
    @Override public int lstmBackward(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows gradHNext, MatrixRows gradCNext,
                                      MatrixRows gradGates, MatrixRows gradC, long b, int hidden) {
        Staged staged = STAGED.get();
        MemorySegment row = staged.scratch.bytes(6L * hidden * D);
        // row stride 0: every batch row b lands on the one scratch row
        MatrixRows gates = staged.gates.point(row, DType.FLOAT64, 0, 0, 1);
        MatrixRows hNext = staged.hNext.point(row, DType.FLOAT64, 4L * hidden, 0, 1);
        MatrixRows cNext = staged.cNext.point(row, DType.FLOAT64, 5L * hidden, 0, 1);
        lstm(ig, hg, c, hNext, cNext, gates, b, hidden);
        return lstmBackwardFromGates(gates, c, cNext, gradHNext, gradCNext, gradGates, gradC, b, hidden);
    }

    /** A thread's scratch row of gates, h' and c' for {@link #lstmBackward}, and its handles. */
    private static final class Staged {
        final NativeScratch scratch = new NativeScratch();
        final MatrixRows gates = new MatrixRows(), hNext = new MatrixRows(), cNext = new MatrixRows();
    }

    private static final ThreadLocal<Staged> STAGED = ThreadLocal.withInitial(Staged::new);

    @Override public int lstmBackwardFromGates(MatrixRows gates, MatrixRows c, MatrixRows cNext, MatrixRows gradHNext, MatrixRows gradCNext,
                                               MatrixRows gradGates, MatrixRows gradC, long b, int hidden) {
        int end = S.loopBound(hidden);
        MemorySegment gm = gates.memory(), cm = c.memory(), cnm = cNext.memory(), dhm = gradHNext.memory(), dcm = gradCNext.memory(),
                dgm = gradGates.memory(), dcPrev = gradC.memory();
        long gAt = gates.at(b, 0) * D, cAt = c.at(b, 0) * D, cnAt = cNext.at(b, 0) * D, dhAt = gradHNext.at(b, 0) * D,
                dcAt = gradCNext.at(b, 0) * D, dgAt = gradGates.at(b, 0) * D, dcPrevAt = gradC.at(b, 0) * D, block = hidden * D;
        for (int j = 0; j < end; j += S.length()) {
            long x = j * D;
            DoubleVector i = DoubleVector.fromMemorySegment(S, gm, gAt + x, ORDER);
            DoubleVector f = DoubleVector.fromMemorySegment(S, gm, gAt + block + x, ORDER);
            DoubleVector g = DoubleVector.fromMemorySegment(S, gm, gAt + 2 * block + x, ORDER);
            DoubleVector o = DoubleVector.fromMemorySegment(S, gm, gAt + 3 * block + x, ORDER);
            DoubleVector cPrev = DoubleVector.fromMemorySegment(S, cm, cAt + x, ORDER);
            DoubleVector tanhC = TWO.div(DoubleVector.fromMemorySegment(S, cnm, cnAt + x, ORDER).mul(-2.0).lanewise(EXP).add(ONE)).sub(ONE);
            DoubleVector gh = DoubleVector.fromMemorySegment(S, dhm, dhAt + x, ORDER);
            DoubleVector gc = gh.mul(o).fma(ONE.sub(tanhC.mul(tanhC)), DoubleVector.fromMemorySegment(S, dcm, dcAt + x, ORDER));
            gc.mul(g).mul(i.mul(ONE.sub(i))).intoMemorySegment(dgm, dgAt + x, ORDER);
            gc.mul(cPrev).mul(f.mul(ONE.sub(f))).intoMemorySegment(dgm, dgAt + block + x, ORDER);
            gc.mul(i).mul(ONE.sub(g.mul(g))).intoMemorySegment(dgm, dgAt + 2 * block + x, ORDER);
            gh.mul(tanhC).mul(o.mul(ONE.sub(o))).intoMemorySegment(dgm, dgAt + 3 * block + x, ORDER);
            gc.mul(f).intoMemorySegment(dcPrev, dcPrevAt + x, ORDER);
        }
        return end;
    }

    @Override public int gru(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows hNext, long b, int hidden) {
        int end = S.loopBound(hidden);
        MemorySegment gim = gi.memory(), ghm = gh.memory(), hm = h.memory(), hn = hNext.memory();
        long giAt = gi.at(b, 0) * D, ghAt = gh.at(b, 0) * D, hAt = h.at(b, 0) * D, hnAt = hNext.at(b, 0) * D, block = hidden * D;
        for (int j = 0; j < end; j += S.length()) {
            long x = j * D;
            DoubleVector r = ONE.div(DoubleVector.fromMemorySegment(S, gim, giAt + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, ghm, ghAt + x, ORDER)).neg().lanewise(EXP).add(ONE));
            DoubleVector z = ONE.div(DoubleVector.fromMemorySegment(S, gim, giAt + block + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, ghm, ghAt + block + x, ORDER)).neg().lanewise(EXP).add(ONE));
            DoubleVector n = TWO.div(r.fma(DoubleVector.fromMemorySegment(S, ghm, ghAt + 2 * block + x, ORDER),
                    DoubleVector.fromMemorySegment(S, gim, giAt + 2 * block + x, ORDER)).mul(-2.0).lanewise(EXP).add(ONE)).sub(ONE);
            z.fma(DoubleVector.fromMemorySegment(S, hm, hAt + x, ORDER).sub(n), n).intoMemorySegment(hn, hnAt + x, ORDER);
        }
        return end;
    }

    @Override public int gruBackward(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows gradHNext,
                                     MatrixRows gradGi, MatrixRows gradGh, MatrixRows gradH, long b, int hidden) {
        int end = S.loopBound(hidden);
        MemorySegment gim = gi.memory(), ghm = gh.memory(), hm = h.memory(), dhm = gradHNext.memory(),
                dgim = gradGi.memory(), dghm = gradGh.memory(), dhPrev = gradH.memory();
        long giAt = gi.at(b, 0) * D, ghAt = gh.at(b, 0) * D, hAt = h.at(b, 0) * D, dhAt = gradHNext.at(b, 0) * D,
                dgiAt = gradGi.at(b, 0) * D, dghAt = gradGh.at(b, 0) * D, dhPrevAt = gradH.at(b, 0) * D, block = hidden * D;
        for (int j = 0; j < end; j += S.length()) {
            long x = j * D;
            DoubleVector r = ONE.div(DoubleVector.fromMemorySegment(S, gim, giAt + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, ghm, ghAt + x, ORDER)).neg().lanewise(EXP).add(ONE));
            DoubleVector z = ONE.div(DoubleVector.fromMemorySegment(S, gim, giAt + block + x, ORDER)
                    .add(DoubleVector.fromMemorySegment(S, ghm, ghAt + block + x, ORDER)).neg().lanewise(EXP).add(ONE));
            DoubleVector hiddenN = DoubleVector.fromMemorySegment(S, ghm, ghAt + 2 * block + x, ORDER);
            DoubleVector n = TWO.div(r.fma(hiddenN, DoubleVector.fromMemorySegment(S, gim, giAt + 2 * block + x, ORDER))
                    .mul(-2.0).lanewise(EXP).add(ONE)).sub(ONE);
            DoubleVector g = DoubleVector.fromMemorySegment(S, dhm, dhAt + x, ORDER);
            DoubleVector gradN = g.mul(ONE.sub(z)).mul(ONE.sub(n.mul(n)));
            DoubleVector gradZ = g.mul(DoubleVector.fromMemorySegment(S, hm, hAt + x, ORDER).sub(n)).mul(z.mul(ONE.sub(z)));
            DoubleVector gradR = gradN.mul(hiddenN).mul(r.mul(ONE.sub(r)));
            gradR.intoMemorySegment(dgim, dgiAt + x, ORDER);
            gradZ.intoMemorySegment(dgim, dgiAt + block + x, ORDER);
            gradN.intoMemorySegment(dgim, dgiAt + 2 * block + x, ORDER);
            gradR.intoMemorySegment(dghm, dghAt + x, ORDER);
            gradZ.intoMemorySegment(dghm, dghAt + block + x, ORDER);
            gradN.mul(r).intoMemorySegment(dghm, dghAt + 2 * block + x, ORDER);
            g.mul(z).intoMemorySegment(dhPrev, dhPrevAt + x, ORDER);
        }
        return end;
    }
}
