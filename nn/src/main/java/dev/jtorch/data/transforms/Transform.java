package dev.jtorch.data.transforms;

import dev.jtorch.tensor.Tensor;

/** A function on one sample's tensor, as a {@code torchvision.transforms} transform. */
@FunctionalInterface
public interface Transform {
    Tensor apply(Tensor input);

    /** This transform, then {@code next}. */
    default Transform andThen(Transform next) {
        return x -> next.apply(apply(x));
    }
}
