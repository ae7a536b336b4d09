package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

/**
 * A batch of variable-length sequences without padding, as {@code nn.utils.rnn.PackedSequence}: the rows of
 * {@code data} are time-major, and at step {@code t} hold the first {@code batchSizes[t]} sequences in order of
 * decreasing length. Build one with {@link PackedSequences#packPaddedSequence}.
 *
 * @param data            [sum of lengths, *]
 * @param batchSizes      int64 [max length]: how many sequences are still running at each step
 * @param sortedIndices   int64 [batch]: the original batch index of each sorted position; null when the input was already sorted
 * @param unsortedIndices int64 [batch]: the sorted position of each original batch index; null when sortedIndices is
 */
public record PackedSequence(Tensor data, Tensor batchSizes, Tensor sortedIndices, Tensor unsortedIndices) {
    public PackedSequence {
        if (data == null || batchSizes == null) throw new IllegalArgumentException("PackedSequence needs data and batch_sizes");
        if (batchSizes.dtype() != DType.INT64 || batchSizes.dim() != 1) {
            throw new IllegalArgumentException("batch_sizes should be a 1D int64 tensor, but got " + batchSizes.dim() + "D " + batchSizes.dtype() + " tensor");
        }
        if ((sortedIndices == null) != (unsortedIndices == null)) throw new IllegalArgumentException("sorted_indices and unsorted_indices must be given together");
    }

    /** The number of sequences. */
    public int batchSize() { return (int) batchSizes.toLongArray()[0]; }

    /** The longest sequence's length. */
    public int maxLength() { return (int) batchSizes.size(0); }

    /** Each sequence's length, in the original batch order. */
    public long[] lengths() {
        long[] sizes = batchSizes.toLongArray();
        long[] sortedLengths = new long[(int) sizes[0]];
        for (long s : sizes) for (int i = 0; i < s; i++) sortedLengths[i]++;
        if (sortedIndices == null) return sortedLengths;
        long[] order = sortedIndices.toLongArray(), lengths = new long[sortedLengths.length];
        for (int s = 0; s < order.length; s++) lengths[(int) order[s]] = sortedLengths[s];
        return lengths;
    }

    /** The same sequences with {@code data} replaced (an RNN's output keeps the input's order and sizes). */
    public PackedSequence withData(Tensor newData) { return new PackedSequence(newData, batchSizes, sortedIndices, unsortedIndices); }
}
