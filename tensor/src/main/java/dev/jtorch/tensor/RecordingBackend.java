package dev.jtorch.tensor;

import java.lang.foreign.MemorySegment;

/**
 * What {@link Backends#of} returns on a thread that captures: each call runs on the real backend and, unless it
 * is nested inside another backend call, is recorded with the graph's handles on its tensors. Every method of
 * {@link Backend} known when this was written is forwarded, so the real backend's own kernels run. A default
 * method added to {@link Backend} later and not forwarded here still works: its composed body runs with this
 * decorator as {@code this}, so the primitives it is made of are recorded one by one (correct, only slower
 * than the backend's fused kernel until a forwarding method is added below).
 */
final class RecordingBackend implements Backend {
    private final Backend inner;
    private final CaptureSession session;

    RecordingBackend(Backend inner, CaptureSession session) {
        this.inner = inner;
        this.session = session;
    }

    Backend inner() { return inner; }

    private Tensor hold(Tensor t) { return session.hold(t); }

    @Override public Device device() { return inner.device(); }

    /** Memory is not work: a storage made during capture is pinned by {@link CaptureSession#pinIfCapturing}. */
    @Override public Block allocate(long bytes) { return inner.allocate(bytes); }

    @Override public void copyFromHost(MemorySegment src, Tensor dst) {
        Tensor d = hold(dst);
        session.run("copyFromHost", () -> inner.copyFromHost(src, d));
    }

    @Override public void copyToHost(Tensor src, MemorySegment dst) {
        session.refuseDataDependent("copyToHost");
        inner.copyToHost(src, dst);
    }

    @Override public void copy(Tensor src, Tensor dst) {
        Tensor s = hold(src), d = hold(dst);
        session.run("copy", () -> inner.copy(s, d));
    }

    @Override public void fill(Tensor dst, double value) {
        Tensor d = hold(dst);
        session.run("fill", () -> inner.fill(d, value));
    }

