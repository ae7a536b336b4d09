package dev.jtorch.tensor;

/**
 * One allocation made by a device's allocator. It holds no reference to the tensors or storage using it,
 * so it can be freed from a reference queue after they became unreachable.
 */
public interface Block {
    long byteSize();

    /** Gives the memory back to its allocator. Called exactly once. */
    void free();
}
