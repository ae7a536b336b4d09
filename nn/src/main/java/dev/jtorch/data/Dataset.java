package dev.jtorch.data;

/**
 * A map-style dataset, as {@code torch.utils.data.Dataset}: a fixed number of items reachable by index.
 * {@link DataLoader} may call {@link #get} from several worker threads at once, so implementations must be
 * safe for concurrent reads (immutable data is).
 */
public interface Dataset<T> {
    /** Number of items, as Python's {@code len(dataset)}. */
    int size();

    /** The item at {@code index}, {@code 0 <= index < size()}. */
    T get(int index);

    /** Alias of {@link #size()} under PyTorch's name. */
    default int len() { return size(); }

    static void checkIndex(int index, int size) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("index " + index + " is out of range for a dataset of size " + size);
    }
}
