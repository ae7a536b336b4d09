package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Packing and padding of variable-length batches, as {@code torch.nn.utils.rnn}. Every move of rows is one
 * {@code indexSelect}, so gradients flow through packing and unpacking.
 */
public final class PackedSequences {
    private PackedSequences() {}

    /** A padded batch and each sequence's length (int64, original batch order). */
    public record Padded(Tensor padded, Tensor lengths) {}

    /**
     * Packs a padded batch, as {@code pack_padded_sequence}.
     *
     * @param input         [T, B, *], or [B, T, *] with batchFirst
     * @param lengths       each sequence's length, in batch order; all in 1..T
     * @param enforceSorted whether lengths must already be in decreasing order (otherwise they are sorted here
     *                      and the order is kept in the result to restore it)
     */
    public static PackedSequence packPaddedSequence(Tensor input, long[] lengths, boolean batchFirst, boolean enforceSorted) {
        if (input.dim() < 2) throw new IllegalArgumentException("pack_padded_sequence expects an input of at least 2 dimensions, got " + input.dim());
        Tensor timeMajor = batchFirst ? input.transpose(0, 1) : input;
        int steps = (int) timeMajor.size(0), batch = (int) timeMajor.size(1);
        if (lengths.length != batch) {
            throw new IllegalArgumentException("Expected `len(lengths)` to be equal to batch_size, but got " + lengths.length + " (batch_size=" + batch + ")");
        }
        for (long l : lengths) {
            if (l <= 0) throw new IllegalArgumentException("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
            if (l > steps) throw new IllegalArgumentException("Expected every length to be at most the padded sequence length " + steps + ", got " + l);
        }
        long[] sortedIndices = null;
        if (enforceSorted) {
            for (int b = 1; b < batch; b++) {
                if (lengths[b] > lengths[b - 1]) {
                    throw new IllegalArgumentException("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` "
                            + "to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");
                }
            }
        } else {
            // stable, so equal lengths keep their batch order
            sortedIndices = IntStream.range(0, batch).boxed().sorted(Comparator.comparingLong((Integer b) -> lengths[b]).reversed()).mapToLong(b -> b).toArray();
        }
        long[] batchSizes = new long[(int) Arrays.stream(lengths).max().orElseThrow()];
        for (long l : lengths) for (int t = 0; t < l; t++) batchSizes[t]++;

        Tensor rows = flatRows(timeMajor);
        Tensor data = rows.indexSelect(0, index(paddedRowsOfData(batchSizes, sortedIndices, batch), input.device()));
        return new PackedSequence(data, Tensor.of(batchSizes), sortedIndices == null ? null : Tensor.of(sortedIndices),
                sortedIndices == null ? null : Tensor.of(inverse(sortedIndices)));
    }

    public static PackedSequence packPaddedSequence(Tensor input, Tensor lengths, boolean batchFirst, boolean enforceSorted) {
        if (lengths.dim() != 1) throw new IllegalArgumentException("'lengths' argument should be a 1D tensor, but got a " + lengths.dim() + "D tensor");
        return packPaddedSequence(input, lengths.toLong().toLongArray(), batchFirst, enforceSorted);
    }

    /**
     * Pads a packed batch back, as {@code pad_packed_sequence}: the batch in its original order, padded with
     * {@code paddingValue} to {@code totalLength} steps (null: the longest sequence's length).
     */
    public static Padded padPackedSequence(PackedSequence sequence, boolean batchFirst, double paddingValue, Integer totalLength) {
        long[] batchSizes = sequence.batchSizes().toLongArray();
        int maxLength = batchSizes.length, batch = (int) batchSizes[0];
        int steps = maxLength;
        if (totalLength != null) {
            if (totalLength < maxLength) {
                throw new IllegalArgumentException("Expected total_length to be at least the length of the longest sequence in input, but got total_length="
                        + totalLength + " and max sequence length being " + maxLength);
            }
            steps = totalLength;
        }
        Tensor data = sequence.data();
        long[] rowShape = data.shape();
        rowShape[0] = 1;
        // one extra row of padding, which every padded position selects
        Tensor table = Tensor.cat(List.of(data, Tensor.full(rowShape, paddingValue, data.dtype(), data.device())), 0);
        long[] sorted = sequence.sortedIndices() == null ? null : sequence.sortedIndices().toLongArray();
        long[] dataRows = dataRowsOfPadded(batchSizes, sorted, batch, steps, data.size(0));
        long[] paddedShape = data.shape();
        paddedShape = concat(new long[] {steps, batch}, Arrays.copyOfRange(paddedShape, 1, paddedShape.length));
        Tensor padded = table.indexSelect(0, index(dataRows, data.device())).reshape(paddedShape);
        return new Padded(batchFirst ? padded.transpose(0, 1) : padded, Tensor.of(sequence.lengths()));
    }

    public static Padded padPackedSequence(PackedSequence sequence, boolean batchFirst) { return padPackedSequence(sequence, batchFirst, 0, null); }

    /** Stacks sequences [L_i, *] into one padded tensor [maxL, B, *] (or [B, maxL, *]), as {@code pad_sequence}. */
    public static Tensor padSequence(List<Tensor> sequences, boolean batchFirst, double paddingValue) {
        if (sequences.isEmpty()) throw new IllegalArgumentException("pad_sequence expects a non-empty list of sequences");
        long maxLength = sequences.stream().mapToLong(s -> s.size(0)).max().orElseThrow();
        List<Tensor> padded = new ArrayList<>();
        for (Tensor s : sequences) {
            long missing = maxLength - s.size(0);
            if (missing == 0) {
                padded.add(s);
            } else {
                long[] fill = s.shape();
                fill[0] = missing;
                padded.add(Tensor.cat(List.of(s, Tensor.full(fill, paddingValue, s.dtype(), s.device())), 0));
            }
        }
        return Tensor.stack(padded, batchFirst ? 0 : 1);
    }

    /** Packs a list of sequences [L_i, *], as {@code pack_sequence}. */
    public static PackedSequence packSequence(List<Tensor> sequences, boolean enforceSorted) {
        long[] lengths = sequences.stream().mapToLong(s -> s.size(0)).toArray();
        return packPaddedSequence(padSequence(sequences, false, 0), lengths, false, enforceSorted);
    }

    // ---- row maps shared with the recurrent layers ----

    /** For each row of packed data, its row in the time-major padded batch flattened to [T*B, *]. */
    static long[] paddedRowsOfData(long[] batchSizes, long[] sortedIndices, int batch) {
        long total = Arrays.stream(batchSizes).sum();
        long[] rows = new long[(int) total];
        int i = 0;
        for (int t = 0; t < batchSizes.length; t++) {
            for (int s = 0; s < batchSizes[t]; s++) rows[i++] = (long) t * batch + (sortedIndices == null ? s : sortedIndices[s]);
        }
        return rows;
    }

    /** For each row of the time-major padded batch [steps*B, *], its row of packed data, or {@code padRow} where it is padding. */
    static long[] dataRowsOfPadded(long[] batchSizes, long[] sortedIndices, int batch, int steps, long padRow) {
        long[] rows = new long[steps * batch];
        Arrays.fill(rows, padRow);
        long[] dataToPadded = paddedRowsOfData(batchSizes, sortedIndices, batch);
        for (int i = 0; i < dataToPadded.length; i++) rows[(int) dataToPadded[i]] = i;
        return rows;
    }

    /** [T, B, *] as [T*B, *]. */
    static Tensor flatRows(Tensor timeMajor) {
        long[] shape = timeMajor.shape();
        return timeMajor.reshape(concat(new long[] {shape[0] * shape[1]}, Arrays.copyOfRange(shape, 2, shape.length)));
    }

    static Tensor index(long[] rows, Device device) {
        Tensor t = Tensor.of(rows);
        return device.equals(Device.CPU) ? t : t.to(device);
    }

    private static long[] inverse(long[] permutation) {
        long[] inv = new long[permutation.length];
        for (int i = 0; i < permutation.length; i++) inv[(int) permutation[i]] = i;
        return inv;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

}
