package dev.jtorch.tensor;

/** The node of the autograd graph that made a tensor, as PyTorch's {@code grad_fn}. */
public interface GradFn {
    /** PyTorch's node name, e.g. {@code AddBackward0}. */
    String name();
}
