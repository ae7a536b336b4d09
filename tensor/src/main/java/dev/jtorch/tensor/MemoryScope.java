package dev.jtorch.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic release for code that wants no GC involvement: every tensor made on this thread while the
 * scope is open is closed when it closes, except those passed to {@link #keep} (which move to the enclosing
 * scope, if any) and those marked persistent (parameters, gradients, optimizer state).
 *
 * <pre>{@code
 * try (var scope = MemoryScope.open()) {
 *     Tensor y = model.forward(x);
 *     return scope.keep(y);
 * }
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope parent;
    private final Thread owner = Thread.currentThread();
    private final List<Tensor> made = new ArrayList<>();
    private boolean closed;

    private MemoryScope(MemoryScope parent) { this.parent = parent; }

    public static MemoryScope open() {
        MemoryScope s = new MemoryScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    static void track(Tensor t) {
        MemoryScope s = CURRENT.get();
        if (s != null) s.made.add(t);
    }

    /** Keeps a tensor alive past this scope; it belongs to the enclosing scope from now on. */
    public Tensor keep(Tensor t) {
        t.keepAlive(this);
        if (parent != null) parent.made.add(t);
        return t;
    }

    @Override public void close() {
        if (Thread.currentThread() != owner) throw new IllegalStateException("MemoryScope closed on a thread that did not open it");
        if (closed) return;
        if (CURRENT.get() != this) throw new IllegalStateException("MemoryScope closed out of order: an inner scope is still open");
        closed = true;
        CURRENT.set(parent);
        for (Tensor t : made) t.closeFromScope(this);
        made.clear();
    }
}
