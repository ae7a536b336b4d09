package dev.jtorch.autograd;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Op;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.Window2d;

/**
 * Every derivative, in one place: PyTorch's {@code derivatives.yaml} as one exhaustive switch. Each rule
 * says what it saves (inputs, output) and maps the output's gradient {@code g} to one gradient per input
 * (null where an input needs none). Rules are written in tensor operations, so they run on every device.
 */
final class Derivatives {
    private Derivatives() {}

    /** What a rule keeps from the forward pass. */
    enum Saves { NOTHING, INPUTS, OUTPUT, BOTH;
        boolean inputs() { return this == INPUTS || this == BOTH; }
        boolean output() { return this == OUTPUT || this == BOTH; }
    }

    @FunctionalInterface
    interface Backward { Tensor[] apply(Saved c, Tensor g); }

    /** Adds the gradient {@code g} of a one-input op into {@code buffer}, a contiguous tensor of the input's shape. */
    @FunctionalInterface
    interface AddInto { void apply(Saved c, Tensor g, Tensor buffer); }

    /** {@code addInto} is non-null for ops whose input gradient is zero outside the positions the output came from. */
    record Rule(Saves saves, Backward backward, AddInto addInto) {}

    private static Rule rule(Saves saves, Backward b) { return new Rule(saves, b, null); }

    /**
     * A rule whose input gradient is {@code g} added into zeros of the input's shape. The engine hands it its own
     * accumulation buffer instead, so the many slices taken of one tensor (an RNN's per-step gates) add into one
     * buffer rather than each building, and then summing, a zero tensor of the whole.
     */
    private static Rule addInto(Saves saves, AddInto into) {
        return new Rule(saves, (c, g) -> {
            Tensor full = Tensor.zeros(c.shape(0), g.dtype(), g.device());
            into.apply(c, g, full);
            return grads(full);
        }, into);
    }

