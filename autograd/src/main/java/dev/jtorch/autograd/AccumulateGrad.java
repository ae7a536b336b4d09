package dev.jtorch.autograd;

import dev.jtorch.tensor.Tensor;

/** The end of a path: adds the incoming gradient into a leaf's {@code .grad}. */
final class AccumulateGrad extends Node {
    final Tensor leaf;

    AccumulateGrad(Tensor leaf) {
        super(new Node[0]);
        this.leaf = leaf;
    }

    @Override public String name() { return "AccumulateGrad"; }

    @Override Tensor[] apply(Tensor grad) {
        accumulate(leaf, grad);
        return new Tensor[0];
    }

    /** First gradient: a private copy, so later in-place updates of one {@code .grad} never touch another. */
    static void accumulate(Tensor t, Tensor grad) {
        if (!java.util.Arrays.equals(grad.shape(), t.shape())) {
            throw new IllegalStateException("gradient of shape " + java.util.Arrays.toString(grad.shape()) + " does not match its tensor's shape " + java.util.Arrays.toString(t.shape()));
        }
        Tensor g = grad.to(t.dtype());
        Tensor existing = t.grad();
        if (existing == null || existing.isClosed()) t.setGrad(g.detach().clone());
        else existing.add_(g);
    }

    @Override void release() {}
}
