package dev.jtorch.data;

/** A failure while loading a batch in a {@link DataLoader} worker thread; the cause is the worker's exception. */
public final class DataLoaderException extends RuntimeException {
    public DataLoaderException(String message, Throwable cause) { super(message, cause); }
}
