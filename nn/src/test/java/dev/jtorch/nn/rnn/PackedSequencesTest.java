package dev.jtorch.nn.rnn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.nn.GRU;
import dev.jtorch.nn.LSTM;
import dev.jtorch.nn.PackedSequence;
import dev.jtorch.nn.PackedSequences;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packing and padding as {@code torch.nn.utils.rnn}, and recurrent layers on packed batches. */
class PackedSequencesTest {
    /** [T=3, B=3, 1] with value 10*b + t, so every row names where it came from. */
    static Tensor labelled() {
        float[] v = new float[9];
        for (int t = 0; t < 3; t++) for (int b = 0; b < 3; b++) v[t * 3 + b] = 10 * b + t;
        return Tensor.of(v).view(3, 3, 1);
    }

    @Test
    void packsTimeMajorInDecreasingLengthOrder() {
        PackedSequence p = PackedSequences.packPaddedSequence(labelled(), new long[] {2, 3, 1}, false, false);
        // sorted: b=1 (3), b=0 (2), b=2 (1)
        assertArrayEquals(new float[] {10, 0, 20, 11, 1, 12}, p.data().toFloatArray());
        assertArrayEquals(new long[] {3, 2, 1}, p.batchSizes().toLongArray());
        assertArrayEquals(new long[] {1, 0, 2}, p.sortedIndices().toLongArray());
        assertArrayEquals(new long[] {1, 0, 2}, p.unsortedIndices().toLongArray());
        assertArrayEquals(new long[] {2, 3, 1}, p.lengths());
    }

    @Test
    void sortedInputNeedsNoIndices() {
        PackedSequence p = PackedSequences.packPaddedSequence(labelled().transpose(0, 1), new long[] {3, 2, 2}, true, true);
        assertArrayEquals(new float[] {0, 10, 20, 1, 11, 21, 2}, p.data().toFloatArray());
        assertArrayEquals(new long[] {3, 3, 1}, p.batchSizes().toLongArray());
        assertNull(p.sortedIndices());
    }

    @Test
    void padRestoresTheBatchOrderAndPadding() {
        Tensor x = labelled();
        PackedSequence p = PackedSequences.packPaddedSequence(x, new long[] {2, 3, 1}, false, false);
        var padded = PackedSequences.padPackedSequence(p, true, -1, 4);
        assertArrayEquals(new long[] {3, 4, 1}, padded.padded().shape());
        assertArrayEquals(new float[] {0, 1, -1, -1, 10, 11, 12, -1, 20, -1, -1, -1}, padded.padded().contiguous().toFloatArray());
        assertArrayEquals(new long[] {2, 3, 1}, padded.lengths().toLongArray());
        var timeMajor = PackedSequences.padPackedSequence(p, false);
        assertArrayEquals(new long[] {3, 3, 1}, timeMajor.padded().shape());
    }

    @Test
    void padAndPackListsOfSequences() {
        Tensor a = Tensor.of(1f, 2f), b = Tensor.of(3f, 4f, 5f);
        Tensor padded = PackedSequences.padSequence(List.of(a, b), true, 0);
        assertArrayEquals(new float[] {1, 2, 0, 3, 4, 5}, padded.toFloatArray());
        PackedSequence p = PackedSequences.packSequence(List.of(a, b), false);
        assertArrayEquals(new float[] {3, 1, 4, 2, 5}, p.data().toFloatArray());
    }

    @Test
    void errorsArePyTorchs() {
        Tensor x = labelled();
        var unsorted = assertThrows(IllegalArgumentException.class, () -> PackedSequences.packPaddedSequence(x, new long[] {2, 3, 1}, false, true));
        assertTrue(unsorted.getMessage().startsWith("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True"));
        assertEquals("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
                assertThrows(IllegalArgumentException.class, () -> PackedSequences.packPaddedSequence(x, new long[] {3, 0, 1}, false, false)).getMessage());
        assertEquals("Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)",
                assertThrows(IllegalArgumentException.class, () -> PackedSequences.packPaddedSequence(x, new long[] {3, 1}, false, false)).getMessage());
        PackedSequence p = PackedSequences.packPaddedSequence(x, new long[] {3, 1, 1}, false, true);
        assertEquals("Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 and max sequence length being 3",
                assertThrows(IllegalArgumentException.class, () -> PackedSequences.padPackedSequence(p, false, 0, 2)).getMessage());
    }

    /** The defining property: each sequence's final state is what running it alone, unpadded, gives. */
    @Test
    void finalStatesEqualRunningEachSequenceAlone() {
        Generator.defaultGenerator().manualSeed(4);
        var lstm = (LSTM) new LSTM(2, 3, RnnOptions.defaults().numLayers(2).bidirectional(true).batchFirst(true)).to(DType.FLOAT64);
        long[] lengths = {2, 5, 3};
        Tensor x = RnnFixtures.randn(1, 3, 5, 2);
        var out = lstm.forward(PackedSequences.packPaddedSequence(x, lengths, true, false));
        var padded = PackedSequences.padPackedSequence(out.output(), true);
        for (int b = 0; b < 3; b++) {
            var alone = lstm.forward(x.narrow(0, b, 1).narrow(1, 0, lengths[b]), null, null);
            assertArrayEquals(alone.hN().toDoubleArray(), out.hN().narrow(1, b, 1).contiguous().toDoubleArray(), 1e-12, "h_n of sequence " + b);
            assertArrayEquals(alone.cN().toDoubleArray(), out.cN().narrow(1, b, 1).contiguous().toDoubleArray(), 1e-12, "c_n of sequence " + b);
            assertArrayEquals(alone.output().toDoubleArray(), padded.padded().narrow(0, b, 1).narrow(1, 0, lengths[b]).contiguous().toDoubleArray(), 1e-12);
            if (lengths[b] < 5) {
                Tensor pad = padded.padded().narrow(0, b, 1).narrow(1, lengths[b], 5 - lengths[b]);
                assertEquals(0, pad.abs().sum().item(), "padding outputs are zero");
            }
        }
    }

    @Test
    void paddingValuesNeverReachTheResult() {
        Generator.defaultGenerator().manualSeed(5);
        var gru = new GRU(2, 4, RnnOptions.defaults().bidirectional(true));
        Tensor x = Tensor.randn(4, 2, 2), y = x.clone();
        y.narrow(0, 2, 2).select(1, 1).fill_(1e3f); // sequence 1 has length 2: change only its padding
        long[] lengths = {4, 2};
        var a = gru.forward(PackedSequences.packPaddedSequence(x, lengths, false, true));
        var b = gru.forward(PackedSequences.packPaddedSequence(y, lengths, false, true));
        assertArrayEquals(a.hN().toFloatArray(), b.hN().toFloatArray(), 0f);
        assertArrayEquals(a.output().data().toFloatArray(), b.output().data().toFloatArray(), 0f);
    }

    @Test
    void packAndPadPassGradients() {
        Tensor x = RnnFixtures.leaf(2, 3, 2, 2);
        assertTrue(GradCheck.gradcheck(a -> {
            PackedSequence p = PackedSequences.packPaddedSequence(a[0], new long[] {1, 3}, false, false);
            return PackedSequences.padPackedSequence(p.withData(p.data().mul(p.data())), true, 0.5, 4).padded();
        }, x));
    }
}
