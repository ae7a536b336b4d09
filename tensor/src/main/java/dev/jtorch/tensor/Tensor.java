package dev.jtorch.tensor;

import java.util.Arrays;

/**
 * An n-dimensional array on a device, PyTorch's {@code torch.Tensor}: a view (shape, strides, offset, dtype)
 * of a {@link Storage}. Operations build on the {@link Backend} primitives of its device and record the
 * autograd graph when a {@linkplain AutogradEngine engine} is on the class path.
 *
 * <p>Memory: a tensor never closed is reclaimed once unreachable; {@link #close()} and {@link MemoryScope}
 * release at once. Using a closed tensor throws {@link IllegalStateException}.
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final long offset;
    private final long[] shape;
    private final long[] strides;
    private final DType dtype;
    private final long numel;

    private volatile boolean closed;
    private boolean persistent;

    // autograd state; read and written by the engine through the accessors below
    private boolean requiresGrad;
    private Tensor grad;
    private GradFn gradFn;
    private boolean retainsGrad;

    /** A tensor over {@code storage}; shape and strides are owned by the new tensor (not copied). */
    Tensor(Storage storage, long offset, long[] shape, long[] strides, DType dtype) {
        storage.acquire();
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.dtype = dtype;
        this.numel = Shapes.numel(shape);
        MemoryScope.track(this);
    }

    /** An uninitialised contiguous tensor, as {@code torch.empty}. */
    public static Tensor empty(long[] shape, DType dtype, Device device) {
        Shapes.checkShape(shape);
        long n = Shapes.numel(shape);
        Backend backend = Backends.of(device);
        Storage s = new Storage(device, backend.allocate(n * dtype.byteSize()));
        return new Tensor(s, 0, shape.clone(), Shapes.contiguousStrides(shape), dtype);
    }

    /** A view of this tensor's storage (no copy); autograd is not recorded. */
    public Tensor asStrided(long[] shape, long[] strides, long offset) {
        checkOpen();
        return new Tensor(storage, offset, shape.clone(), strides.clone(), dtype);
    }

    // ---- what backends read ----

    public Storage storage() { checkOpen(); return storage; }
    public long storageOffset() { return offset; }
    public DType dtype() { return dtype; }
    public Device device() { return storage.device(); }
    public Backend backend() { return Backends.of(storage.device()); }
    public int dim() { return shape.length; }
    public long numel() { return numel; }
    public long[] shape() { return shape.clone(); }
    public long[] strides() { return strides.clone(); }

    /** Size along {@code dim}; negative dims count from the end. */
    public long size(int dim) { return shape[Shapes.wrapDim(dim, shape.length)]; }
    public long stride(int dim) { return strides[Shapes.wrapDim(dim, shape.length)]; }

    public boolean isContiguous() { return Shapes.isContiguous(shape, strides); }

    // ---- memory ----

    public boolean isClosed() { return closed; }

    /** Throws {@link IllegalStateException} if closed; every operation calls it on its operands. */
    public Tensor checkOpen() {
        if (closed) throw new IllegalStateException("tensor of shape " + Arrays.toString(shape) + " was closed and cannot be used");
        if (storage.isReleased()) throw new IllegalStateException("tensor's storage was freed");
        return this;
    }

    /** Releases this tensor's hold on its storage; the storage is freed when no open tensor uses it. */
    @Override public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        storage.releaseOwner();
    }

    /** Marks this tensor as outliving any {@link MemoryScope} (parameters, gradients, optimizer state). */
    public Tensor persistent() {
        persistent = true;
        return this;
    }

    public boolean isPersistent() { return persistent; }

    private MemoryScope keptBy;

    void keepAlive(MemoryScope scope) { keptBy = scope; }

    void closeFromScope(MemoryScope scope) {
        if (persistent || keptBy == scope) return;
        close();
    }

    // ---- autograd state ----

    public boolean requiresGrad() { return requiresGrad; }

    /** Sets requires_grad on a leaf, as {@code tensor.requires_grad_()}. */
    public Tensor requiresGrad(boolean value) {
        if (value && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients, got " + dtype);
        }
        if (!value && gradFn != null) {
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables");
        }
        requiresGrad = value;
        return this;
    }

    public Tensor grad() { return grad; }

    /** Sets {@code .grad}; the gradient outlives memory scopes, as the parameter it belongs to. */
    public void setGrad(Tensor g) {
        if (g != null) {
            if (!Arrays.equals(g.shape, shape)) {
                throw new IllegalArgumentException("assigned grad has shape " + Shapes.str(g.shape) + " but the tensor has shape " + Shapes.str(shape));
            }
            g.persistent();
        }
        grad = g;
    }

    public GradFn gradFn() { return gradFn; }

    /** Set by the autograd engine when this tensor is the output of a recorded operation. */
    public void setGradFn(GradFn fn) {
        gradFn = fn;
        requiresGrad = fn != null || requiresGrad;
    }

    public boolean isLeaf() { return gradFn == null; }

    /** Keeps {@code .grad} for this non-leaf tensor after backward, as {@code retain_grad()}. */
    public Tensor retainGrad() { retainsGrad = true; return this; }
    public boolean retainsGrad() { return retainsGrad; }
}
