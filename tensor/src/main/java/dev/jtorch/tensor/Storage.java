package dev.jtorch.tensor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flat buffer that tensors view. Views share one storage; the storage is released when the last tensor
 * using it is closed, or when all of them became unreachable (see {@link Reclaimer}), never earlier.
 * Its version counter is shared by all views, as PyTorch's is, so autograd sees in-place writes through any view.
 */
public final class Storage {
    private final Device device;
    private final Block block;
    private final long byteSize;
    private final AtomicInteger owners = new AtomicInteger();
    private final Reclaimer.Registration registration;
    private volatile boolean released;
    private int version;

    public Storage(Device device, Block block) {
        this.device = device;
        this.block = block;
        this.byteSize = block.byteSize();
        this.registration = Reclaimer.register(this, block);
        CaptureSession.pinIfCapturing(this);
    }

    public Device device() { return device; }
    public long byteSize() { return byteSize; }

    /** The allocator's block, for the backend that owns this device; throws once released. */
    public Block block() {
        if (released) throw new IllegalStateException("storage was freed: the tensor using it has been closed");
        return block;
    }

    public boolean isReleased() { return released; }

    public int version() { return version; }
    public void bumpVersion() { version++; }

    void acquire() {
        if (released) throw new IllegalStateException("cannot view a freed storage");
        owners.incrementAndGet();
    }

    /**
     * Frees the memory now, whatever tensors still use it: a storage made during capture belongs to its
     * {@link CapturedGraph}, which calls this when it closes. Tensors over it fail their next use.
     */
    void freeForGraph() {
        synchronized (this) {
            if (released) return;
            released = true;
        }
        registration.freeNow();
    }

    /** One owner let go; the last one frees the memory at once. */
    void releaseOwner() {
        if (owners.decrementAndGet() == 0) {
            synchronized (this) {
                if (released) return;
                released = true;
            }
            registration.freeNow();
        }
    }
}
