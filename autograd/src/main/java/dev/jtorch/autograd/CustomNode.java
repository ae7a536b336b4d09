package dev.jtorch.autograd;

import dev.jtorch.tensor.Tensor;

import java.util.Arrays;

/** A node for a user's {@link Function}; checks the gradients it returns against the inputs. */
final class CustomNode extends Node {
    private final Function function;
    private final FunctionContext ctx;
    private final long[][] inputShapes;

    CustomNode(Function function, FunctionContext ctx, Node[] next, Tensor[] inputs) {
        super(next);
        this.function = function;
        this.ctx = ctx;
        this.inputShapes = new long[inputs.length][];
        for (int i = 0; i < inputs.length; i++) inputShapes[i] = inputs[i].shape();
    }

    @Override public String name() { return function.name(); }

    @Override Tensor[] apply(Tensor g) {
        Tensor[] out = function.runBackward(ctx, g);
        if (out == null || out.length != inputShapes.length) {
            throw new IllegalStateException("function " + function.name() + " returned an incorrect number of gradients (expected " + inputShapes.length + ", got " + (out == null ? 0 : out.length) + ")");
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] != null && !Arrays.equals(out[i].shape(), inputShapes[i])) {
                throw new IllegalStateException("Function " + function.name() + " returned an invalid gradient at index " + i + " - got " + Arrays.toString(out[i].shape())
                        + " but expected shape compatible with " + Arrays.toString(inputShapes[i]));
            }
        }
        return out;
    }

    @Override void release() { ctx.release(); }
}