    @Override public void unary(UnaryOp op, Tensor src, Tensor dst) {
        Tensor s = hold(src), d = hold(dst);
        session.run("unary", () -> inner.unary(op, s, d));
    }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst) {
        Tensor x = hold(a), y = hold(b), d = hold(dst);
        session.run("binary", () -> inner.binary(op, x, y, d));
    }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor dst) {
        Tensor c = hold(cond), x = hold(a), y = hold(b), d = hold(dst);
        session.run("where", () -> inner.where(c, x, y, d));
    }

    @Override public void reduce(ReduceOp op, Tensor src, Tensor dst) {
        Tensor s = hold(src), d = hold(dst);
        session.run("reduce", () -> inner.reduce(op, s, d));
    }

    @Override public void argReduce(ReduceOp op, Tensor src, int dim, Tensor values, Tensor indices) {
        Tensor s = hold(src), v = hold(values), i = hold(indices);
        session.run("argReduce", () -> inner.argReduce(op, s, dim, v, i));
    }

    @Override public void matmul(Tensor a, Tensor b, Tensor dst) {
        Tensor x = hold(a), y = hold(b), d = hold(dst);
        session.run("matmul", () -> inner.matmul(x, y, d));
    }

    @Override public void addmm(Tensor bias, Tensor a, Tensor b, Tensor dst) {
        Tensor c = hold(bias), x = hold(a), y = hold(b), d = hold(dst);
        session.run("addmm", () -> inner.addmm(c, x, y, d));
    }

    @Override public void indexSelect(Tensor src, int dim, Tensor index, Tensor dst) {
        Tensor s = hold(src), i = hold(index), d = hold(dst);
        session.run("indexSelect", () -> inner.indexSelect(s, dim, i, d));
    }

    @Override public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        Tensor d = hold(dst), i = hold(index), s = hold(src);
        session.run("indexAdd", () -> inner.indexAdd(d, dim, i, s));
    }

    @Override public void gather(Tensor src, int dim, Tensor index, Tensor dst) {
        Tensor s = hold(src), i = hold(index), d = hold(dst);
        session.run("gather", () -> inner.gather(s, dim, i, d));
    }

    @Override public void scatter(Tensor dst, int dim, Tensor index, Tensor src, boolean accumulate) {
        Tensor d = hold(dst), i = hold(index), s = hold(src);
        session.run("scatter", () -> inner.scatter(d, dim, i, s, accumulate));
    }

    @Override public Tensor flatNonzero(Tensor mask) {
        session.refuseDataDependent("flatNonzero");
        return inner.flatNonzero(mask);
    }

    /** Replay draws fresh numbers from the generator, as a CUDA graph's replay advances its RNG offset. */
    @Override public void random(Tensor dst, Distribution dist, double a, double b, Generator generator) {
        Tensor d = hold(dst);
        session.run("random", () -> inner.random(d, dist, a, b, generator));
    }

    @Override public void im2col(Tensor input, Window2d window, Tensor columns) {
        Tensor in = hold(input), c = hold(columns);
        session.run("im2col", () -> inner.im2col(in, window, c));
    }

    @Override public void col2im(Tensor columns, Window2d window, Tensor dst) {
        Tensor c = hold(columns), d = hold(dst);
        session.run("col2im", () -> inner.col2im(c, window, d));
    }

    @Override public void softmax(Tensor src, int dim, boolean log, Tensor dst) {
        Tensor s = hold(src), d = hold(dst);
        session.run("softmax", () -> inner.softmax(s, dim, log, d));
    }

    @Override public void reluBackward(Tensor gradOut, Tensor result, Tensor gradIn) {
        Tensor g = hold(gradOut), r = hold(result), gi = hold(gradIn);
        session.run("reluBackward", () -> inner.reluBackward(g, r, gi));
    }

    @Override public void conv2d(Tensor input, Tensor weight, Tensor bias, Window2d window, int groups, Tensor out) {
        Tensor in = hold(input), w = hold(weight), b = hold(bias), o = hold(out);
        session.run("conv2d", () -> inner.conv2d(in, w, b, window, groups, o));
    }

    @Override public void conv2dBackwardInput(Tensor gradOut, Tensor weight, Window2d window, int groups, Tensor gradIn) {
        Tensor g = hold(gradOut), w = hold(weight), gi = hold(gradIn);
        session.run("conv2dBackwardInput", () -> inner.conv2dBackwardInput(g, w, window, groups, gi));
    }

    @Override public void conv2dBackwardWeight(Tensor gradOut, Tensor input, Window2d window, int groups, Tensor gradWeight) {
        Tensor g = hold(gradOut), in = hold(input), gw = hold(gradWeight);
        session.run("conv2dBackwardWeight", () -> inner.conv2dBackwardWeight(g, in, window, groups, gw));
    }

    @Override public void lstmCell(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor out) {
        Tensor gi = hold(inputGates), gh = hold(hiddenGates), cell = hold(c), o = hold(out);
        session.run("lstmCell", () -> inner.lstmCell(gi, gh, cell, o));
    }

    @Override public void lstmCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor gradOut, Tensor gradGates, Tensor gradC) {
        Tensor gi = hold(inputGates), gh = hold(hiddenGates), cell = hold(c), g = hold(gradOut), gg = hold(gradGates), gc = hold(gradC);
        session.run("lstmCellBackward", () -> inner.lstmCellBackward(gi, gh, cell, g, gg, gc));
    }

    @Override public void lstmLayer(Tensor inputGates, Tensor weightHh, Tensor h0, Tensor c0, boolean reverse, Tensor out, Tensor gates) {
        Tensor gi = hold(inputGates), w = hold(weightHh), h = hold(h0), c = hold(c0), o = hold(out), act = hold(gates);
        session.run("lstmLayer", () -> inner.lstmLayer(gi, w, h, c, reverse, o, act));
    }

    /** A question, not work: nothing to record. */
    @Override public boolean prefersLstmStack(DType dtype, long steps, long batch, long hidden, int layers) {
        return inner.prefersLstmStack(dtype, steps, batch, hidden, layers);
    }

    @Override public void lstmStack(Tensor inputGates, java.util.List<Tensor> weightsHh, java.util.List<Tensor> weightsIh,
                                    java.util.List<Tensor> biases, Tensor h0, Tensor c0, Tensor out, Tensor hN, Tensor cN) {
        Tensor gi = hold(inputGates), h = hold(h0), c = hold(c0), o = hold(out), hn = hold(hN), cn = hold(cN);
        java.util.List<Tensor> whh = weightsHh.stream().map(this::hold).toList(), wih = weightsIh.stream().map(this::hold).toList();
        java.util.List<Tensor> b = biases.stream().map(this::hold).toList();
        session.run("lstmStack", () -> inner.lstmStack(gi, whh, wih, b, h, c, o, hn, cn));
    }

    @Override public void lstmLayerBackward(Tensor gates, Tensor weightHh, Tensor c0, Tensor out, boolean reverse,
                                            Tensor gradOut, Tensor gradGates, Tensor gradH0, Tensor gradC0) {
        Tensor act = hold(gates), w = hold(weightHh), c = hold(c0), o = hold(out);
        Tensor g = hold(gradOut), gg = hold(gradGates), gh0 = hold(gradH0), gc0 = hold(gradC0);
        session.run("lstmLayerBackward", () -> inner.lstmLayerBackward(act, w, c, o, reverse, g, gg, gh0, gc0));
    }

    @Override public void gruCell(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor out) {
        Tensor gi = hold(inputGates), gh = hold(hiddenGates), hidden = hold(h), o = hold(out);
        session.run("gruCell", () -> inner.gruCell(gi, gh, hidden, o));
    }

    @Override public void gruCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor gradOut,
                                          Tensor gradInputGates, Tensor gradHiddenGates, Tensor gradH) {
        Tensor gi = hold(inputGates), gh = hold(hiddenGates), hidden = hold(h), g = hold(gradOut);
        Tensor ggi = hold(gradInputGates), ggh = hold(gradHiddenGates), gHidden = hold(gradH);
        session.run("gruCellBackward", () -> inner.gruCellBackward(gi, gh, hidden, g, ggi, ggh, gHidden));
    }

    @Override public void maxPool2d(Tensor input, Window2d window, Tensor out, Tensor indices) {
        Tensor in = hold(input), o = hold(out), i = indices == null ? null : hold(indices);
        session.run("maxPool2d", () -> inner.maxPool2d(in, window, o, i));
    }

    @Override public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        Tensor g = hold(gradOut), i = hold(indices), gi = hold(gradIn);
        session.run("maxPool2dBackward", () -> inner.maxPool2dBackward(g, i, gi));
    }

    @Override public void avgPool2d(Tensor input, Window2d window, Tensor out) {
        Tensor in = hold(input), o = hold(out);
        session.run("avgPool2d", () -> inner.avgPool2d(in, window, o));
    }

    @Override public void avgPool2dBackward(Tensor gradOut, Window2d window, Tensor gradIn) {
        Tensor g = hold(gradOut), gi = hold(gradIn);
        session.run("avgPool2dBackward", () -> inner.avgPool2dBackward(g, window, gi));
    }

    @Override public void synchronize() { session.run("synchronize", inner::synchronize); }

    @Override public String toString() { return "Recording(" + inner + ")"; }
}