    static Rule of(Op op) {
        return switch (op) {
            case ADD -> rule(Saves.NOTHING, (c, g) -> grads(g.sumToSize(c.shape(0)), g.sumToSize(c.shape(1))));
            case SUB -> rule(Saves.NOTHING, (c, g) -> grads(g.sumToSize(c.shape(0)), g.neg().sumToSize(c.shape(1))));
            case MUL -> rule(Saves.INPUTS, (c, g) -> grads(
                    c.needsGrad(0) ? g.mul(c.in(1)).sumToSize(c.shape(0)) : null,
                    c.needsGrad(1) ? g.mul(c.in(0)).sumToSize(c.shape(1)) : null));
            case DIV -> rule(Saves.INPUTS, (c, g) -> grads(
                    c.needsGrad(0) ? g.div(c.in(1)).sumToSize(c.shape(0)) : null,
                    c.needsGrad(1) ? g.neg().mul(c.in(0)).div(c.in(1).square()).sumToSize(c.shape(1)) : null));
            case POW -> rule(Saves.BOTH, (c, g) -> grads(
                    c.needsGrad(0) ? g.mul(c.in(1)).mul(c.in(0).pow(c.in(1).sub(1))).sumToSize(c.shape(0)) : null,
                    c.needsGrad(1) ? g.mul(c.out()).mul(c.in(0).log()).sumToSize(c.shape(1)) : null));
            case MAXIMUM -> rule(Saves.INPUTS, (c, g) -> toWinner(c, g, true));
            case MINIMUM -> rule(Saves.INPUTS, (c, g) -> toWinner(c, g, false));
            case WHERE -> rule(Saves.NOTHING, (c, g) -> {
                Tensor cond = c.attr(0);
                Tensor zero = g.zerosLike();
                return grads(Tensor.where(cond, g, zero).sumToSize(c.shape(0)), Tensor.where(cond, zero, g).sumToSize(c.shape(1)));
            });
            case NEG -> rule(Saves.NOTHING, (c, g) -> grads(g.neg()));
            case ABS -> rule(Saves.INPUTS, (c, g) -> grads(g.mul(c.in(0).sign())));
            case EXP -> rule(Saves.OUTPUT, (c, g) -> grads(g.mul(c.out())));
            case LOG -> rule(Saves.INPUTS, (c, g) -> grads(g.div(c.in(0))));
            case SQRT -> rule(Saves.OUTPUT, (c, g) -> grads(g.div(c.out().mul(2))));
            case SIN -> rule(Saves.INPUTS, (c, g) -> grads(g.mul(c.in(0).cos())));
            case COS -> rule(Saves.INPUTS, (c, g) -> grads(g.mul(c.in(0).sin()).neg()));
            case TANH -> rule(Saves.OUTPUT, (c, g) -> grads(g.mul(c.out().square().rsub(1))));
            case SIGMOID -> rule(Saves.OUTPUT, (c, g) -> grads(g.mul(c.out()).mul(c.out().rsub(1))));
            case RELU -> rule(Saves.OUTPUT, (c, g) -> {
                Tensor gradIn = Tensor.empty(g.shape(), g.dtype(), g.device());
                g.backend().reluBackward(g, c.out(), gradIn);
                return grads(gradIn);
            });
            case ERF -> rule(Saves.INPUTS, (c, g) -> grads(g.mul(c.in(0).square().neg().exp().mul(2 / Math.sqrt(Math.PI)))));
            case TO_DTYPE -> rule(Saves.NOTHING, (c, g) -> grads(g.to((DType) c.attr(0))));
            case CLONE -> rule(Saves.NOTHING, (c, g) -> grads(g));
            case SUM -> rule(Saves.NOTHING, (c, g) -> grads(unreduce(g, c.shape(0), c.attr(0), c.attr(1))));
            case PROD -> rule(Saves.BOTH, (c, g) -> {
                long[] s = c.shape(0);
                return grads(unreduce(g, s, c.attr(0), c.attr(1)).mul(unreduce(c.out(), s, c.attr(0), c.attr(1))).div(c.in(0)));
            });
            case MAX_DIM, MIN_DIM -> rule(Saves.NOTHING, (c, g) -> {
                int dim = c.attr(0);
                boolean keepdim = c.attr(1);
                Tensor idx = c.attr(2);
                long[] s = c.shape(0);
                if (s.length == 0) return grads(g);
                Tensor gk = keepdim ? g : g.unsqueeze(dim), ik = keepdim ? idx : idx.unsqueeze(dim);
                return grads(Tensor.zeros(s, g.dtype(), g.device()).scatter(dim, ik, gk));
            });
            case MAX_ALL, MIN_ALL -> rule(Saves.BOTH, (c, g) -> {
                Tensor hits = c.in(0).eq(c.out()).to(g.dtype());
                return grads(hits.mul(g.div(hits.sum())));
            });
            case BMM -> rule(Saves.INPUTS, (c, g) -> grads(
                    c.needsGrad(0) ? g.bmm(c.in(1).transpose(1, 2)) : null,
                    c.needsGrad(1) ? c.in(0).transpose(1, 2).bmm(g) : null));
            case ADDMM -> rule(Saves.INPUTS, (c, g) -> grads(
                    c.needsGrad(0) ? g.sum(0) : null,
                    c.needsGrad(1) ? g.matmul(c.in(2).t()) : null,
                    c.needsGrad(2) ? c.in(1).t().matmul(g) : null));
            case RESHAPE -> rule(Saves.NOTHING, (c, g) -> grads(g.reshape(c.shape(0))));
            case PERMUTE -> rule(Saves.NOTHING, (c, g) -> {
                int[] p = c.attr(0);
                int[] inverse = new int[p.length];
                for (int i = 0; i < p.length; i++) inverse[p[i]] = i;
                return grads(g.permute(inverse));
            });
            case EXPAND -> rule(Saves.NOTHING, (c, g) -> grads(g.sumToSize(c.shape(0))));
            case SLICE -> addInto(Saves.NOTHING, (c, g, full) -> {
                int dim = c.attr(0);
                long start = c.attr(1), step = c.attr(2);
                full.slice(dim, start, start + g.size(dim) * step, step).add_(g);
            });
            case CAT -> rule(Saves.NOTHING, (c, g) -> {
                int dim = c.attr(0);
                Tensor[] out = new Tensor[c.inputCount()];
                long at = 0;
                for (int i = 0; i < out.length; i++) {
                    long n = c.shape(i)[dim];
                    out[i] = c.needsGrad(i) ? g.narrow(dim, at, n) : null;
                    at += n;
                }
                return out;
            });
            case INDEX_SELECT -> addInto(Saves.NOTHING, (c, g, full) -> full.backend().indexAdd(full, c.attr(0), c.attr(1), g.contiguous()));
            case GATHER -> addInto(Saves.NOTHING, (c, g, full) -> full.backend().scatter(full, c.attr(0), c.attr(1), g.contiguous(), true));
            case SCATTER -> rule(Saves.NOTHING, (c, g) -> {
                int dim = c.attr(0);
                Tensor idx = c.attr(1);
                return grads(c.needsGrad(0) ? g.scatter(dim, idx, 0.0) : null, c.needsGrad(1) ? g.gather(dim, idx) : null);
            });
            case SOFTMAX -> rule(Saves.OUTPUT, (c, g) -> {
                int dim = c.attr(0);
                Tensor y = c.out();
                return grads(y.mul(g.sub(g.mul(y).sum(dim, true))));
            });
            case LOG_SOFTMAX -> rule(Saves.OUTPUT, (c, g) -> {
                int dim = c.attr(0);
                return grads(g.sub(c.out().exp().mul(g.sum(dim, true))));
            });
            case IM2COL -> rule(Saves.NOTHING, (c, g) -> {
                Tensor full = Tensor.zeros(c.shape(0), g.dtype(), g.device());
                full.backend().col2im(g.contiguous(), (Window2d) c.attr(0), full);
                return grads(full);
            });
            case CONV2D -> rule(Saves.INPUTS, (c, g) -> {
                Window2d w = c.attr(0);
                int groups = c.attr(1);
                Tensor go = g.contiguous();
                Tensor gradIn = null, gradWeight = null, gradBias = null;
                if (c.needsGrad(0)) {
                    gradIn = Tensor.empty(c.shape(0), g.dtype(), g.device());
                    go.backend().conv2dBackwardInput(go, c.in(1), w, groups, gradIn);
                }
                if (c.needsGrad(1)) {
                    gradWeight = Tensor.empty(c.shape(1), g.dtype(), g.device());
                    go.backend().conv2dBackwardWeight(go, c.in(0), w, groups, gradWeight);
                }
                if (c.inputCount() == 3 && c.needsGrad(2)) gradBias = go.sum(new int[] {0, 2, 3}, false);
                return c.inputCount() == 3 ? grads(gradIn, gradWeight, gradBias) : grads(gradIn, gradWeight);
            });
            case MAX_POOL2D -> rule(Saves.NOTHING, (c, g) -> {
                Tensor full = Tensor.zeros(c.shape(0), g.dtype(), g.device());
                full.backend().maxPool2dBackward(g.contiguous(), c.attr(1), full);
                return grads(full);
            });
            case AVG_POOL2D -> rule(Saves.NOTHING, (c, g) -> {
                Tensor full = Tensor.zeros(c.shape(0), g.dtype(), g.device());
                full.backend().avgPool2dBackward(g.contiguous(), (Window2d) c.attr(0), full);
                return grads(full);
            });
            // the fused cells save their pre-activation inputs and recompute the gates in the backward pass: the
            // forward then writes nothing but h' and c' (inference and training run the same kernel), and the
            // recomputation is a few transcendental functions per element in a pass that reads the gates anyway
            case LSTM_CELL -> rule(Saves.INPUTS, (c, g) -> {
                Tensor gradGates = Tensor.empty(c.shape(0), g.dtype(), g.device());
                Tensor gradC = Tensor.empty(c.shape(2), g.dtype(), g.device());
                g.backend().lstmCellBackward(c.in(0), c.in(1), c.in(2), g.contiguous(), gradGates, gradC);
                // the gates enter as inputGates + hiddenGates: both get the same gradient
                return grads(c.needsGrad(0) ? gradGates : null, c.needsGrad(1) ? gradGates : null, c.needsGrad(2) ? gradC : null);
            });
            // the recurrence runs backwards in one backend call; W_hh's gradient is then one product over all steps,
            // gradGates^T h_prev, with h_prev every step's incoming state: h0, then the outputs shifted by one step
            case LSTM_LAYER -> rule(Saves.BOTH, (c, g) -> {
                boolean reverse = c.attr(0);
                Tensor activated = c.attr(1), weightHh = c.in(1), h0 = c.in(2), out = c.out();
                Tensor gradGates = Tensor.empty(c.shape(0), g.dtype(), g.device());
                Tensor gradH0 = Tensor.empty(c.shape(2), g.dtype(), g.device()), gradC0 = Tensor.empty(c.shape(3), g.dtype(), g.device());
                g.backend().lstmLayerBackward(activated, weightHh, c.in(3), out, reverse, g.contiguous(), gradGates, gradH0, gradC0);
                Tensor gradWeightHh = null;
                if (c.needsGrad(1)) {
                    long steps = activated.size(0), rows = steps * activated.size(1), hidden = h0.size(1);
                    Tensor shifted = out.select(0, 0).narrow(0, reverse ? 1 : 0, steps - 1), first = h0.unsqueeze(0);
                    Tensor hPrev = reverse ? Tensor.cat(0, shifted, first) : Tensor.cat(0, first, shifted);
                    // as (h_prev^T gradGates)^T: the product packs the narrow h_prev as its transposed operand, and
                    // only the [H, 4H] result is transposed, not the [T*B, 4H] gate gradients
                    gradWeightHh = hPrev.reshape(rows, hidden).t().matmul(gradGates.reshape(rows, 4 * hidden)).t().contiguous();
                }
                return grads(c.needsGrad(0) ? gradGates : null, gradWeightHh, c.needsGrad(2) ? gradH0 : null, c.needsGrad(3) ? gradC0 : null);
            });
            case GRU_CELL -> rule(Saves.INPUTS, (c, g) -> {
                Tensor gradInputGates = Tensor.empty(c.shape(0), g.dtype(), g.device());
                Tensor gradHiddenGates = Tensor.empty(c.shape(1), g.dtype(), g.device());
                Tensor gradH = Tensor.empty(c.shape(2), g.dtype(), g.device());
                g.backend().gruCellBackward(c.in(0), c.in(1), c.in(2), g.contiguous(), gradInputGates, gradHiddenGates, gradH);
                return grads(c.needsGrad(0) ? gradInputGates : null, c.needsGrad(1) ? gradHiddenGates : null, c.needsGrad(2) ? gradH : null);
            });
        };
    }

