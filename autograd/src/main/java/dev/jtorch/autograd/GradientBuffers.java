package dev.jtorch.autograd;

import dev.jtorch.tensor.Tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gradient each pending node has received so far during one backward pass, summed over its uses. A tensor
 * this class made itself (always a fresh, contiguous one) is summed into in place; one it was handed (a rule's result, possibly a view of another
 * gradient or of the caller's seed) is never written, so the first sum copies it into a buffer of its own.
 */
final class GradientBuffers {
    private final Map<Node, Tensor> grads = new IdentityHashMap<>();
    private final Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());

    void add(Node node, Tensor g) {
        Tensor current = grads.get(node);
        if (current == null) {
            grads.put(node, g);
        } else if (owned.contains(current) && current.dtype() == g.dtype()) {
            current.add_(g);
        } else {
            Tensor sum = current.add(g);
            owned.add(sum);
            grads.put(node, sum);
        }
    }

    /** A contiguous buffer of {@code like}'s dtype and device and the given shape holding node's gradient so far, to add into. */
    Tensor ownedBuffer(Node node, long[] shape, Tensor like) {
        Tensor current = grads.get(node);
        if (current != null && owned.contains(current) && current.dtype() == like.dtype()) return current;
        Tensor buffer = Tensor.zeros(shape, like.dtype(), like.device());
        if (current != null) buffer.add_(current);
        owned.add(buffer);
        grads.put(node, buffer);
        return buffer;
    }

    /** The node's summed gradient, or null if none arrived; the node will receive no more. */
    Tensor take(Node node) {
        Tensor g = grads.remove(node);
        if (g != null) owned.remove(g);
        return g;
    }
}
