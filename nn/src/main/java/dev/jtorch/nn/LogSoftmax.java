package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/** Log of softmax along {@code dim}, computed stably, as {@code nn.LogSoftmax}. */
public class LogSoftmax extends Module {
    private final int dim;

    public LogSoftmax(int dim) { this.dim = dim; }

    @Override public Tensor forward(Tensor input) { return F.logSoftmax(input, dim); }

    @Override public String extraRepr() { return "dim=" + dim; }
}
