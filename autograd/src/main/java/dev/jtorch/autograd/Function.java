package dev.jtorch.autograd;

import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Tensor;

/**
 * A user-written differentiable operation, as {@code torch.autograd.Function}: forward computes without
 * recording; backward maps the output's gradient to one gradient per input (null for none).
 *
 * <pre>{@code
 * class Cube extends Function {
 *     protected Tensor forward(FunctionContext ctx, Tensor... in) { ctx.saveForBackward(in[0]); return in[0].pow(3); }
 *     protected Tensor[] backward(FunctionContext ctx, Tensor g) { Tensor x = ctx.savedTensors()[0]; return new Tensor[] {g.mul(x.square()).mul(3)}; }
 * }
 * Tensor y = new Cube().apply(x);
 * }</pre>
 */
public abstract class Function {
    protected abstract Tensor forward(FunctionContext ctx, Tensor... inputs);

    protected abstract Tensor[] backward(FunctionContext ctx, Tensor gradOutput);

    /** The node name printed as {@code grad_fn}; PyTorch prints the class name followed by Backward. */
    protected String name() { return getClass().getSimpleName() + "Backward"; }

    public final Tensor apply(Tensor... inputs) {
        FunctionContext ctx = new FunctionContext();
        boolean[] needs = new boolean[inputs.length];
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = inputs[i].requiresGrad();
            any |= needs[i];
        }
        ctx.setNeedsInputGrad(needs);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = forward(ctx, inputs);
        }
        if (any && GradMode.isEnabled()) {
            Node[] next = new Node[inputs.length];
            for (int i = 0; i < inputs.length; i++) next[i] = Node.edgeFor(inputs[i]);
            Tensor result = out.detach();
            Engine.attach(result, new CustomNode(this, ctx, next, inputs));
            return result;
        }
        return out;
    }

    Tensor[] runBackward(FunctionContext ctx, Tensor g) { return backward(ctx, g); }
}
