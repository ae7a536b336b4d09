package dev.jtorch.data;

import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensors that share their first dimension, item {@code i} being the {@code i}-th slice of each, as
 * {@code torch.utils.data.TensorDataset}. With two tensors (inputs, targets) the default collate of
 * {@link DataLoader} gives {@link Batch}es directly, and gathers a whole batch with one index per tensor.
 */
public final class TensorDataset implements Dataset<TensorDataset.Row> {
    /** The slices of each tensor at one index. */
    public record Row(List<Tensor> tensors) {
        public Row { tensors = List.copyOf(tensors); }
        public Tensor get(int k) { return tensors.get(k); }
        public int size() { return tensors.size(); }
    }

    private final List<Tensor> tensors;
    private final int size;

    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) throw new IllegalArgumentException("TensorDataset needs at least one tensor");
        for (Tensor t : tensors) {
            if (t.dim() == 0) throw new IllegalArgumentException("TensorDataset tensors need a first dimension; got a 0-dim tensor");
        }
        long n = tensors[0].size(0);
        for (int i = 1; i < tensors.length; i++) {
            if (tensors[i].size(0) != n) {
                throw new IllegalArgumentException("Size mismatch between tensors: tensor 0 has " + n + " rows, tensor " + i + " has " + tensors[i].size(0));
            }
        }
        this.tensors = List.of(tensors);
        this.size = Math.toIntExact(n);
    }

    public List<Tensor> tensors() { return tensors; }

    @Override public int size() { return size; }

    @Override public Row get(int index) {
        Dataset.checkIndex(index, size);
        List<Tensor> row = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) row.add(t.index(index));
        return new Row(row);
    }

    /** The rows at {@code indices}, gathered per tensor: what stacking {@link #get} of each would give. */
    public List<Tensor> gather(int[] indices) {
        for (int i : indices) Dataset.checkIndex(i, size);
        Tensor idx = Tensor.of(Arrays.stream(indices).asLongStream().toArray());
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) out.add(t.indexSelect(0, idx));
        return out;
    }
}
