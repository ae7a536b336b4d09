package dev.jtorch.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * {@link RecurrentRows} in float64 lanes of the preferred species (8 with AVX-512): per vector of hidden units,
 * the four (LSTM) or three (GRU) gate blocks of a row are loaded at {@code k*hidden + j}, activated and combined
 * in registers, and only the results are stored. The equations are {@link RecurrentKernels}' plain ones.
 */
final class Float64RecurrentRows implements RecurrentRows {
    static final Float64RecurrentRows INSTANCE = new Float64RecurrentRows();
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final DoubleVector ONE = DoubleVector.broadcast(S, 1.0), TWO = DoubleVector.broadcast(S, 2.0);

    private Float64RecurrentRows() {}

    @Override public int lstm(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows hNext, MatrixRows cNext, MatrixRows gates,
                              long b, int hidden) {
        int end = S.loopBound(hidden);
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector i = sigmoid(gate(ig, hg, b, j));
            DoubleVector f = sigmoid(gate(ig, hg, b, hidden + j));
            DoubleVector g = tanh(gate(ig, hg, b, 2 * hidden + j));
            DoubleVector o = sigmoid(gate(ig, hg, b, 3 * hidden + j));
            if (gates != null) {   // this vector's four gate blocks are read: hg may be gates
                store(i, gates, b, j);
                store(f, gates, b, hidden + j);
                store(g, gates, b, 2 * hidden + j);
                store(o, gates, b, 3 * hidden + j);
            }
            DoubleVector cn = f.fma(load(c, b, j), i.mul(g));
            store(cn, cNext, b, j);
            store(o.mul(tanh(cn)), hNext, b, j);
        }
        return end;
    }

    @Override public int lstmBackward(MatrixRows ig, MatrixRows hg, MatrixRows c, MatrixRows gradHNext, MatrixRows gradCNext,
                                      MatrixRows gradGates, MatrixRows gradC, long b, int hidden) {
        int end = S.loopBound(hidden);
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector i = sigmoid(gate(ig, hg, b, j));
            DoubleVector f = sigmoid(gate(ig, hg, b, hidden + j));
            DoubleVector g = tanh(gate(ig, hg, b, 2 * hidden + j));
            DoubleVector o = sigmoid(gate(ig, hg, b, 3 * hidden + j));
            DoubleVector cPrev = load(c, b, j);
            DoubleVector tanhC = tanh(f.fma(cPrev, i.mul(g)));
            DoubleVector gh = load(gradHNext, b, j);
            DoubleVector gc = gh.mul(o).fma(ONE.sub(tanhC.mul(tanhC)), load(gradCNext, b, j));
            store(gc.mul(g).mul(i.mul(ONE.sub(i))), gradGates, b, j);
            store(gc.mul(cPrev).mul(f.mul(ONE.sub(f))), gradGates, b, hidden + j);
            store(gc.mul(i).mul(ONE.sub(g.mul(g))), gradGates, b, 2 * hidden + j);
            store(gh.mul(tanhC).mul(o.mul(ONE.sub(o))), gradGates, b, 3 * hidden + j);
            store(gc.mul(f), gradC, b, j);
        }
        return end;
    }

    @Override public int lstmBackwardFromGates(MatrixRows gates, MatrixRows c, MatrixRows cNext, MatrixRows gradHNext, MatrixRows gradCNext,
                                               MatrixRows gradGates, MatrixRows gradC, long b, int hidden) {
        int end = S.loopBound(hidden);
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector i = load(gates, b, j), f = load(gates, b, hidden + j);
            DoubleVector g = load(gates, b, 2 * hidden + j), o = load(gates, b, 3 * hidden + j);
            DoubleVector cPrev = load(c, b, j);
            DoubleVector tanhC = tanh(load(cNext, b, j));
            // the chain rule as in lstmBackward, written twice on purpose: through a helper taking the six vectors,
            // C2 boxed them (a float64 layer's forward and backward at batch 16: 4.4 MB per call, 2.0 MB without it)
            DoubleVector gh = load(gradHNext, b, j);
            DoubleVector gc = gh.mul(o).fma(ONE.sub(tanhC.mul(tanhC)), load(gradCNext, b, j));
            store(gc.mul(g).mul(i.mul(ONE.sub(i))), gradGates, b, j);
            store(gc.mul(cPrev).mul(f.mul(ONE.sub(f))), gradGates, b, hidden + j);
            store(gc.mul(i).mul(ONE.sub(g.mul(g))), gradGates, b, 2 * hidden + j);
            store(gh.mul(tanhC).mul(o.mul(ONE.sub(o))), gradGates, b, 3 * hidden + j);
            store(gc.mul(f), gradC, b, j);
        }
        return end;
    }

    @Override public int gru(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows hNext, long b, int hidden) {
        int end = S.loopBound(hidden);
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector r = sigmoid(gate(gi, gh, b, j));
            DoubleVector z = sigmoid(gate(gi, gh, b, hidden + j));
            DoubleVector n = tanh(r.fma(load(gh, b, 2 * hidden + j), load(gi, b, 2 * hidden + j)));
            store(z.fma(load(h, b, j).sub(n), n), hNext, b, j);
        }
        return end;
    }

    @Override public int gruBackward(MatrixRows gi, MatrixRows gh, MatrixRows h, MatrixRows gradHNext,
                                     MatrixRows gradGi, MatrixRows gradGh, MatrixRows gradH, long b, int hidden) {
        int end = S.loopBound(hidden);
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector r = sigmoid(gate(gi, gh, b, j));
            DoubleVector z = sigmoid(gate(gi, gh, b, hidden + j));
            DoubleVector hiddenN = load(gh, b, 2 * hidden + j);
            DoubleVector n = tanh(r.fma(hiddenN, load(gi, b, 2 * hidden + j)));
            DoubleVector g = load(gradHNext, b, j);
            DoubleVector gradN = g.mul(ONE.sub(z)).mul(ONE.sub(n.mul(n)));
            DoubleVector gradZ = g.mul(load(h, b, j).sub(n)).mul(z.mul(ONE.sub(z)));
            DoubleVector gradR = gradN.mul(hiddenN).mul(r.mul(ONE.sub(r)));
            store(gradR, gradGi, b, j);
            store(gradZ, gradGi, b, hidden + j);
            store(gradN, gradGi, b, 2 * hidden + j);
            store(gradR, gradGh, b, j);
            store(gradZ, gradGh, b, hidden + j);
            store(gradN.mul(r), gradGh, b, 2 * hidden + j);
            store(g.mul(z), gradH, b, j);
        }
        return end;
    }

    /** The pre-activation of one gate block: the input and hidden projections summed. */
    private static DoubleVector gate(MatrixRows inputGates, MatrixRows hiddenGates, long b, int col) {
        return load(inputGates, b, col).add(load(hiddenGates, b, col));
    }

    private static DoubleVector sigmoid(DoubleVector x) {
        return ONE.div(ONE.add(x.neg().lanewise(VectorOperators.EXP)));
    }

    /**
     * {@code tanh(x) = 2 sigmoid(2x) - 1}: one EXP, which the JDK compiles to a short vector routine, where its
     * TANH measured 2-3x slower per element here. Exact at the saturated ends (exp overflows to infinity, giving -1);
     * near 0 the subtraction leaves an absolute error of an ulp of 1, below the tolerance of the gates it feeds.
     */
    private static DoubleVector tanh(DoubleVector x) {
        return TWO.div(ONE.add(x.mul(-2).lanewise(VectorOperators.EXP))).sub(ONE);
    }

    private static DoubleVector load(MatrixRows m, long row, int col) {
        return DoubleVector.fromMemorySegment(S, m.memory(), m.at(row, col) * Double.BYTES, ORDER);
    }

    private static void store(DoubleVector v, MatrixRows m, long row, int col) {
        v.intoMemorySegment(m.memory(), m.at(row, col) * Double.BYTES, ORDER);
    }
}
