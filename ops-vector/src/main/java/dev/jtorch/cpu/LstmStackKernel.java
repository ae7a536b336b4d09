package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * {@code Backend.lstmStack} for float32 at batch 1 to 3 (batch-1 inference): the layers side by side on the pool's
 * threads, where {@link LstmLayerKernel} one layer after another leaves every thread but one idle. Layer l's step t
 * needs only layer l-1's h at step t, so each participant claims the lowest layer nobody runs yet and runs all its
 * steps, waiting before step t until layer l-1 has published it, with layer l's input gates for that step, which
 * layer l-1's participant projects from the h it just wrote. With two threads and two layers, layer 1 runs a step
 * behind layer 0; with one participant (a busy pool) the layers run one after the other, as the default does.
 *
 * <p>Each step is what {@link LstmLayerKernel}'s row path computes, in the same order: {@code h W_hh^T} by
 * {@link StripGemv} on kept strips of W_hh, and the next layer's input projection {@code h W_ih^T} the same way,
 * a sum over k in order from zero, then the bias added, as Sgemm forms that product for all steps
 * (k at most {@link Sgemm#KC} and enough rows and columns for Sgemm's blocked and unpacked paths, which sum each
 * column as one fused multiply-add chain; a 4H that ends in a partial vector stays on the blocked path);
 * then
 * {@link RecurrentKernels#lstmRows}. So the stack gives the default's bits at any thread count ({@code LstmStackKernelTest}).
 */
final class LstmStackKernel implements IntraOpPool.TeamBody {
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(int[].class);
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ThreadLocal<LstmStackKernel> CALLS = ThreadLocal.withInitial(LstmStackKernel::new);
    private static final ThreadLocal<Workspace> WORKSPACES = ThreadLocal.withInitial(Workspace::new);
    /** Counters 16 ints (64 bytes) apart: the next layer to claim at 0, layer l's published steps at 16 * (l + 1). */
    private static final int STRIDE = 16;

    /** Per layer, kept between calls: W_hh's strips, W_ih's strips (layers above the first), and its states [2, T, B, H]. */
    private TransposedWeights[] hhStrips = new TransposedWeights[0], ihStrips = new TransposedWeights[0];
    private NativeScratch[] states = new NativeScratch[0];
    /** Per layer above the first, kept between calls: its input gates [T, B, 4H], written by the layer below. */
    private NativeScratch[] projected = new NativeScratch[0];
    private int[] counters = new int[0];
    private volatile boolean failed;
    private final java.util.function.BooleanSupplier failedCheck = () -> failed;

    // the call's operands
    private int layers, steps, batch, hidden;
    private Tensor inputGates, h0, c0, out, hN, cN;
    private List<Tensor> weightsHh, weightsIh, biases;

    private LstmStackKernel() {}

    /**
     * Whether a module should run these layers as one stack here: two or more threads to put them on, and the
     * shapes {@link #handles} takes.
     */
    static boolean prefers(DType dtype, long steps, long batch, long hidden, int layers) {
        return IntraOpPool.numThreads() >= 2 && suits(dtype, steps, batch, hidden, layers);
    }

    /**
     * The shapes whose sums here are the default's (see above): float32, two or more layers, a batch below one
     * register tile, H at most one k block, and an input projection (steps*batch x 4H x H) that Sgemm forms on its
     * blocked or unpacked path ({@link Sgemm#chainsEachElement}): on AVX-512 (8-row tiles) five steps of one row
     * went to Sgemm's direct path, whose dot products fold lanes, and the stack's bits differed from the default's.
     */
    private static boolean suits(DType dtype, long steps, long batch, long hidden, int layers) {
        return dtype == DType.FLOAT32 && layers >= 2 && batch < PanelProduct.kernel().mr && hidden <= Sgemm.KC
                && Sgemm.chainsEachElement(steps * batch, 4 * hidden, hidden);
    }

    /**
     * Whether the stack runs here: {@link #suits} and every operand contiguous where the pool's threads may reach it.
     * On one thread (or a busy pool) the layers run one after the other, with the same bits and nothing allocated.
     */
    static boolean handles(Tensor inputGates, List<Tensor> weightsHh, List<Tensor> weightsIh, List<Tensor> biases,
                           Tensor h0, Tensor c0, Tensor out, Tensor hN, Tensor cN) {
        if (!suits(inputGates.dtype(), inputGates.size(0), inputGates.size(1), h0.size(2), weightsHh.size())) return false;
        // written out, not over List.of(...): a replayed graph calls this every time, and must allocate nothing
        if (!usable(inputGates) || !usable(h0) || !usable(c0) || !usable(out) || !usable(hN) || !usable(cN)) return false;
        return usable(weightsHh) && usable(weightsIh) && usable(biases);
    }

    private static boolean usable(List<Tensor> ts) {
        for (int i = 0; i < ts.size(); i++) if (!usable(ts.get(i))) return false;
        return true;
    }

    /** Contiguous, and in memory the pool's threads may touch. */
    private static boolean usable(Tensor t) {
        return t.isContiguous() && GemmThreading.accessibleFromPool(ElementAccess.segment(t), null, null, null);
    }

    static void forward(Tensor inputGates, List<Tensor> weightsHh, List<Tensor> weightsIh, List<Tensor> biases,
                        Tensor h0, Tensor c0, Tensor out, Tensor hN, Tensor cN) {
        LstmStackKernel k = CALLS.get();
        k.layers = weightsHh.size();
        k.steps = (int) inputGates.size(0);
        k.batch = (int) inputGates.size(1);
        k.hidden = (int) h0.size(2);
        k.inputGates = inputGates; k.h0 = h0; k.c0 = c0; k.out = out; k.hN = hN; k.cN = cN;
        k.weightsHh = weightsHh; k.weightsIh = weightsIh; k.biases = biases;
        k.prepare();
        try {
            IntraOpPool.team(k.layers, k);
        } finally {   // do not keep the operands alive
            k.inputGates = k.h0 = k.c0 = k.out = k.hN = k.cN = null;
            k.weightsHh = k.weightsIh = k.biases = null;
        }
    }

    /** Sizes the per-layer state and resets the counters. */
    private void prepare() {
        if (hhStrips.length < layers) {
            hhStrips = grow(hhStrips, layers);
            ihStrips = grow(ihStrips, layers);
            states = grow(states, layers);
            projected = grow(projected, layers);
            counters = new int[STRIDE * (layers + 2)];
        }
        for (int l = 0; l < layers; l++) {
            states[l].floats(2L * steps * batch * hidden);
            if (l > 0) projected[l].floats(4L * steps * batch * hidden);
        }
        failed = false;
        for (int i = 0; i <= layers; i++) COUNTER.setVolatile(counters, STRIDE * i, 0);
    }

    private static TransposedWeights[] grow(TransposedWeights[] old, int size) {
        TransposedWeights[] next = new TransposedWeights[size];
        for (int i = 0; i < size; i++) next[i] = i < old.length ? old[i] : new TransposedWeights();
        return next;
    }

    private static NativeScratch[] grow(NativeScratch[] old, int size) {
        NativeScratch[] next = new NativeScratch[size];
        for (int i = 0; i < size; i++) next[i] = i < old.length ? old[i] : new NativeScratch();
        return next;
    }

    /** One participant: claims layers from the lowest up and runs each to its last step. */
    @Override
    public void run(int participant) {
        try {
            for (int l; (l = (int) COUNTER.getAndAdd(counters, 0, 1)) < layers; ) {
                if (!layer(l)) return;
            }
        } catch (Throwable e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Layer l's steps, each published once its h and c, and the next layer's input gates from that h, are written;
     * false if another participant failed. The next layer's input projection is done here, beside the h it reads:
     * the layer above has its own recurrence to run, and with the projection it took 2.6 us a step against 1.4 here.
     */
    private boolean layer(int l) {
        Workspace w = WORKSPACES.get();
        int gateWidth = 4 * hidden, padded = Math.ceilDiv(gateWidth, StripGemv.WIDTH) * StripGemv.WIDTH;
        boolean feeds = l + 1 < layers;
        float[] hh = hhStrips[l].stripsOf(weightsHh.get(l), StripGemv.WIDTH);
        float[] ihNext = feeds ? ihStrips[l + 1].stripsOf(weightsIh.get(l), StripGemv.WIDTH) : null;
        float[] biasNext = feeds ? w.bias(biases.get(l), gateWidth) : null;
        float[] x = w.row(hidden), g = w.gates(padded);
        MemorySegment product = w.scratch.floats((long) batch * gateWidth), mine = states[l].current();
        MemorySegment gatesIn = l == 0 ? ElementAccess.segment(inputGates) : projected[l].current();
        MemorySegment gatesOut = feeds ? projected[l + 1].current() : null;
        MatrixRows ig = w.handles[0], hg = w.handles[1], c = w.handles[2], hNext = w.handles[3], cNext = w.handles[4];
        long stateBlock = (long) batch * hidden, stepsBlock = (long) steps * stateBlock, gatesBlock = (long) batch * gateWidth;
        long gatesInAt = l == 0 ? inputGates.storageOffset() : 0;
        MemorySegment h0Seg = ElementAccess.segment(h0), c0Seg = ElementAccess.segment(c0);
        long h0At = h0.storageOffset() + l * stateBlock, c0At = c0.storageOffset() + l * stateBlock;
        for (int t = 0; t < steps; t++) {
            if (l > 0 && !await(l - 1, t + 1)) return false;
            for (int b = 0; b < batch; b++) {
                if (t == 0) MemorySegment.copy(h0Seg, F, (h0At + (long) b * hidden) * Float.BYTES, x, 0, hidden);
                else MemorySegment.copy(mine, F, ((t - 1) * stateBlock + (long) b * hidden) * Float.BYTES, x, 0, hidden);
                StripGemv.multiply(x, hidden, hh, gateWidth, g);
                MemorySegment.copy(g, 0, product, F, (long) b * gateWidth * Float.BYTES, gateWidth);
            }
            ig.point(gatesIn, DType.FLOAT32, gatesInAt + t * gatesBlock, gateWidth, 1);
            hg.point(product, DType.FLOAT32, 0, gateWidth, 1);
            if (t == 0) c.point(c0Seg, DType.FLOAT32, c0At, hidden, 1);
            else c.point(mine, DType.FLOAT32, stepsBlock + (t - 1) * stateBlock, hidden, 1);
            hNext.point(mine, DType.FLOAT32, t * stateBlock, hidden, 1);
            cNext.point(mine, DType.FLOAT32, stepsBlock + t * stateBlock, hidden, 1);
            RecurrentKernels.lstmRows(Float32RecurrentRows.INSTANCE, ig, hg, c, hNext, cNext, null, 0, batch, hidden);
            for (int b = 0; feeds && b < batch; b++) {   // the next layer's x W_ih^T + b_ih + b_hh at this step
                MemorySegment.copy(mine, F, (t * stateBlock + (long) b * hidden) * Float.BYTES, x, 0, hidden);
                StripGemv.multiply(x, hidden, ihNext, gateWidth, g);
                for (int j = 0; j < gateWidth; j++) g[j] += biasNext[j];
                MemorySegment.copy(g, 0, gatesOut, F, (t * gatesBlock + (long) b * gateWidth) * Float.BYTES, gateWidth);
            }
            COUNTER.setVolatile(counters, STRIDE * (l + 1), t + 1);
        }
        long last = (steps - 1) * stateBlock, bytes = stateBlock * Float.BYTES;
        MemorySegment.copy(mine, last * Float.BYTES, ElementAccess.segment(hN), (hN.storageOffset() + l * stateBlock) * Float.BYTES, bytes);
        MemorySegment.copy(mine, (stepsBlock + last) * Float.BYTES, ElementAccess.segment(cN), (cN.storageOffset() + l * stateBlock) * Float.BYTES, bytes);
        if (l == layers - 1) MemorySegment.copy(mine, 0, ElementAccess.segment(out), out.storageOffset() * Float.BYTES, stepsBlock * Float.BYTES);
        return true;
    }

    /** Spins until layer l has published {@code target} steps ({@link IntraOpPool#awaitCount}); false if a peer failed. */
    private boolean await(int l, int target) {
        return IntraOpPool.awaitCount(counters, STRIDE * (l + 1), target, failedCheck);
    }

    /** One participating thread's scratch: heap rows for StripGemv, a native block for a step's gates, row handles. */
    private static final class Workspace {
        final MatrixRows[] handles = new MatrixRows[5];
        final NativeScratch scratch = new NativeScratch();
        private float[] row = new float[0], gates = new float[0], bias = new float[0];

        Workspace() {
            for (int i = 0; i < handles.length; i++) handles[i] = new MatrixRows();
        }

        float[] row(int size) { return row.length >= size ? row : (row = new float[size]); }
        float[] gates(int size) { return gates.length >= size ? gates : (gates = new float[size]); }

        /** The bias on the heap, read once per call rather than once per step. */
        float[] bias(Tensor b, int size) {
            if (bias.length < size) bias = new float[size];
            MemorySegment.copy(ElementAccess.segment(b), F, b.storageOffset() * Float.BYTES, bias, 0, size);
            return bias;
        }
    }
}
