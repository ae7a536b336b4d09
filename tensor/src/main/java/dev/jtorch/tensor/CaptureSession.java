package dev.jtorch.tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one capture on one thread: the backend calls recorded so far, the storages created (pinned
 * for the graph), and how deep the thread is inside a backend call. Only a call made at depth 0 is recorded;
 * calls a backend makes inside it (a default method composed of tensor ops, a kernel using tensor ops) run
 * again as part of their outer call on replay.
 */
final class CaptureSession {
    private static final ThreadLocal<CaptureSession> CURRENT = new ThreadLocal<>();
    /** Threads capturing right now, anywhere: zero lets every hot path skip the thread-local lookup. */
    private static volatile int activeCaptures;

    private final List<RecordedCall> calls = new ArrayList<>();
    private final List<Storage> pinned = new ArrayList<>();
    /** The graph's own handle on each tensor a recorded call got, so closing the caller's tensor cannot stop replay. */
    private final Map<Tensor, Tensor> held = new IdentityHashMap<>();
    private final List<RecordingBackend> decorators = new ArrayList<>(2);
    private int depth;

    private CaptureSession() {}

    static CaptureSession begin() {
        if (CURRENT.get() != null) throw new IllegalStateException("this thread is already capturing a graph; captures do not nest");
        if (GradMode.isEnabled()) throw new IllegalStateException("graph capture requires no-grad: autograd cannot be recorded into a graph");
        CaptureSession s = new CaptureSession();
        CURRENT.set(s);
        synchronized (CaptureSession.class) { activeCaptures++; }
        return s;
    }

    /** Ends capture on this thread; the recorded calls and pinned storages now belong to the caller. */
    void end() {
        if (CURRENT.get() != this) throw new IllegalStateException("capture ended on a thread that is not capturing it");
        CURRENT.remove();
        synchronized (CaptureSession.class) { activeCaptures--; }
    }

    /** The session of the calling thread, or null; one volatile read when nobody captures. */
    static CaptureSession current() {
        return activeCaptures == 0 ? null : CURRENT.get();
    }

    /** What {@link Backends#of} hands out: the device's backend, behind a recorder while this thread captures. */
    static Backend route(Backend backend) {
        CaptureSession s = current();
        return s == null ? backend : s.recorderFor(backend);
    }

    /** Called by every new {@link Storage}: one made at depth 0 of a capture stays alive until the graph closes. */
    static void pinIfCapturing(Storage storage) {
        CaptureSession s = current();
        if (s != null && s.depth == 0) {
            storage.acquire();
            s.pinned.add(storage);
        }
    }

    private RecordingBackend recorderFor(Backend backend) {
        for (RecordingBackend r : decorators) if (r.inner() == backend) return r;
        RecordingBackend r = new RecordingBackend(backend, this);
        decorators.add(r);
        return r;
    }

    boolean atTopLevel() { return depth == 0; }

    /** Runs a backend call: recorded when it is not nested in another; nested ones run as part of their outer call. */
    void run(String op, Runnable call) {
        if (depth == 0) {
            if (GradMode.isEnabled()) {
                throw new IllegalStateException(op + " ran with grad mode on during graph capture: capture records no autograd; keep no-grad inside the captured code");
            }
            calls.add(new RecordedCall(op, call));
        }
        depth++;
        try {
            call.run();
        } finally {
            depth--;
        }
    }

    /** Work whose size or result depends on tensor data cannot be replayed; nested inside a recorded call it is part of that call. */
    void refuseDataDependent(String op) {
        if (depth == 0) {
            throw new IllegalStateException(op + " is not allowed during graph capture: it reads tensor data on the host"
                    + " (item(), toFloatArray(), nonzero(), masked_select and the like), which a replay would not redo");
        }
    }

    /** The graph's handle on {@code t} for a recorded call (the same one for the same tensor), or t itself when nested. */
    Tensor hold(Tensor t) {
        if (t == null || depth > 0) return t;
        Tensor h = held.get(t);
        if (h == null) {
            h = t.asStrided(t.shape(), t.strides(), t.storageOffset()).persistent();
            held.put(t, h);
        }
        return h;
    }

    List<RecordedCall> calls() { return calls; }
    List<Storage> pinned() { return pinned; }
    Iterable<Tensor> heldTensors() { return held.values(); }
}
