package dev.jtorch.autograd;

import dev.jtorch.tensor.Op;
import dev.jtorch.tensor.Tensor;

/** A node for one of the built-in {@link Op}s; its rule comes from {@link Derivatives}. */
final class OpNode extends Node {
    private final Op op;
    private final Derivatives.Rule rule;
    private final Saved saved;

    OpNode(Op op, Derivatives.Rule rule, Saved saved, Node[] next) {
        super(next);
        this.op = op;
        this.rule = rule;
        this.saved = saved;
    }

    @Override public String name() { return Derivatives.nodeName(op, saved); }

    /** The primitive this node records (for graph inspection in tests and debugging). */
    Op op() { return op; }

    @Override Tensor[] apply(Tensor gradOutput) { return rule.backward().apply(saved, gradOutput); }

    /** Whether this op's input gradient can be added into a buffer the engine owns (see {@link Derivatives.AddInto}). */
    boolean addsInto() { return rule.addInto() != null; }

    void addInto(Tensor gradOutput, Tensor buffer) { rule.addInto().apply(saved, gradOutput, buffer); }

    long[] inputShape(int i) { return saved.shape(i); }

    @Override void release() { saved.free(); }
}
