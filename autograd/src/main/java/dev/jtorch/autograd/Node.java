package dev.jtorch.autograd;

import dev.jtorch.tensor.GradFn;
import dev.jtorch.tensor.Tensor;

/**
 * A recorded operation in the graph: how to turn the gradient of its output into gradients of its inputs,
 * and where each input's gradient goes next (the node that made it, a leaf's accumulator, or nowhere).
 */
abstract sealed class Node implements GradFn permits OpNode, CustomNode, AccumulateGrad {
    /** Per input: the node its gradient flows to, or null when the input needs none. */
    final Node[] next;
    /** The tensor this node made, weakly: read only to honour {@code retainGrad()}. */
    java.lang.ref.WeakReference<Tensor> output;

    Node(Node[] next) { this.next = next; }

    /** Gradients for the inputs, null where an input needs none. */
    abstract Tensor[] apply(Tensor gradOutput);

    /** Drops saved tensors after a backward that did not retain the graph. */
    abstract void release();

    /** Where gradient of {@code t} must go: its own node, an accumulator for a leaf, or null. */
    static Node edgeFor(Tensor t) {
        if (!t.requiresGrad()) return null;
        GradFn fn = t.gradFn();
        if (fn != null) return (Node) fn;
        return new AccumulateGrad(t);
    }
}
