package dev.jtorch.data;

/** The items of a dataset at given indices, as {@code torch.utils.data.Subset}. */
public final class Subset<T> implements Dataset<T> {
    private final Dataset<T> dataset;
    private final int[] indices;

    public Subset(Dataset<T> dataset, int[] indices) {
        int n = dataset.size();
        for (int i : indices) Dataset.checkIndex(i, n);
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    public Dataset<T> dataset() { return dataset; }

    public int[] indices() { return indices.clone(); }

    @Override public int size() { return indices.length; }

    @Override public T get(int index) {
        Dataset.checkIndex(index, indices.length);
        return dataset.get(indices[index]);
    }
}
