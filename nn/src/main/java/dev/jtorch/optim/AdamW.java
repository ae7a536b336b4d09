package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay, as {@code torch.optim.AdamW}: each step first shrinks the parameters by
 * {@code 1 - lr * weight_decay} (default 1e-2), and the decay never enters the moment estimates.
 */
public final class AdamW extends Adam {
    /** Adam's defaults with {@code weight_decay=1e-2}. */
    public static Options options() { return Adam.options().weightDecay(1e-2); }

    public AdamW(Iterable<Tensor> params) { this(oneGroup(params), options()); }
    public AdamW(Iterable<Tensor> params, double lr) { this(oneGroup(params), options().lr(lr)); }
    public AdamW(Iterable<Tensor> params, Options options) { this(oneGroup(params), options); }
    public AdamW(List<ParamGroup> groups, Options defaults) { super(groups, defaults, true); }
}
