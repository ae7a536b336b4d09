package dev.jtorch.tensor;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Frees the native memory of storages that became unreachable without being closed.
 *
 * <p>The Java heap does not see native memory, so a loop that never closes its tensors would not make the
 * collector run before native memory runs out. Allocators therefore call {@link #drain()} on every
 * allocation (cheap: a queue poll) and {@link #collect()} when their bytes in use pass a threshold, which
 * asks for a collection and frees what it found, on the allocating thread, before the allocation goes on.
 */
public final class Reclaimer {
    private static final ReferenceQueue<Storage> QUEUE = new ReferenceQueue<>();
    /** Where the marker of each {@link #collect()} arrives once the reference handler processed that collection. */
    private static final ReferenceQueue<Object> MARKERS = new ReferenceQueue<>();
    private static final Set<Ref> LIVE = ConcurrentHashMap.newKeySet();

    private Reclaimer() {}

    /** The handle a storage keeps to free its block early, when its last owner closes it. */
    public sealed interface Registration permits Ref {
        void freeNow();
    }

    static Registration register(Storage storage, Block block) {
        Ref ref = new Ref(storage, block);
        LIVE.add(ref);
        return ref;
    }

    /** Frees the blocks of storages found unreachable since the last call; returns the bytes freed. */
    public static long drain() {
        long freed = 0;
        for (Ref r; (r = (Ref) QUEUE.poll()) != null; ) freed += r.freeOnce();
        return freed;
    }

    /**
     * Runs a collection and frees what it finds unreachable. Waits for the reference handler to enqueue what
     * the collection discovered (a marker reference made unreachable just before it arrives with the same
     * batch), so the caller sees the memory back when this returns: an allocator that sets its next
     * threshold from the bytes still in use must not count garbage the handler has not reached yet.
     */
    public static long collect() {
        long freed = drain();
        PhantomReference<Object> marker = new PhantomReference<>(new Object(), MARKERS);
        System.gc();
        try {
            // at most 1 s, for a JVM run with -XX:+DisableExplicitGC, where nothing arrives
            if (MARKERS.remove(1000) == null) Reference.reachabilityFence(marker);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 20; i++) {
            try {
                Ref r = (Ref) QUEUE.remove(i < 2 ? 5 : 1);
                if (r == null) break;
                freed += r.freeOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            freed += drain();
        }
        return freed;
    }

    static final class Ref extends PhantomReference<Storage> implements Registration {
        private final Block block;
        private final AtomicBoolean done = new AtomicBoolean();

        Ref(Storage storage, Block block) {
            super(storage, QUEUE);
            this.block = block;
        }

        @Override public void freeNow() {
            freeOnce();
            clear();
        }

        long freeOnce() {
            if (!done.compareAndSet(false, true)) return 0;
            LIVE.remove(this);
            block.free();
            return block.byteSize();
        }
    }
}
