package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * The base of the loss modules, as PyTorch's {@code _Loss}: a reduction, and a forward of an input and a
 * target. Class weights are registered buffers (key {@code weight}), so they move with {@link #to} and
 * appear in the state dict as PyTorch's do.
 */
public abstract class Loss extends Module {
    private final Reduction reduction;

    protected Loss(Reduction reduction) {
        this.reduction = Losses.elementwise(reduction);
    }

    /** For losses that also accept {@link Reduction#BATCHMEAN}. */
    Loss(Reduction reduction, boolean batchmeanAllowed) {
        if (reduction == null) throw new IllegalArgumentException("reduction must not be null");
        this.reduction = batchmeanAllowed ? reduction : Losses.elementwise(reduction);
    }

    public final Reduction reduction() { return reduction; }

    /** The loss of {@code input} against {@code target}. */
    public abstract Tensor forward(Tensor input, Tensor target);
}
