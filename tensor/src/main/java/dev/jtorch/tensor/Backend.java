package dev.jtorch.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The primitives a device implements. Everything in {@link Tensor} is built from these, so a new device
 * implements this interface and nothing else. Device memory may not be addressable from Java and a device
 * may run asynchronously: only {@link #copyToHost} (and {@link #flatNonzero}, whose size depends on data)
 * wait for results.
 *
 * <p>Conventions: tensors passed in have this backend's device and any strides (views, stride-0 broadcasts)
 * unless a method says "contiguous". Shapes and dtypes are checked by {@link Tensor} before the call; the
 * backend may assume them. Outputs called {@code dst} are written, never read, unless the method accumulates.
 */
public interface Backend {
    Device device();

    /** Raw memory for a storage of at least {@code bytes} bytes; contents undefined. */
    Block allocate(long bytes);

    /** Copies {@code dst.numel()} elements of {@code dst}'s dtype from host memory; dst contiguous. */
    void copyFromHost(MemorySegment src, Tensor dst);

    /** Copies a contiguous {@code src} into host memory; waits for pending work. */
    void copyToHost(Tensor src, MemorySegment dst);

    /** dst = src elementwise, same shape, converting dtype if they differ (float to int truncates, as C). */
    void copy(Tensor src, Tensor dst);

    void fill(Tensor dst, double value);

    /** dst = op(src); same shape and dtype, except LOGICAL_NOT which writes bool. dst may be src. */
    void unary(UnaryOp op, Tensor src, Tensor dst);

    /**
     * dst = a op b; a and b have dst's shape (broadcast through stride 0) and one dtype. dst may be the same
     * view as a, which is how accumulation ({@code dst += src}) is expressed.
     */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst);

    /** dst = cond ? a : b; cond bool, all broadcast to dst's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor dst);

    /**
     * Reduces src into dst, which has src's rank with size 1 in the reduced dimensions; dst contiguous.
     * dst's dtype may be wider than src's (bool and int32 sums accumulate into int64).
     */
    void reduce(ReduceOp op, Tensor src, Tensor dst);

    /** Max or min along {@code dim} with the index of the first occurrence (int64); values and indices keepdim-shaped, contiguous. */
    void argReduce(ReduceOp op, Tensor src, int dim, Tensor values, Tensor indices);

    /** dst[b] = a[b] @ b[b] for a [B,M,K], b [B,K,N] of any strides (stride-0 batches too); dst contiguous [B,M,N]. */
    void matmul(Tensor a, Tensor b, Tensor dst);

    /**
     * dst[0] = a[0] @ b[0] + bias for a [1,M,K], b [1,K,N] of any strides, bias [N] contiguous, dst contiguous
     * [1,M,N]: a linear layer. The default multiplies with {@link #matmul}, then adds the bias in place; a backend
     * whose GEMM has an epilogue adds it while each tile of dst is still in cache.
     */
    default void addmm(Tensor bias, Tensor a, Tensor b, Tensor dst) {
        matmul(a, b, dst);
        binary(BinaryOp.ADD, dst, bias.expand(dst.shape()), dst);
    }

    /** dst = src.indexSelect(dim, index); index int64 1-d with values checked in range. */
    void indexSelect(Tensor src, int dim, Tensor index, Tensor dst);

    /** dst.narrow(dim, index[i], 1) += src.narrow(dim, i, 1), for each i; repeated indices accumulate. */
    void indexAdd(Tensor dst, int dim, Tensor index, Tensor src);

    /** dst[i][j][k] = src[i][index[i][j][k]][k] (for dim 1), as torch.gather; index int64, dst index-shaped. */
    void gather(Tensor src, int dim, Tensor index, Tensor dst);

    /** dst[i][index[i][j][k]][k] = src[i][j][k] (for dim 1), or += when {@code accumulate}; in place on dst. */
    void scatter(Tensor dst, int dim, Tensor index, Tensor src, boolean accumulate);

    /** Flat (row-major) positions of the true elements of a contiguous bool tensor, as a new int64 1-d tensor. */
    Tensor flatNonzero(Tensor mask);

    /** Fills dst with draws of {@code dist} (see {@link Distribution} for a and b). */
    void random(Tensor dst, Distribution dist, double a, double b, Generator generator);

    /** Unfolds contiguous NCHW input into columns [N, C*kH*kW, outH*outW] (zero padding). */
    void im2col(Tensor input, Window2d window, Tensor columns);

    /** The adjoint of im2col: sums columns [N, C*kH*kW, outH*outW] back into a zeroed NCHW dst. */
    void col2im(Tensor columns, Window2d window, Tensor dst);

    /**
     * Softmax (or log-softmax with {@code log}) of a contiguous src along {@code dim} into dst. The default is the
     * composed form: shifted by the row maximum, exponentiated, normalised.
     */
    default void softmax(Tensor src, int dim, boolean log, Tensor dst) {
        try (var noGrad = GradMode.noGrad()) {
            Tensor r;
            if (log) {
                r = src.sub(src.logsumexp(dim, true));
            } else {
                Tensor e = src.sub(src.max(dim, true).values()).exp();
                r = e.div(e.sum(dim, true));
            }
            copy(r, dst);
        }
    }

    /**
     * ReLU's gradient, as PyTorch's {@code threshold_backward(gradOut, result, 0)}: gradIn = result <= 0 ? 0 : gradOut,
     * all of one shape (any strides); gradIn is written, not read.
     */
    default void reluBackward(Tensor gradOut, Tensor result, Tensor gradIn) {
        try (var noGrad = GradMode.noGrad()) {
            copy(Tensor.where(result.le(0), gradOut.zerosLike(), gradOut), gradIn);
        }
    }

    /**
     * 2-d cross-correlation of contiguous NCHW input with contiguous weight [O, C/groups, kH, kW], plus bias [O]
     * (contiguous, or null), into out [N, O, outH, outW]. The default unfolds with {@link #im2col} and multiplies
     * with {@link #matmul}; a backend overrides it to pick its own algorithm per shape.
     */
    default void conv2d(Tensor input, Tensor weight, Tensor bias, Window2d window, int groups, Tensor out) {
        try (var noGrad = GradMode.noGrad()) {
            long n = input.size(0), o = weight.size(0), patch = weight.numel() / o, pixels = window.outH() * window.outW();
            Tensor columns = input.im2col(window).view(n, groups, patch, pixels);
            Tensor y = weight.reshape(1, groups, o / groups, patch).matmul(columns).view(out.shape());
            if (bias != null) y = y.add(bias.view(1, o, 1, 1));
            copy(y, out);
        }
    }

    /** The gradient of {@link #conv2d} with respect to its input: gradIn (contiguous NCHW) is written, not read. */
    default void conv2dBackwardInput(Tensor gradOut, Tensor weight, Window2d window, int groups, Tensor gradIn) {
        try (var noGrad = GradMode.noGrad()) {
            long n = gradIn.size(0), o = weight.size(0), patch = weight.numel() / o, pixels = window.outH() * window.outW();
            Tensor weightT = weight.reshape(1, groups, o / groups, patch).transpose(2, 3);
            Tensor columns = weightT.matmul(gradOut.reshape(n, groups, o / groups, pixels)).reshape(n, groups * patch, pixels).contiguous();
            fill(gradIn, 0);
            col2im(columns, window, gradIn);
        }
    }

    /** The gradient of {@link #conv2d} with respect to its weight: gradWeight (contiguous) is written, not read. */
    default void conv2dBackwardWeight(Tensor gradOut, Tensor input, Window2d window, int groups, Tensor gradWeight) {
        try (var noGrad = GradMode.noGrad()) {
            long n = input.size(0), o = gradWeight.size(0), patch = gradWeight.numel() / o, pixels = window.outH() * window.outW();
            Tensor columns = input.im2col(window).view(n, groups, patch, pixels);
            Tensor perSample = gradOut.reshape(n, groups, o / groups, pixels).matmul(columns.transpose(2, 3));
            copy(perSample.sum(new int[] {0}, false).reshape(gradWeight.shape()), gradWeight);
        }
    }

    /**
     * One LSTM step from the two halves of the pre-activation gates, inputGates ({@code x W_ih^T + b_ih + b_hh})
     * and hiddenGates ({@code h W_hh^T}), both [B, 4H] in gate order i, f, g, o, and the cell state c [B, H]:
     * {@code c' = f*c + i*g}, {@code h' = o*tanh(c')}, written to out [2, B, H] (h' then c'). The default is the
     * composed form; a backend overrides it with one pass.
     */
    default void lstmCell(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor out) {
        try (var noGrad = GradMode.noGrad()) {
            java.util.List<Tensor> gates = inputGates.add(hiddenGates).chunk(4, 1);
            Tensor i = gates.get(0).sigmoid(), f = gates.get(1).sigmoid(), g = gates.get(2).tanh(), o = gates.get(3).sigmoid();
            Tensor cNext = f.mul(c).add(i.mul(g));
            copy(o.mul(cNext.tanh()), out.select(0, 0));
            copy(cNext, out.select(0, 1));
        }
    }

    /**
     * The gradient of {@link #lstmCell}: from gradOut [2, B, H] (for h' and c') to gradGates [B, 4H] (the gradient
     * of both gate inputs, which enter as a sum) and gradC [B, H]; both written, not read.
     */
    default void lstmCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor gradOut, Tensor gradGates, Tensor gradC) {
        try (var noGrad = GradMode.noGrad()) {
            java.util.List<Tensor> gates = inputGates.add(hiddenGates).chunk(4, 1);
            Tensor i = gates.get(0).sigmoid(), f = gates.get(1).sigmoid(), g = gates.get(2).tanh(), o = gates.get(3).sigmoid();
            Tensor tanhC = f.mul(c).add(i.mul(g)).tanh();
            Tensor gradH = gradOut.select(0, 0);
            Tensor gradCNext = gradOut.select(0, 1).add(gradH.mul(o).mul(tanhC.square().rsub(1)));
            Tensor gradI = gradCNext.mul(g).mul(i.mul(i.rsub(1)));
            Tensor gradF = gradCNext.mul(c).mul(f.mul(f.rsub(1)));
            Tensor gradG = gradCNext.mul(i).mul(g.square().rsub(1));
            Tensor gradO = gradH.mul(tanhC).mul(o.mul(o.rsub(1)));
            copy(Tensor.cat(1, gradI, gradF, gradG, gradO), gradGates);
            copy(gradCNext.mul(f), gradC);
        }
    }

    /**
     * A whole LSTM layer in one direction, as cuDNN's RNN call: for each step t (from the last back to the first when
     * {@code reverse}), the pre-activations {@code inputGates[t] + h_prev W_hh^T} ([B, 4H], inputGates [T, B, 4H]
     * holding the input projections of all steps with both biases), then {@link #lstmCell}'s equations, writing step
     * t's h' and c' to {@code out[0, t]} and {@code out[1, t]} (out [2, T, B, H]) and its activated gates
     * (sigmoid i, sigmoid f, tanh g, sigmoid o) to {@code gates[t]} ([T, B, 4H]), which the backward reads, as
     * cuDNN's reserve space; gates is null where no backward will run, and then nothing is kept. h_prev and c_prev
     * are h0 and c0 [B, H] at the first step. The default is the step loop over the primitives; a backend overrides
     * it to keep the loop inside one kernel.
     */
    default void lstmLayer(Tensor inputGates, Tensor weightHh, Tensor h0, Tensor c0, boolean reverse, Tensor out, Tensor gates) {
        try (var noGrad = GradMode.noGrad()) {
            int steps = (int) inputGates.size(0);
            Tensor weightHhT = weightHh.t();
            for (int s = 0; s < steps; s++) {
                int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t - 1;
                Tensor h = s == 0 ? h0 : out.select(0, 0).select(0, prev), c = s == 0 ? c0 : out.select(0, 1).select(0, prev);
                Tensor hiddenGates = h.matmul(weightHhT);
                lstmCell(inputGates.select(0, t), hiddenGates, c, out.select(1, t));
                if (gates == null) continue;
                java.util.List<Tensor> pre = inputGates.select(0, t).add(hiddenGates).chunk(4, 1);
                copy(Tensor.cat(1, pre.get(0).sigmoid(), pre.get(1).sigmoid(), pre.get(2).tanh(), pre.get(3).sigmoid()), gates.select(0, t));
            }
        }
    }

    /**
     * Whether {@link #lstmStack} runs these layers faster than one {@link #lstmLayer} after another, so that a
     * module should call it: false here, where the stack is only the layer loop (and allocates its temporaries).
     */
    default boolean prefersLstmStack(DType dtype, long steps, long batch, long hidden, int layers) { return false; }

    /**
     * A stack of unidirectional LSTM layers at inference (nothing recorded for a backward), as cuDNN's multi-layer RNN
     * call: layer 0 runs {@link #lstmLayer} on inputGates [T, B, 4H] (its {@code x W_ih^T + b_ih + b_hh}); layer l >= 1
     * on {@code h_{l-1} weightsIh[l-1]^T + biases[l-1]} (weightsIh [4H, H], biases [4H] holding b_ih + b_hh), each
     * with {@code weightsHh[l]} [4H, H] and initial states {@code h0[l]}, {@code c0[l]} (h0, c0 [L, B, H]). Writes
     * the last layer's h at every step to out [T, B, H] and every layer's final h and c to hN and cN [L, B, H]. The
     * default runs the layers one after the other through lstmLayer and {@link #addmm}; a backend may overlap them
     * (layer l at step t needs only layer l-1 up to step t), with the same results.
     */
    default void lstmStack(Tensor inputGates, java.util.List<Tensor> weightsHh, java.util.List<Tensor> weightsIh,
                           java.util.List<Tensor> biases, Tensor h0, Tensor c0, Tensor out, Tensor hN, Tensor cN) {
        try (var noGrad = GradMode.noGrad()) {
            int layers = weightsHh.size(), steps = (int) inputGates.size(0);
            long batch = inputGates.size(1), hidden = h0.size(2);
            Tensor gates = inputGates;
            for (int l = 0; l < layers; l++) {
                Tensor states = Tensor.empty(new long[] {2, steps, batch, hidden}, h0.dtype(), h0.device());
                lstmLayer(gates, weightsHh.get(l), h0.select(0, l), c0.select(0, l), false, states, null);
                copy(states.select(0, 0).select(0, steps - 1), hN.select(0, l));
                copy(states.select(0, 1).select(0, steps - 1), cN.select(0, l));
                Tensor h = states.select(0, 0);
                if (l == layers - 1) {
                    copy(h, out);
                    break;
                }
                gates = Tensor.empty(new long[] {steps, batch, 4 * hidden}, h0.dtype(), h0.device());
                addmm(biases.get(l), h.reshape(steps * batch, hidden).unsqueeze(0), weightsIh.get(l).t().unsqueeze(0),
                        gates.reshape(steps * batch, 4 * hidden).unsqueeze(0));
            }
        }
    }

    /**
     * The gradient of {@link #lstmLayer} through the recurrence, from the activated gates and the states it wrote:
     * from gradOut [2, T, B, H] (for every step's h and c) to gradGates [T, B, 4H] (the gradient of each step's gate
     * pre-activations, which is also inputGates' gradient) and the initial states' gradients gradH0, gradC0 [B, H];
     * all three written, not read. The weight's gradient is one product over all steps, {@code gradGates^T h_prev},
     * which the caller forms.
     */
    default void lstmLayerBackward(Tensor gates, Tensor weightHh, Tensor c0, Tensor out, boolean reverse,
                                   Tensor gradOut, Tensor gradGates, Tensor gradH0, Tensor gradC0) {
        try (var noGrad = GradMode.noGrad()) {
            int steps = (int) gates.size(0);
            Tensor gradC = null;
            for (int s = steps - 1; s >= 0; s--) {
                int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t - 1, next = reverse ? t - 1 : t + 1;
                Tensor gradH = gradOut.select(0, 0).select(0, t), gradCNext = gradOut.select(0, 1).select(0, t);
                if (s < steps - 1) {
                    gradH = gradH.add(gradGates.select(0, next).matmul(weightHh));
                    gradCNext = gradCNext.add(gradC);
                }
                Tensor c = s == 0 ? c0 : out.select(0, 1).select(0, prev);
                java.util.List<Tensor> act = gates.select(0, t).chunk(4, 1);
                Tensor i = act.get(0), f = act.get(1), g = act.get(2), o = act.get(3);
                Tensor tanhC = out.select(0, 1).select(0, t).tanh();
                gradCNext = gradCNext.add(gradH.mul(o).mul(tanhC.square().rsub(1)));
                Tensor gradI = gradCNext.mul(g).mul(i.mul(i.rsub(1)));
                Tensor gradF = gradCNext.mul(c).mul(f.mul(f.rsub(1)));
                Tensor gradG = gradCNext.mul(i).mul(g.square().rsub(1));
                Tensor gradO = gradH.mul(tanhC).mul(o.mul(o.rsub(1)));
                copy(Tensor.cat(1, gradI, gradF, gradG, gradO), gradGates.select(0, t));
                gradC = gradCNext.mul(f);
            }
            copy(gradGates.select(0, reverse ? steps - 1 : 0).matmul(weightHh), gradH0);
            copy(gradC, gradC0);
        }
    }

    /**
     * One GRU step from inputGates ({@code x W_ih^T + b_ih}) and hiddenGates ({@code h W_hh^T + b_hh}), both [B, 3H]
     * in gate order r, z, n, and h [B, H]: {@code r = s(gi_r + gh_r)}, {@code z = s(gi_z + gh_z)},
     * {@code n = tanh(gi_n + r*gh_n)}, {@code h' = (1-z)*n + z*h}, written to out [B, H].
     */
    default void gruCell(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor out) {
        try (var noGrad = GradMode.noGrad()) {
            java.util.List<Tensor> gi = inputGates.chunk(3, 1), gh = hiddenGates.chunk(3, 1);
            Tensor r = gi.get(0).add(gh.get(0)).sigmoid(), z = gi.get(1).add(gh.get(1)).sigmoid();
            Tensor n = gi.get(2).add(r.mul(gh.get(2))).tanh();
            copy(n.add(z.mul(h.sub(n))), out);
        }
    }

    /**
     * The gradient of {@link #gruCell}: from gradOut [B, H] to gradInputGates and gradHiddenGates [B, 3H] (equal but
     * in the n block, where the hidden side is scaled by r) and gradH [B, H]; all written, not read.
     */
    default void gruCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor gradOut,
                                 Tensor gradInputGates, Tensor gradHiddenGates, Tensor gradH) {
        try (var noGrad = GradMode.noGrad()) {
            java.util.List<Tensor> gi = inputGates.chunk(3, 1), gh = hiddenGates.chunk(3, 1);
            Tensor r = gi.get(0).add(gh.get(0)).sigmoid(), z = gi.get(1).add(gh.get(1)).sigmoid();
            Tensor n = gi.get(2).add(r.mul(gh.get(2))).tanh();
            Tensor gradN = gradOut.mul(z.rsub(1)).mul(n.square().rsub(1));
            Tensor gradZ = gradOut.mul(h.sub(n)).mul(z.mul(z.rsub(1)));
            Tensor gradR = gradN.mul(gh.get(2)).mul(r.mul(r.rsub(1)));
            copy(Tensor.cat(1, gradR, gradZ, gradN), gradInputGates);
            copy(Tensor.cat(1, gradR, gradZ, gradN.mul(r)), gradHiddenGates);
            copy(gradOut.mul(z), gradH);
        }
    }

    /**
     * Max pooling of contiguous NCHW input; indices are flat positions within each input plane (h*W+w). indices is
     * null when no backward will read them (inference), and then only the values are written.
     */
    void maxPool2d(Tensor input, Window2d window, Tensor out, Tensor indices);

    /** gradIn (zeroed, NCHW) at indices += gradOut. */
    void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn);

    void avgPool2d(Tensor input, Window2d window, Tensor out);

    /** gradIn (zeroed, NCHW) += the share of gradOut each input position had in each window. */
    void avgPool2dBackward(Tensor gradOut, Window2d window, Tensor gradIn);

    /** Waits until all work queued on this device is done. */
    default void synchronize() {}
}
