package dev.jtorch.nn;

import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}: gradients are scaled in place. */
public final class ClipGrad {
    private ClipGrad() {}

    /** Clips by the 2-norm; see {@link #clipGradNorm_(Iterable, double, double, boolean)}. */
    public static Tensor clipGradNorm_(Iterable<Tensor> params, double maxNorm) { return clipGradNorm_(params, maxNorm, 2.0, false); }

    public static Tensor clipGradNorm_(Iterable<Tensor> params, double maxNorm, double normType) { return clipGradNorm_(params, maxNorm, normType, false); }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (totalNorm + 1e-6))}, where {@code totalNorm} is the
     * {@code normType}-norm (positive or infinite) of all gradients together, and returns {@code totalNorm}
     * (a 0-dim tensor; 0 when no parameter has a gradient). With {@code errorIfNonfinite}, a NaN or infinite
     * total norm is an error instead (which reads the norm back, a synchronisation on a GPU).
     */
    public static Tensor clipGradNorm_(Iterable<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(normType > 0)) throw new IllegalArgumentException("clip_grad_norm_: norm_type must be positive or inf, got " + normType);
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : params) if (p.grad() != null) grads.add(p.grad());
        if (grads.isEmpty()) return Tensor.scalar(0.0);
        try (var scope = MemoryScope.open(); var _ = GradMode.noGrad()) {
            List<Tensor> norms = new ArrayList<>();
            for (Tensor grad : grads) norms.add(grad.norm(normType));
            Tensor total = Tensor.stack(norms, 0).norm(normType);
            if (errorIfNonfinite && !Double.isFinite(total.item())) {
                throw new IllegalStateException("The total norm of order " + normType + " for gradients from `parameters` is non-finite, so it cannot be clipped. "
                        + "To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`");
            }
            Tensor coef = Tensor.full(new long[0], maxNorm, total.dtype(), total.device()).div(total.add(1e-6)).clampMax(1.0);
            for (Tensor grad : grads) grad.mul_(coef);
            return scope.keep(total);
        }
    }

    /** Clamps every gradient into {@code [-clipValue, clipValue]}, in place, as {@code clip_grad_value_}. */
    public static void clipGradValue_(Iterable<Tensor> params, double clipValue) {
        try (var _ = MemoryScope.open(); var _ = GradMode.noGrad()) {
            for (Tensor p : params) if (p.grad() != null) p.grad().clamp_(-clipValue, clipValue);
        }
    }
}
