package dev.jtorch.data.transforms;

import dev.jtorch.tensor.Tensor;

import java.util.function.UnaryOperator;

/** A user function as a transform, as {@code transforms.Lambda}. */
public record Lambda(UnaryOperator<Tensor> function) implements Transform {
    @Override public Tensor apply(Tensor input) { return function.apply(input); }
}
