package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A whole LSTM layer's recurrence in one kernel ({@code Backend.lstmLayer} and {@code lstmLayerBackward}), float32
 * and float64. Batch rows never meet in the recurrence, so the batch is split over the threads once and each
 * thread runs every step for its own rows: per step one product {@code h_prev W_hh^T} of its rows
 * ({@link Sgemm}/{@link Dgemm}) and the fused cell rows of {@link RecurrentKernels}, with no hand-off between
 * steps. Step by step, each step's 64-row product is too small to split, so it ran on one thread. Each step's
 * product lands in its block of the gates tensor, and the cell pass overwrites it there with the activated gates
 * (cuDNN's reserve space): the backward reads them and c' instead of recomputing the gates from both projections,
 * one tanh per hidden unit instead of five exponentials, and never reads the input projections.
 *
 * <p>With {@link #PANEL_MIN_ROWS} or more float32 rows per thread, each step's product runs on Sgemm's micro-kernel
 * against W_hh^T (forward) or W_hh (backward) packed into panels once per call. Otherwise the forward product reads
 * W_hh^T ({@link TransposedWeights}: laid out row-major, and kept between calls
 * while the weight's bytes stay the same), so each step streams unit-stride rows of it and broadcasts h: at batch 1
 * that is a few hundred FMAs per row of W^T with no horizontal sums, where dotting h with W_hh's rows in place ends
 * every one of the 4H outputs in a lane reduction. The backward runs the steps in
 * reverse, carrying {@code dh = dgates_next W_hh} (a product reading W_hh row-major, as it lies) and {@code dc},
 * and writes every step's gate gradient; W_hh's gradient is
 * then one product over all steps, which the derivative rule forms.
 *
 * <p>One object per calling thread holds the call's operands, so a call allocates nothing in steady state; each
 * participating thread keeps its own row handles and scratch rows.
 */
final class LstmLayerKernel implements IntraOpPool.RangeBody {
    /** Multiply-adds of a whole layer below which it runs on the calling thread (a hand-off costs microseconds). */
    static final long PARALLEL_MIN_WORK = 1L << 21;
    /** Rows per thread at least, so each step's product keeps whole register tiles. */
    static final int MIN_ROWS_PER_THREAD = 8;
    /**
     * Rows per thread from which a float32 step's product runs on Sgemm's micro-kernel against W_hh packed into
     * panels once per call ({@link PanelProduct}): every step multiplies by the same W_hh. Stand-alone at one thread
     * (Zen 3), 32x256x64 took 15 us against 19-23 us through Sgemm's unpacked path, which reads W_hh^T in place
     * from native memory; 32x64x256 19-21 against 20-26. Below, batch-1 inference's GEMV keeps its form.
     */
    static final int PANEL_MIN_ROWS = 8;

    private static final ThreadLocal<LstmLayerKernel> CALLS = ThreadLocal.withInitial(LstmLayerKernel::new);
    private static final ThreadLocal<Workspace> WORKSPACES = ThreadLocal.withInitial(Workspace::new);
    /** Each calling thread's kept W_hh^T layouts. */
    private static final ThreadLocal<TransposedWeights> W_HH_T = ThreadLocal.withInitial(TransposedWeights::new);
    /** Each calling thread's panels of the call's step weight (W_hh^T forward, W_hh backward). */
    private static final ThreadLocal<float[]> STEP_PANELS = ThreadBuffers.floats();
    private static final ThreadLocal<float[]> PACKING_LINES = ThreadBuffers.floats();

    private LstmLayerKernel() {}

    /** Whether the kernel takes these operands: float32 or float64, the per-step blocks contiguous. */
    static boolean handles(Tensor inputGates, Tensor out, Tensor gates) {
        DType d = inputGates.dtype();
        return (d == DType.FLOAT32 || d == DType.FLOAT64) && inputGates.isContiguous() && out.isContiguous() && (gates == null || gates.isContiguous());
    }

    static boolean handlesBackward(Tensor gates, Tensor out, Tensor gradOut, Tensor gradGates, Tensor gradH0, Tensor gradC0) {
        return handles(gates, out, gates) && gradOut.isContiguous() && gradGates.isContiguous() && gradH0.isContiguous() && gradC0.isContiguous();
    }

    // ---- the call's operands, set by the calling thread, read by every participant ----

    private boolean backward, reverse;
    private DType dtype;
    private int steps, batch, hidden;
    private MemorySegment inputGates, activated, states, weight, weightT, h0, c0, gradOut, gradGates, gradH0, gradC0;
    private long inputGatesOff, activatedOff, statesOff, weightOff, weightRowStride, weightColStride;
    private long h0Off, h0RowStride, h0ColStride, c0Off, c0RowStride, c0ColStride;
    private long gradOutOff, gradGatesOff, gradH0Off, gradC0Off;
    /** B of every step's product in the micro-kernel's panels, or null where the steps call {@link #gemm}. */
    private PanelProduct.Panels stepWeight;
    /** W_hh^T in {@link StripGemv}'s strips for rows below one tile (batch-1 inference), or null. */
    private float[] strips;

    /**
     * Every step's h and c to out, and its activated gates to gates (the product h W_hh^T lands there first); with
     * gates null (inference) each thread's step product goes to a scratch block of its rows, and nothing is kept.
     */
    static void forward(Tensor inputGates, Tensor weightHh, Tensor h0, Tensor c0, boolean reverse, Tensor out, Tensor gates) {
        LstmLayerKernel k = CALLS.get();
        k.operands(false, reverse, inputGates, weightHh, c0, out, gates);
        k.h0 = ElementAccess.segment(h0);
        k.h0Off = h0.storageOffset();
        k.h0RowStride = h0.stride(0);
        k.h0ColStride = h0.stride(1);
        k.stepWeight = k.panelSteps() ? k.packStepWeight() : null;
        k.strips = k.stepWeight == null && k.stripSteps() ? W_HH_T.get().stripsOf(weightHh, StripGemv.WIDTH) : null;
        // W_hh^T laid out row-major only for the steps that call gemm (a trained W_hh changes every call)
        k.weightT = k.stepWeight == null && k.strips == null ? W_HH_T.get().of(weightHh) : null;
        k.launch();
    }

    /** From the forward's activated gates and states: every step's gate gradients, and the initial states'. */
    static void backward(Tensor gates, Tensor weightHh, Tensor c0, Tensor out, boolean reverse,
                         Tensor gradOut, Tensor gradGates, Tensor gradH0, Tensor gradC0) {
        LstmLayerKernel k = CALLS.get();
        k.operands(true, reverse, gates, weightHh, c0, out, gates);
        k.gradOut = ElementAccess.segment(gradOut);
        k.gradOutOff = gradOut.storageOffset();
        k.gradGates = ElementAccess.segment(gradGates);
        k.gradGatesOff = gradGates.storageOffset();
        k.gradH0 = ElementAccess.segment(gradH0);
        k.gradH0Off = gradH0.storageOffset();
        k.gradC0 = ElementAccess.segment(gradC0);
        k.gradC0Off = gradC0.storageOffset();
        k.stepWeight = k.panelSteps() ? k.packStepWeight() : null;
        k.launch();
    }

    /** In the backward, inputGates is the activated gates (only their shape is read from it). */
    private void operands(boolean backward, boolean reverse, Tensor inputGates, Tensor weightHh, Tensor c0, Tensor out, Tensor activated) {
        this.backward = backward;
        this.reverse = reverse;
        dtype = inputGates.dtype();
        steps = (int) inputGates.size(0);
        batch = (int) inputGates.size(1);
        hidden = (int) c0.size(1);
        this.inputGates = ElementAccess.segment(inputGates);
        inputGatesOff = inputGates.storageOffset();
        this.activated = activated == null ? null : ElementAccess.segment(activated);
        activatedOff = activated == null ? 0 : activated.storageOffset();
        states = ElementAccess.segment(out);
        statesOff = out.storageOffset();
        weight = ElementAccess.segment(weightHh);
        weightOff = weightHh.storageOffset();
        weightRowStride = weightHh.stride(0);
        weightColStride = weightHh.stride(1);
        this.c0 = ElementAccess.segment(c0);
        c0Off = c0.storageOffset();
        c0RowStride = c0.stride(0);
        c0ColStride = c0.stride(1);
    }

    private long work() { return (long) steps * batch * 4 * hidden * hidden; }

    private int threads() {
        if (work() < PARALLEL_MIN_WORK || IntraOpPool.inParallelRegion()) return 1;
        return (int) Math.max(1, Math.min(IntraOpPool.numThreads(), batch / MIN_ROWS_PER_THREAD));
    }

    private void launch() {
        try {
            int threads = threads();
            if (threads == 1) run(0, batch);
            else IntraOpPool.parallelFor(batch, Math.ceilDiv(batch, threads), this);
        } finally {   // do not keep the operands alive
            inputGates = activated = states = weight = weightT = h0 = c0 = gradOut = gradGates = gradH0 = gradC0 = null;
            stepWeight = null;
            strips = null;
        }
    }

    /** Whether the steps' products run against {@link #packStepWeight}: float32, and enough rows per thread. */
    private boolean panelSteps() { return dtype == DType.FLOAT32 && batch / threads() >= PANEL_MIN_ROWS; }

    /**
     * Whether the forward steps run {@link StripGemv} a row at a time: float32 rows below one tile of the
     * micro-kernel (batch-1 inference, on one thread), where Sgemm too would take them a row at a time.
     */
    private boolean stripSteps() { return dtype == DType.FLOAT32 && batch < PanelProduct.kernel().mr; }

    /**
     * The B of every step's product in nr-wide panels over all of k: W_hh^T (k = H, n = 4H) forward, W_hh
     * (k = 4H, n = H) backward; element (p, j) of B is W_hh[j, p] or W_hh[p, j].
     */
    private PanelProduct.Panels packStepWeight() {
        int nr = PanelProduct.kernel().nr, k = backward ? 4 * hidden : hidden, n = backward ? hidden : 4 * hidden;
        long stepStride = backward ? weightRowStride : weightColStride, lineStride = backward ? weightColStride : weightRowStride;
        float[] v = ThreadBuffers.atLeast(STEP_PANELS, (long) Math.ceilDiv(n, nr) * k * nr);
        float[] scratch = ThreadBuffers.atLeast(PACKING_LINES, (long) nr * SgemmPacking.LINE);
        SgemmPacking.packPanels(v, nr, weight, weightOff, stepStride, lineStride, k, n, scratch);
        return new PanelProduct.Panels(v, 0, k);
    }

    /** C (m x n, row-major, ldc) = [C +] A @ {@link #stepWeight}, A's m rows of k contiguous elements one after the other. */
    private void stepProduct(int m, int n, int k, MemorySegment a, long aAt, MemorySegment c, long cAt, long ldc, boolean accumulate) {
        SgemmMicroKernel kern = PanelProduct.kernel();
        PanelProduct.multiply(new PanelProduct.SegmentRows(a, aAt, 0, k, m), stepWeight, m, n, k,
                0, Math.ceilDiv(m, kern.mr), 0, Math.ceilDiv(n, kern.nr), accumulate, c, cAt, ldc);
    }

    @Override public void run(long b0, long b1) {
        if (backward) backwardRows((int) b0, (int) b1);
        else forwardRows((int) b0, (int) b1);
    }

    // ---- offsets (in elements) of step t's block [B, width] in a contiguous [.., T, B, width] tensor ----

    private long inputGatesAt(int t) { return inputGatesOff + (long) t * batch * 4 * hidden; }
    private long activatedAt(int t) { return activatedOff + (long) t * batch * 4 * hidden; }
    private long gradGatesAt(int t) { return gradGatesOff + (long) t * batch * 4 * hidden; }
    /** Step t's h (which = 0) or c (which = 1) in out [2, T, B, H]. */
    private long stateAt(int which, int t) { return statesOff + ((long) which * steps + t) * batch * hidden; }
    private long gradStateAt(int which, int t) { return gradOutOff + ((long) which * steps + t) * batch * hidden; }

    /** The step that runs s-th: forward order, or from the last step back in reverse. */
    private int step(int s) { return reverse ? steps - 1 - s : s; }

    private void forwardRows(int b0, int b1) {
        Workspace w = WORKSPACES.get();
        int rows = b1 - b0, gateWidth = 4 * hidden;
        MatrixRows ig = w.handles[0], hg = w.handles[1], c = w.handles[2], hNext = w.handles[3], cNext = w.handles[4];
        // each step's product h W_hh^T: in the gates tensor where they are kept, else in a scratch block of this
        // thread's rows, reused every step (row b at b - b0)
        boolean keep = activated != null;
        MemorySegment product = keep ? activated : w.scratch((long) rows * gateWidth * dtype.byteSize());
        for (int s = 0; s < steps; s++) {
            int t = step(s), prev = step(s - 1);
            MemorySegment hSeg = s == 0 ? h0 : states;
            long hAt = s == 0 ? h0Off + b0 * h0RowStride : stateAt(0, prev) + (long) b0 * hidden;
            long hRowStride = s == 0 ? h0RowStride : hidden, hColStride = s == 0 ? h0ColStride : 1;
            long hgAt = keep ? activatedAt(t) : -(long) b0 * gateWidth;
            if (stepWeight != null && hColStride == 1 && hRowStride == hidden) {
                stepProduct(rows, gateWidth, hidden, hSeg, hAt, product, hgAt + (long) b0 * gateWidth, gateWidth, false);
            } else if (strips != null) {
                float[] x = w.row(hidden), out = w.gates(Math.ceilDiv(gateWidth, StripGemv.WIDTH) * StripGemv.WIDTH);
                for (int r = 0; r < rows; r++) {
                    long at = hAt + r * hRowStride;
                    if (hColStride == 1) MemorySegment.copy(hSeg, ValueLayout.JAVA_FLOAT, at * Float.BYTES, x, 0, hidden);
                    else for (int p = 0; p < hidden; p++) x[p] = hSeg.getAtIndex(ValueLayout.JAVA_FLOAT, at + p * hColStride);
                    StripGemv.multiply(x, hidden, strips, gateWidth, out);
                    MemorySegment.copy(out, 0, product, ValueLayout.JAVA_FLOAT, (hgAt + (long) (b0 + r) * gateWidth) * Float.BYTES, gateWidth);
                }
            } else if (stepWeight != null) {   // a strided h0: W_hh^T through W_hh's strides
                gemm(rows, gateWidth, hidden, hSeg, hAt, hRowStride, hColStride, weight, weightOff, weightColStride, weightRowStride,
                        0, product, hgAt + (long) b0 * gateWidth, gateWidth);
            } else {
                gemm(rows, gateWidth, hidden, hSeg, hAt, hRowStride, hColStride, weightT, 0, gateWidth, 1,
                        0, product, hgAt + (long) b0 * gateWidth, gateWidth);
            }
            ig.point(inputGates, dtype, inputGatesAt(t), gateWidth, 1);
            hg.point(product, dtype, hgAt, gateWidth, 1);
            if (s == 0) c.point(c0, dtype, c0Off, c0RowStride, c0ColStride);
            else c.point(states, dtype, stateAt(1, prev), hidden, 1);
            hNext.point(states, dtype, stateAt(0, t), hidden, 1);
            cNext.point(states, dtype, stateAt(1, t), hidden, 1);
            // kept, the activated gates overwrite the product in place, for the backward
            RecurrentKernels.lstmRows(RecurrentKernels.vectorRows(dtype, c.unitColumns()), ig, hg, c, hNext, cNext, keep ? hg : null, b0, b1, hidden);
        }
    }

    private void backwardRows(int b0, int b1) {
        Workspace w = WORKSPACES.get();
        int rows = b1 - b0, gateWidth = 4 * hidden;
        long block = (long) rows * hidden;
        MemorySegment scratch = w.scratch(3 * block * dtype.byteSize());
        // three [rows, H] blocks: dh into this step, dc into this step, and dc out of it (into the previous step)
        long gradH = 0, gradCIn = block, gradCOut = 2 * block;
        MatrixRows cNext = w.handles[0], act = w.handles[1], c = w.handles[2], dh = w.handles[3], dcIn = w.handles[4];
        MatrixRows dGates = w.handles[5], dcOut = w.handles[6];
        long rowShift = (long) b0 * hidden;   // scratch rows start at b0: handle row b is scratch row b - b0
        for (int s = steps - 1; s >= 0; s--) {
            int t = step(s), prev = step(s - 1), next = step(s + 1);
            copyRows(gradOut, gradStateAt(0, t) + rowShift, scratch, gradH, block);
            if (s < steps - 1 && stepWeight != null) {   // dh += dgates[next] @ W_hh
                stepProduct(rows, hidden, gateWidth, gradGates, gradGatesAt(next) + (long) b0 * gateWidth, scratch, gradH, hidden, true);
            } else if (s < steps - 1) {
                gemm(rows, hidden, gateWidth, gradGates, gradGatesAt(next) + (long) b0 * gateWidth, gateWidth, 1,
                        weight, weightOff, weightRowStride, weightColStride, 1, scratch, gradH, hidden);
            }
            copyRows(gradOut, gradStateAt(1, t) + rowShift, scratch, gradCIn, block);
            if (s < steps - 1) addRows(scratch, gradCOut, gradCIn, block);
            act.point(activated, dtype, activatedAt(t), gateWidth, 1);
            cNext.point(states, dtype, stateAt(1, t), hidden, 1);
            if (s == 0) c.point(c0, dtype, c0Off, c0RowStride, c0ColStride);
            else c.point(states, dtype, stateAt(1, prev), hidden, 1);
            dh.point(scratch, dtype, gradH - rowShift, hidden, 1);
            dcIn.point(scratch, dtype, gradCIn - rowShift, hidden, 1);
            dGates.point(gradGates, dtype, gradGatesAt(t), gateWidth, 1);
            dcOut.point(scratch, dtype, gradCOut - rowShift, hidden, 1);
            RecurrentKernels.lstmBackwardFromGatesRows(RecurrentKernels.vectorRows(dtype, c.unitColumns()), act, c, cNext, dh, dcIn, dGates, dcOut,
                    b0, b1, hidden);
        }
        int first = step(0);
        gemm(rows, hidden, gateWidth, gradGates, gradGatesAt(first) + (long) b0 * gateWidth, gateWidth, 1,
                weight, weightOff, weightRowStride, weightColStride, 0, gradH0, gradH0Off + rowShift, hidden);
        copyRows(scratch, gradCOut, gradC0, gradC0Off + rowShift, block);
    }

    private void gemm(int m, int n, int k, MemorySegment a, long aOff, long aRowStride, long aColStride,
                      MemorySegment b, long bOff, long bRowStride, long bColStride, double beta, MemorySegment c, long cOff, long ldc) {
        if (dtype == DType.FLOAT32) {
            Sgemm.gemm(m, n, k, 1f, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, (float) beta, c, cOff, ldc);
        } else {
            Dgemm.gemm(m, n, k, 1, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc);
        }
    }

    /** {@code count} contiguous elements from src at srcAt to dst at dstAt (element offsets). */
    private void copyRows(MemorySegment src, long srcAt, MemorySegment dst, long dstAt, long count) {
        long size = dtype.byteSize();
        MemorySegment.copy(src, srcAt * size, dst, dstAt * size, count * size);
    }

    /** dst[i] += src[i] for {@code count} contiguous elements. */
    private void addRows(MemorySegment s, long srcAt, long dstAt, long count) {
        RunAccumulate.addRun(s, dtype, srcAt, 1, s, dtype, dstAt, 1, count);
    }

    /** A thread's row handles and its scratch rows. */
    private static final class Workspace {
        final MatrixRows[] handles = new MatrixRows[7];
        private final NativeScratch scratch = new NativeScratch();

        Workspace() {
            for (int i = 0; i < handles.length; i++) handles[i] = new MatrixRows();
        }

        /** At least {@code bytes} of this thread's scratch, grown when short. */
        MemorySegment scratch(long bytes) { return scratch.bytes(bytes); }

        private float[] row = new float[0], gates = new float[0];

        /** Heap rows for {@link StripGemv}: h of one batch row, and its gates. */
        float[] row(int size) { return row.length >= size ? row : (row = new float[size]); }
        float[] gates(int size) { return gates.length >= size ? gates : (gates = new float[size]); }
    }
}
