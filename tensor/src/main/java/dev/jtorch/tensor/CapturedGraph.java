package dev.jtorch.tensor;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Capture once, replay many times: the backend calls a piece of code makes, recorded with the very tensors
 * they got, so that running them again needs none of the Java-side work around them (shape logic, new
 * tensors, autograd checks, the allocator). The idea and the rules are {@code torch.cuda.CUDAGraph}'s, for
 * any backend:
 *
 * <pre>{@code
 * Tensor x = Tensor.zeros(1, 784);                                   // the static input
 * model.forward(x);                                                  // warm up eagerly first (lazy state, caches)
 * try (CapturedGraph graph = CapturedGraph.capture(() -> model.forward(x))) {
 *     Tensor y = graph.output();                                     // the static output
 *     for (float[] sample : samples) {
 *         x.copy_(Tensor.of(sample).reshape(1, 784));                // or write x's memory directly
 *         graph.replay();                                            // y now holds model(x)
 *     }
 * }
 * }</pre>
 *
 * <ul>
 * <li>Capture runs the code once, for real, on the calling thread, recording each call it makes to a device's
 *     {@link Backend} (through {@link Backends#of}). A backend call made inside another (a default method
 *     composed of tensor ops, a kernel using tensor ops) is not recorded on its own: it runs again as part of its
 *     outer call. Replay runs the recorded calls in order, on the same tensors, and allocates nothing.</li>
 * <li>Inputs and parameters are read where they live: write new data into the static input (in place) before
 *     {@link #replay}; a parameter updated in place (an optimizer step, {@code copy_}) is seen by the next replay.
 *     Their storages are not owned by the graph. A tensor rebound to a new object (a module field assigned a new
 *     tensor) is not: the graph keeps reading the old one.</li>
 * <li>Memory: every storage created during capture belongs to the graph. It stays alive until {@link #close},
 *     even when the captured code closes its tensors or a {@link MemoryScope} ends during capture, and is freed
 *     then, also under tensors still open (the output included: using them afterwards is an
 *     {@link IllegalStateException}). Run the code once before capture so that state it creates lazily (caches,
 *     buffers) is not born inside the graph and freed with it.</li>
 * <li>Data-dependent work cannot be captured: reading data back ({@code item()}, {@code toFloatArray()},
 *     {@code copyToHost}) or sizing a result by it ({@code nonzero}, {@code masked_select}) during capture throws
 *     an {@link IllegalStateException} naming the op, as CUDA graph capture does. Control flow that depends on
 *     data would be frozen, which is why it is refused rather than recorded.</li>
 * <li>Autograd: capture runs the code under no-grad and requires it to stay there; starting a capture with grad
 *     mode on, or a backend call made after the code turned grad mode back on, is an {@link IllegalStateException}.
 *     A graph is for inference (or any code that needs no autograd recording).</li>
 * <li>Random ops draw new numbers from their generator at each replay.</li>
 * <li>Threads: capture is per thread (other threads keep running eagerly meanwhile). One graph replays on one
 *     thread at a time: a replay that starts while another is running throws; graphs on different threads, or
 *     different graphs on one thread, are independent. Kernels may still split work over the intra-op pool.</li>
 * <li>Replay does not bump the version counters of the tensors it writes and returns once the backend has the
 *     work queued (a device that runs asynchronously finishes it before any read, as every read waits).</li>
 * </ul>
 */
public final class CapturedGraph implements AutoCloseable {
    private final Runnable[] calls;
    private final String[] ops;
    private final List<Storage> pinned;
    private final Iterable<Tensor> held;
    private final Tensor output;
    private final AtomicBoolean replaying = new AtomicBoolean();
    private volatile boolean closed;

    private CapturedGraph(CaptureSession session, Tensor output) {
        List<RecordedCall> recorded = session.calls();
        this.calls = new Runnable[recorded.size()];
        this.ops = new String[recorded.size()];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = recorded.get(i).call();
            ops[i] = recorded.get(i).op();
        }
        this.pinned = session.pinned();
        this.held = session.heldTensors();
        this.output = output;
    }

    /**
     * Runs {@code body} once under no-grad, recording the backend calls it makes on this thread, and returns the
     * graph; {@link #output()} is what the body returned. If the body throws, the memory made so far is freed
     * and the exception propagates.
     */
    public static CapturedGraph capture(Supplier<Tensor> body) {
        CaptureSession session;
        Tensor out;
        try (var noGrad = GradMode.noGrad()) {
            session = CaptureSession.begin();
            try {
                out = body.get();
            } catch (RuntimeException | Error e) {
                session.end();
                release(session.heldTensors(), session.pinned());
                throw e;
            }
            session.end();
        }
        return new CapturedGraph(session, out);
    }

    /** Whether the calling thread is capturing a graph right now (as {@code torch.cuda.is_current_stream_capturing}). */
    public static boolean isCapturing() { return CaptureSession.current() != null; }

    /** The tensor the captured body returned: the same object after every replay, holding that replay's result. */
    public Tensor output() {
        checkOpen();
        return output;
    }

    /** Runs the recorded backend calls in order; allocates nothing on the Java heap. */
    public void replay() {
        checkOpen();
        if (CaptureSession.current() != null) throw new IllegalStateException("cannot replay a graph while this thread is capturing one");
        if (!replaying.compareAndSet(false, true)) {
            throw new IllegalStateException("this graph is being replayed on another thread: one graph replays on one thread at a time");
        }
        try {
            for (Runnable call : calls) call.run();
        } finally {
            replaying.set(false);
        }
    }

    /** How many backend calls a replay makes. */
    public int size() { return calls.length; }

    /** The name of each recorded backend call, in replay order ({@code "matmul"}, {@code "binary"}, ...). */
    public List<String> ops() { return List.of(ops); }

    public boolean isClosed() { return closed; }

    /** Frees the memory made during capture; the graph cannot be replayed any more. Idempotent. */
    @Override public void close() {
        synchronized (this) {
            if (closed) return;
            if (replaying.get()) throw new IllegalStateException("cannot close a graph while it is being replayed");
            closed = true;
        }
        release(held, pinned);
    }

    private static void release(Iterable<Tensor> held, List<Storage> pinned) {
        for (Tensor t : held) t.close();
        for (Storage s : pinned) s.freeForGraph();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this captured graph was closed: its memory is freed and it cannot be replayed");
    }
}
