package dev.jtorch.cuda;

/** The device had no memory left even after the allocator gave its cache back, as {@code torch.cuda.OutOfMemoryError}. */
public final class CudaOutOfMemoryException extends RuntimeException {
    public CudaOutOfMemoryException(String message) { super(message); }
}
