package dev.jtorch.nn;

import dev.jtorch.autograd.Function;
import dev.jtorch.autograd.FunctionContext;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Shapes;
import dev.jtorch.tensor.Tensor;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loss functions of {@code torch.nn.functional}, with PyTorch's semantics and defaults. Each is composed
 * of differentiable {@link Tensor} operations, so gradients (with respect to the input, and to class
 * weights where they enter) come from autograd; only binary cross entropy has its own backward, to keep
 * PyTorch's finite gradient where the input saturates at 0 or 1.
 */
public final class Losses {
    /** PyTorch's default {@code ignore_index}: a target value that contributes nothing. */
    public static final long DEFAULT_IGNORE_INDEX = -100;

    private static final System.Logger LOG = System.getLogger(Losses.class.getName());
    /** Warnings already given, once per kind, as Python's default warning filter does per call site. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private Losses() {}

    // =====================================================================================================
    // Regression
    // =====================================================================================================

    public static Tensor mseLoss(Tensor input, Tensor target) { return mseLoss(input, target, Reduction.MEAN); }

    /** Mean squared error, {@code (x - y)^2}; a target of another shape is broadcast with a warning, as PyTorch. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        Tensor diff = input.sub(regressionTarget("mse_loss", input, target));
        return reduce(diff.mul(diff), elementwise(reduction));
    }

    public static Tensor l1Loss(Tensor input, Tensor target) { return l1Loss(input, target, Reduction.MEAN); }

    /** Mean absolute error, {@code |x - y|}. */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        return reduce(input.sub(regressionTarget("l1_loss", input, target)).abs(), elementwise(reduction));
    }

    public static Tensor smoothL1Loss(Tensor input, Tensor target) { return smoothL1Loss(input, target, Reduction.MEAN, 1.0); }

    /** {@code 0.5 z^2 / beta} where {@code z = |x - y| < beta}, else {@code z - 0.5 beta}; beta 0 is the L1 loss. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) {
        if (beta < 0) throw new IllegalArgumentException("smooth_l1_loss does not support negative values for beta.");
        Tensor z = input.sub(regressionTarget("smooth_l1_loss", input, target)).abs();
        if (beta == 0) return reduce(z, elementwise(reduction));
        Tensor loss = Tensor.where(z.lt(beta), z.mul(z).mul(0.5 / beta), z.sub(0.5 * beta));
        return reduce(loss, elementwise(reduction));
    }

    public static Tensor huberLoss(Tensor input, Tensor target) { return huberLoss(input, target, Reduction.MEAN, 1.0); }

    /** {@code 0.5 z^2} where {@code z = |x - y| < delta}, else {@code delta (z - 0.5 delta)}. */
    public static Tensor huberLoss(Tensor input, Tensor target, Reduction reduction, double delta) {
        if (!(delta > 0)) throw new IllegalArgumentException("huber_loss does not support non-positive values for delta.");
        Tensor z = input.sub(regressionTarget("huber_loss", input, target)).abs();
        Tensor loss = Tensor.where(z.lt(delta), z.mul(z).mul(0.5), z.sub(0.5 * delta).mul(delta));
        return reduce(loss, elementwise(reduction));
    }

    // =====================================================================================================
    // Classification: class indices or probabilities
    // =====================================================================================================

    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, DEFAULT_IGNORE_INDEX, Reduction.MEAN, 0.0);
    }

    /**
     * Cross entropy of unnormalised scores {@code input} ({@code [C]}, {@code [N, C]} or {@code [N, C, d1, ...]})
     * against class indices (int64, {@code [N]} or {@code [N, d1, ...]}) or class probabilities (a floating
     * target of the input's shape). {@code weight} rescales each class; with class indices a mean divides by
     * the summed weights of the targets that are not {@code ignoreIndex}. {@code labelSmoothing} mixes the
     * target with the uniform distribution, as PyTorch.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction, double labelSmoothing) {
        checkFloatingInput("cross_entropy", input);
        elementwise(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        if (input.dim() == 0) throw new IllegalArgumentException("cross_entropy: expected input of class scores with 1 or more dimensions, got a 0-dim tensor");
        int classDim = classDim(input);
        long classes = input.size(classDim);
        Tensor w = checkedClassWeight("cross_entropy", weight, classes, input.dtype());
        boolean sameShape = Arrays.equals(input.shape(), target.shape());
        if (sameShape || target.dtype().isFloatingPoint()) {
            if (!sameShape) {
                throw new IllegalArgumentException("cross_entropy: expected a class-index target of dtype int64 or a class-probability target of the input's shape "
                        + Shapes.str(input.shape()) + ", got a " + target.dtype().pyName() + " target of shape " + Shapes.str(target.shape()));
            }
            if (!target.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("Expected floating point type for target with class probabilities, got " + target.dtype().scalarTypeName());
            }
            if (ignoreIndex >= 0) throw new IllegalArgumentException("ignore_index is not supported for floating point target");
            return probabilityCrossEntropy(input.logSoftmax(classDim), target.to(input.dtype()), w, reduction, labelSmoothing);
        }
        checkClassTarget(input, target, ignoreIndex);
        Tensor logp = input.logSoftmax(classDim);
        Picked picked = pick(logp, target, w, ignoreIndex);
        Tensor nll = reduceNll(picked, reduction);
        if (labelSmoothing == 0) return nll;
        // PyTorch: the smoothing term is -sum_c w_c log p_c per element, zero where ignored, with the same mean denominator.
        Tensor smooth = (w == null ? logp : logp.mul(w.reshape(classShape(input)))).sum(classDim, false).neg();
        smooth = Tensor.where(picked.kept(), smooth, 0.0);
        Tensor smoothReduced = switch (reduction) {
            case NONE -> smooth;
            case SUM -> smooth.sum();
            default -> smooth.sum().div(picked.denominator().sum());
        };
        return nll.mul(1 - labelSmoothing).add(smoothReduced.mul(labelSmoothing / classes));
    }

    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /** Negative log likelihood of log-probabilities {@code input} at class-index targets; the weight and ignore rules of {@link #crossEntropy}. */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction) {
        checkFloatingInput("nll_loss", input);
        elementwise(reduction);
        if (input.dim() == 0) throw new IllegalArgumentException("Expected 1 or more dimensions (got 0)");
        Tensor w = checkedClassWeight("nll_loss", weight, input.size(classDim(input)), input.dtype());
        checkClassTarget(input, target, ignoreIndex);
        return reduceNll(pick(input, target, w, ignoreIndex), reduction);
    }

    /** Per-element {@code -w[t] * logp[t]} (zero where ignored), the mask of kept targets and their weights (the mean's denominator). */
    private record Picked(Tensor losses, Tensor kept, Tensor denominator) {}

    private static Picked pick(Tensor logp, Tensor target, Tensor weight, long ignoreIndex) {
        int classDim = classDim(logp);
        Tensor kept = target.ne(ignoreIndex);
        // ignored targets may be any value (-100): gather at class 0 there and mask the result out
        Tensor safe = Tensor.where(kept, target, 0.0);
        Tensor logpAtTarget = logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
        Tensor keptAsFloat = kept.to(logp.dtype());
        if (weight == null) return new Picked(Tensor.where(kept, logpAtTarget.neg(), 0.0), kept, keptAsFloat);
        Tensor weightAtTarget = weight.indexSelect(0, safe.reshape(-1)).reshape(target.shape());
        Tensor losses = Tensor.where(kept, logpAtTarget.mul(weightAtTarget).neg(), 0.0);
        return new Picked(losses, kept, weightAtTarget.mul(keptAsFloat));
    }

    private static Tensor reduceNll(Picked p, Reduction reduction) {
        return switch (reduction) {
            case NONE -> p.losses();
            case SUM -> p.losses().sum();
            default -> p.losses().sum().div(p.denominator().sum());
        };
    }

    private static Tensor probabilityCrossEntropy(Tensor logp, Tensor target, Tensor weight, Reduction reduction, double labelSmoothing) {
        int classDim = classDim(logp);
        long classes = logp.size(classDim);
        Tensor t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / classes) : target;
        Tensor terms = logp.mul(t);
        if (weight != null) terms = terms.mul(weight.reshape(classShape(logp)));
        return switch (reduction) {
            case NONE -> terms.sum(classDim, false).neg();
            case SUM -> terms.sum().neg();
            // PyTorch divides by the number of class distributions, numel / C (NaN when empty)
            default -> logp.numel() == 0 ? terms.sum().mul(Double.NaN) : terms.sum().neg().div((double) (logp.numel() / classes));
        };
    }

    // =====================================================================================================
    // Binary
    // =====================================================================================================

    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) { return binaryCrossEntropy(input, target, null, Reduction.MEAN); }

    /**
     * {@code -w (y log x + (1 - y) log(1 - x))} of probabilities {@code input}, each log clamped at -100 so
     * that a saturated input gives a finite loss; {@code weight} is broadcast to the target's shape.
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
        checkFloatingInput("binary_cross_entropy", input);
        elementwise(reduction);
        if (!Arrays.equals(target.shape(), input.shape())) {
            throw new IllegalArgumentException("Using a target size (torch.Size(" + Shapes.str(target.shape()) + ")) that is different to the input size (torch.Size("
                    + Shapes.str(input.shape()) + ")) is deprecated. Please ensure they have the same size.");
        }
        Tensor y = floatingTarget("binary_cross_entropy", input, target);
        // PyTorch checks on CPU; on a GPU the check would cost a synchronisation on every call
        if (input.device().isCpu() && input.numel() > 0 && !input.ge(0).logicalAnd(input.le(1)).all()) {
            throw new IllegalArgumentException("all elements of input should be between 0 and 1");
        }
        Tensor loss = new BinaryCrossEntropy().apply(input, y);
        if (weight != null) loss = loss.mul(weight.to(input.dtype()).expand(target.shape()));
        return reduce(loss, reduction);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, null, Reduction.MEAN, null);
    }

    /**
     * Sigmoid and binary cross entropy in one stable expression, as PyTorch:
     * {@code (1 - y) x - l * logsigmoid(x)} with {@code l = 1 + (posWeight - 1) y} and
     * {@code logsigmoid(x) = min(x, 0) - log(1 + exp(-|x|))}; {@code posWeight} broadcasts over the last dim.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Reduction reduction, Tensor posWeight) {
        checkFloatingInput("binary_cross_entropy_with_logits", input);
        elementwise(reduction);
        if (!Arrays.equals(target.shape(), input.shape())) {
            throw new IllegalArgumentException("Target size (torch.Size(" + Shapes.str(target.shape()) + ")) must be the same as input size (torch.Size(" + Shapes.str(input.shape()) + "))");
        }
        Tensor y = floatingTarget("binary_cross_entropy_with_logits", input, target);
        Tensor logSigmoid = input.clampMax(0).sub(input.abs().neg().exp().log1p());
        if (posWeight != null) logSigmoid = logSigmoid.mul(posWeight.to(input.dtype()).sub(1).mul(y).add(1));
        Tensor loss = y.rsub(1).mul(input).sub(logSigmoid);
        if (weight != null) loss = loss.mul(weight.to(input.dtype()));
        return reduce(loss, reduction);
    }

    /** Elementwise BCE with PyTorch's backward: {@code (x - y) / max(x (1 - x), 1e-12)}, finite at x = 0 and 1. */
    private static final class BinaryCrossEntropy extends Function {
        private static final double EPS = 1e-12;

        @Override protected Tensor forward(FunctionContext ctx, Tensor... in) {
            Tensor x = in[0], y = in[1];
            ctx.saveForBackward(x, y);
            return y.mul(clampedLog(x)).add(y.rsub(1).mul(clampedLog(x.rsub(1)))).neg();
        }

        @Override protected Tensor[] backward(FunctionContext ctx, Tensor g) {
            Tensor[] s = ctx.savedTensors();
            Tensor x = s[0], y = s[1];
            Tensor dx = ctx.needsInputGrad(0) ? g.mul(x.sub(y)).div(x.rsub(1).mul(x).clampMin(EPS)) : null;
            Tensor dy = ctx.needsInputGrad(1) ? g.mul(clampedLog(x.rsub(1)).sub(clampedLog(x))) : null;
            return new Tensor[] {dx, dy};
        }

        private static Tensor clampedLog(Tensor t) { return t.log().clampMin(-100); }

        @Override protected String name() { return "BinaryCrossEntropyBackward0"; }
    }

    // =====================================================================================================
    // Divergence
    // =====================================================================================================

    public static Tensor klDiv(Tensor input, Tensor target) { return klDiv(input, target, Reduction.MEAN, false); }

    /**
     * Kullback-Leibler divergence with {@code input} in log space: {@code y (log y - x)}, or with
     * {@code logTarget} {@code exp(y) (y - x)}. {@link Reduction#MEAN} averages over every element, as
     * PyTorch; {@link Reduction#BATCHMEAN} divides the sum by the batch size, the divergence's definition.
     */
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) {
        checkFloatingInput("kl_div", input);
        Tensor y = floatingTarget("kl_div", input, target);
        if (reduction == Reduction.MEAN) {
            warnOnce("kl_div mean", "reduction: 'mean' divides the total loss by both the batch size and the support size. 'batchmean' divides only by the batch size, "
                    + "and aligns with the KL div math definition. 'mean' will be changed to behave the same as 'batchmean' in the next major release.");
        }
        Tensor pointwise;
        if (logTarget) {
            pointwise = y.exp().mul(y.sub(input));
        } else {
            // xlogy(y, y) is 0 where y is 0; log of 1 there keeps the gradient finite too
            Tensor yLogY = y.mul(Tensor.where(y.eq(0), y.onesLike(), y).log());
            pointwise = yLogY.sub(y.mul(input));
        }
        if (reduction == Reduction.BATCHMEAN) {
            Tensor sum = pointwise.sum();
            return input.dim() == 0 ? sum : sum.div((double) input.size(0));
        }
        return reduce(pointwise, reduction);
    }

    // =====================================================================================================
    // Shared checks and helpers
    // =====================================================================================================

    /** Applies an elementwise loss's reduction. */
    static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (elementwise(reduction)) {
            case NONE -> loss;
            case SUM -> loss.sum();
            default -> loss.mean();
        };
    }

    /** Rejects {@link Reduction#BATCHMEAN}, which only the KL divergence defines. */
    static Reduction elementwise(Reduction reduction) {
        if (reduction == null) throw new IllegalArgumentException("reduction must be one of none, mean, sum; got null");
        if (reduction == Reduction.BATCHMEAN) throw new IllegalArgumentException("batchmean is not a valid value for reduction");
        return reduction;
    }

    private static int classDim(Tensor input) { return input.dim() == 1 ? 0 : 1; }

    /** {@code [1, C, 1, ...]}: class weights broadcast against the class dim. */
    private static long[] classShape(Tensor input) {
        long[] s = new long[input.dim()];
        Arrays.fill(s, 1);
        s[classDim(input)] = input.size(classDim(input));
        return s;
    }

    private static void checkFloatingInput(String op, Tensor input) {
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point input, got " + input.dtype());
        }
    }

    private static Tensor floatingTarget(String op, Tensor input, Tensor target) {
        if (!target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point target, got " + target.dtype() + " (Found dtype " + target.dtype().scalarTypeName()
                    + " but expected " + input.dtype().scalarTypeName() + ")");
        }
        return target.to(input.dtype());
    }

    /** Regression targets take the input's dtype; a different shape is broadcast with PyTorch's warning. */
    private static Tensor regressionTarget(String op, Tensor input, Tensor target) {
        checkFloatingInput(op, input);
        if (!Arrays.equals(input.shape(), target.shape())) {
            Shapes.broadcast(input.shape(), target.shape()); // throws, naming both shapes, when they cannot broadcast
            warnOnce(op + " broadcast", "Using a target size (torch.Size(" + Shapes.str(target.shape()) + ")) that is different to the input size (torch.Size("
                    + Shapes.str(input.shape()) + ")). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.");
        }
        return target.to(input.dtype());
    }

    private static Tensor checkedClassWeight(String op, Tensor weight, long classes, DType dtype) {
        if (weight == null) return null;
        if (weight.dim() != 1 || weight.numel() != classes) {
            throw new IllegalArgumentException(op + ": weight tensor should be defined either for all " + classes + " classes or no classes but got weight tensor of shape: "
                    + Shapes.str(weight.shape()));
        }
        return weight.to(dtype);
    }

    /** Target dtype, shape against the input's, and every kept value within {@code [0, C)}. */
    private static void checkClassTarget(Tensor input, Tensor target, long ignoreIndex) {
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException("expected scalar type Long but found " + target.dtype().scalarTypeName() + " (class-index targets must be int64)");
        }
        long[] in = input.shape(), tg = target.shape();
        if (in.length == 1) {
            if (tg.length != 0) {
                throw new IllegalArgumentException("Expected a 0-dim target for unbatched input of shape " + Shapes.str(in) + ", got target of shape " + Shapes.str(tg));
            }
        } else {
            if (tg.length == 0) {
                throw new IllegalArgumentException("Expected target of shape " + Shapes.str(batchShape(in)) + " for input of shape " + Shapes.str(in) + ", got a 0-dim target");
            }
            if (in[0] != tg[0]) {
                throw new IllegalArgumentException("Expected input batch_size (" + in[0] + ") to match target batch_size (" + tg[0] + ").");
            }
            if (in.length == 2 && tg.length != 1) {
                throw new IllegalArgumentException("0D or 1D target tensor expected, multi-target not supported (input " + Shapes.str(in) + ", target " + Shapes.str(tg) + ")");
            }
            if (!Arrays.equals(batchShape(in), tg)) {
                throw new IllegalArgumentException("Expected target size " + Shapes.str(batchShape(in)) + ", got " + Shapes.str(tg));
            }
        }
        long classes = input.size(classDim(input));
        for (long t : target.toLongArray()) {
            if (t != ignoreIndex && (t < 0 || t >= classes)) throw new IndexOutOfBoundsException("Target " + t + " is out of bounds.");
        }
    }

    /** The input's shape without its class dim: {@code [N, d1, ...]}. */
    private static long[] batchShape(long[] in) {
        long[] s = new long[in.length - 1];
        s[0] = in[0];
        System.arraycopy(in, 2, s, 1, in.length - 2);
        return s;
    }



    private static void warnOnce(String kind, String message) {
        if (WARNED.add(kind)) LOG.log(System.Logger.Level.WARNING, message);
    }
}