    /** PyTorch's name for the node of {@code op}, as {@code grad_fn} prints it. */
    static String nodeName(Op op, Saved c) {
        return switch (op) {
            case ADD -> "AddBackward0";
            case SUB -> "SubBackward0";
            case MUL -> "MulBackward0";
            case DIV -> "DivBackward0";
            case POW -> c.shape(1).length == 0 ? "PowBackward0" : "PowBackward1";
            case MAXIMUM -> "MaximumBackward0";
            case MINIMUM -> "MinimumBackward0";
            case WHERE -> "WhereBackward0";
            case NEG -> "NegBackward0";
            case ABS -> "AbsBackward0";
            case EXP -> "ExpBackward0";
            case LOG -> "LogBackward0";
            case SQRT -> "SqrtBackward0";
            case SIN -> "SinBackward0";
            case COS -> "CosBackward0";
            case TANH -> "TanhBackward0";
            case SIGMOID -> "SigmoidBackward0";
            case RELU -> "ReluBackward0";
            case ERF -> "ErfBackward0";
            case TO_DTYPE -> "ToCopyBackward0";
            case CLONE -> "CloneBackward0";
            case SUM -> ((int[]) c.attr(0)).length == c.shape(0).length && !(boolean) c.attr(1) ? "SumBackward0" : "SumBackward1";
            case PROD -> ((int[]) c.attr(0)).length == c.shape(0).length && !(boolean) c.attr(1) ? "ProdBackward0" : "ProdBackward1";
            case MAX_DIM -> "MaxBackward0";
            case MIN_DIM -> "MinBackward0";
            case MAX_ALL -> "MaxBackward1";
            case MIN_ALL -> "MinBackward1";
            case BMM -> "BmmBackward0";
            case ADDMM -> "AddmmBackward0";
            case RESHAPE -> "ViewBackward0";
            case PERMUTE -> "PermuteBackward0";
            case EXPAND -> "ExpandBackward0";
            case SLICE -> "SliceBackward0";
            case CAT -> "CatBackward0";
            case INDEX_SELECT -> "IndexSelectBackward0";
            case GATHER -> "GatherBackward0";
            case SCATTER -> "ScatterBackward0";
            case SOFTMAX -> "SoftmaxBackward0";
            case LOG_SOFTMAX -> "LogSoftmaxBackward0";
            case IM2COL -> "Im2ColBackward0";
            case CONV2D -> "ConvolutionBackward0";
            case MAX_POOL2D -> "MaxPool2DWithIndicesBackward0";
            case AVG_POOL2D -> "AvgPool2DBackward0";
            case LSTM_CELL -> "ThnnFusedLstmCellBackward0";
            case LSTM_LAYER -> "MkldnnRnnLayerBackward0";
            case GRU_CELL -> "ThnnFusedGruCellBackward0";
        };
    }

    private static Tensor[] grads(Tensor... g) { return g; }

    /** Gradient of a reduction: put the reduced dims back, then broadcast over them. */
    private static Tensor unreduce(Tensor g, long[] inputShape, int[] dims, boolean keepdim) {
        Tensor k = g;
        if (!keepdim) for (int d : dims) k = k.unsqueeze(d); // dims ascending: each lands at its original place
        return k.expand(inputShape);
    }

    /** d max(a, b) and d min(a, b): the gradient goes to the operand picked, split evenly on ties, as PyTorch's. */
    private static Tensor[] toWinner(Saved c, Tensor g, boolean max) {
        Tensor a = c.in(0), b = c.in(1);
        Tensor aWins = (max ? a.gt(b) : a.lt(b)).to(g.dtype());
        Tensor tie = a.eq(b).to(g.dtype()).mul(0.5);
        Tensor wa = aWins.add(tie);
        return grads(c.needsGrad(0) ? g.mul(wa).sumToSize(c.shape(0)) : null,
                c.needsGrad(1) ? g.mul(wa.rsub(1)).sumToSize(c.shape(1)) : null);
    }
}
