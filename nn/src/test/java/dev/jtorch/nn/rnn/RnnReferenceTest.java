package dev.jtorch.nn.rnn;

import dev.jtorch.nn.PackedSequences;
import dev.jtorch.nn.RNNBase;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.jtorch.nn.rnn.RnnFixtures.array3;
import static dev.jtorch.nn.rnn.RnnFixtures.flat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The layers' outputs against {@link RnnReference}, PyTorch's equations in plain loops, on the same weights. */
class RnnReferenceTest {
    static final int T = 5, B = 3, IN = 4, H = 6;

    @ParameterizedTest
    @EnumSource(RnnReference.Kind.class)
    void twoBidirectionalLayersWithInitialStatesMatchTheEquations(RnnReference.Kind kind) {
        Generator.defaultGenerator().manualSeed(3);
        RNNBase m = RnnFixtures.build(kind, IN, H, RnnOptions.defaults().numLayers(2).bidirectional(true));
        m.to(DType.FLOAT64);
        Tensor x = RnnFixtures.randn(1, T, B, IN), h0 = RnnFixtures.randn(2, 4, B, H), c0 = kind == RnnReference.Kind.LSTM ? RnnFixtures.randn(3, 4, B, H) : null;
        List<Tensor> got = RnnFixtures.run(m, x, h0, c0);
        RnnReference.Result want = RnnReference.run(kind, RnnFixtures.weights(m), H, 2, true, array3(x), array3(h0), c0 == null ? null : array3(c0), null);
        assertClose(want, got, 1e-12);
    }

    @ParameterizedTest
    @EnumSource(RnnReference.Kind.class)
    void float32WithoutBiasBatchFirstMatchesTheEquations(RnnReference.Kind kind) {
        Generator.defaultGenerator().manualSeed(4);
        RNNBase m = RnnFixtures.build(kind, IN, H, RnnOptions.defaults().bias(false).batchFirst(true));
        Tensor x = RnnFixtures.randn(5, B, T, IN).toFloat();
        List<Tensor> got = RnnFixtures.run(m, x, null, null);
        Tensor timeMajorOutput = got.get(0).transpose(0, 1).contiguous();
        RnnReference.Result want = RnnReference.run(kind, RnnFixtures.weights(m), H, 1, false, array3(x.transpose(0, 1).contiguous().toDouble()), null, null, null);
        assertArrayEquals(flat(want.output()), timeMajorOutput.toDoubleArray(), 1e-5);
        assertArrayEquals(flat(want.hN()), got.get(1).toDoubleArray(), 1e-5);
    }

    /** Packed: each sequence runs its own length in both directions; padding reaches neither outputs nor states. */
    @ParameterizedTest
    @EnumSource(RnnReference.Kind.class)
    void packedSequencesMatchTheEquationsPerSequence(RnnReference.Kind kind) {
        Generator.defaultGenerator().manualSeed(5);
        RNNBase m = RnnFixtures.build(kind, IN, H, RnnOptions.defaults().numLayers(2).bidirectional(true));
        m.to(DType.FLOAT64);
        long[] lengths = {3, 5, 1};
        Tensor x = RnnFixtures.randn(6, T, B, IN), h0 = RnnFixtures.randn(7, 4, B, H), c0 = kind == RnnReference.Kind.LSTM ? RnnFixtures.randn(8, 4, B, H) : null;
        var packed = PackedSequences.packPaddedSequence(x, lengths, false, false);
        List<Tensor> got = RnnFixtures.run(m, packed, h0, c0);
        Tensor padded = PackedSequences.padPackedSequence(packed.withData(got.get(0)), false).padded();
        RnnReference.Result want = RnnReference.run(kind, RnnFixtures.weights(m), H, 2, true, array3(x), array3(h0), c0 == null ? null : array3(c0), lengths);
        assertClose(want, java.util.Arrays.asList(padded, got.get(1), kind == RnnReference.Kind.LSTM ? got.get(2) : null), 1e-12);
    }

    @ParameterizedTest
    @EnumSource(RnnReference.Kind.class)
    void unbatchedInputIsABatchOfOne(RnnReference.Kind kind) {
        Generator.defaultGenerator().manualSeed(6);
        RNNBase m = RnnFixtures.build(kind, IN, H, RnnOptions.defaults().numLayers(2));
        m.to(DType.FLOAT64);
        Tensor x = RnnFixtures.randn(9, T, IN);
        List<Tensor> got = RnnFixtures.run(m, x, null, null);
        List<Tensor> batched = RnnFixtures.run(m, x.unsqueeze(1), null, null);
        assertArrayEquals(new long[] {T, H}, got.get(0).shape());
        assertArrayEquals(new long[] {2, H}, got.get(1).shape());
        // within rounding, not bit for bit: run after the other RNN tests in one JVM, RNN_RELU's two outputs once
        // differed by 1 ulp, which 2000 alternating calls in a fresh JVM never showed; a kernel's order of summation
        // is not part of its contract (paths are chosen by size and by what earlier calls kept)
        assertArrayEquals(batched.get(0).toDoubleArray(), got.get(0).toDoubleArray(), 1e-12);
        assertArrayEquals(batched.get(1).toDoubleArray(), got.get(1).toDoubleArray(), 1e-12);
    }

    private static void assertClose(RnnReference.Result want, List<Tensor> got, double tol) {
        assertArrayEquals(flat(want.output()), got.get(0).contiguous().toDoubleArray(), tol, "output");
        assertArrayEquals(flat(want.hN()), got.get(1).contiguous().toDoubleArray(), tol, "h_n");
        if (want.cN() == null) {
            if (got.size() > 2) assertNull(got.get(2));
        } else {
            assertArrayEquals(flat(want.cN()), got.get(2).contiguous().toDoubleArray(), tol, "c_n");
        }
    }
}
