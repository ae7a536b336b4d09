package dev.jtorch.autograd;

import dev.jtorch.tensor.AutogradEngine;
import dev.jtorch.tensor.GradFn;
import dev.jtorch.tensor.Op;
import dev.jtorch.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the graph and runs backward: nodes are visited in dependency order (each after every node that
 * feeds it gradient), so a node's gradient is complete, summed over all its uses, when it runs.
 */
public final class Engine implements AutogradEngine {

    @Override public void record(Op op, Tensor output, Tensor[] inputs, Object... attrs) {
        Derivatives.Rule rule = Derivatives.of(op);
        Saved saved = new Saved(inputs, rule.saves().inputs(), output, rule.saves().output(), attrs);
        Node[] next = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) next[i] = Node.edgeFor(inputs[i]);
        attach(output, new OpNode(op, rule, saved, next));
    }

    static void attach(Tensor output, Node node) {
        node.output = new WeakReference<>(output);
        output.setGradFn(node);
    }

    @Override public void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!java.util.Arrays.equals(gradient.shape(), root.shape())) {
            throw new IllegalArgumentException("Mismatch in shape: grad_output[0] has a shape of " + java.util.Arrays.toString(gradient.shape())
                    + " and output[0] has a shape of " + java.util.Arrays.toString(root.shape()) + ".");
        }
        Node start = Node.edgeFor(root);
        Map<Node, Integer> pending = countDependencies(start);
        GradientBuffers grads = new GradientBuffers();
        grads.add(start, gradient.detach());
        ArrayDeque<Node> ready = new ArrayDeque<>();
        ready.push(start);
        List<Node> visited = new ArrayList<>();
        try (var g = dev.jtorch.tensor.GradMode.noGrad()) {
            while (!ready.isEmpty()) {
                Node node = ready.pop();
                visited.add(node);
                Tensor gOut = grads.take(node);
                Tensor[] gIn = null;
                if (gOut != null) {
                    Tensor out = node.output == null ? null : node.output.get();
                    if (out != null && out.retainsGrad()) AccumulateGrad.accumulate(out, gOut);
                    // under the no-grad guard above: rules compute first-order gradients
                    if (node instanceof OpNode op && op.addsInto()) {
                        if (node.next[0] != null) op.addInto(gOut, grads.ownedBuffer(node.next[0], op.inputShape(0), gOut));
                    } else {
                        gIn = node.apply(gOut);
                    }
                }
                for (int i = 0; i < node.next.length; i++) {
                    Node nx = node.next[i];
                    if (nx == null) continue;
                    if (gIn != null && gIn[i] != null) grads.add(nx, gIn[i]);
                    // a node with no gradient still runs, to release the nodes below it
                    if (pending.merge(nx, -1, Integer::sum) == 0) ready.push(nx);
                }
            }
        } finally {
            if (!retainGraph) for (Node n : visited) n.release();
        }
    }

    private static Map<Node, Integer> countDependencies(Node start) {
        Map<Node, Integer> deps = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        stack.push(start);
        seen.add(start);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            for (Node nx : n.next) {
                if (nx == null) continue;
                deps.merge(nx, 1, Integer::sum);
                if (seen.add(nx)) stack.push(nx);
            }
        }
        return deps;
    }

    /** The graph below a tensor, for debugging: node names depth-first. */
    public static List<String> describe(Tensor t) {
        List<String> out = new ArrayList<>();
        GradFn fn = t.gradFn();
        if (fn instanceof Node n) walk(n, 0, out);
        return out;
    }

    private static void walk(Node n, int depth, List<String> out) {
        out.add("  ".repeat(depth) + n.name());
        for (Node nx : n.next) if (nx != null) walk(nx, depth + 1, out);
    }
}
