package dev.jtorch.data.transforms;

import dev.jtorch.tensor.Tensor;

import java.util.List;

/** Transforms applied in order, as {@code transforms.Compose}. */
public record Compose(List<Transform> transforms) implements Transform {
    public Compose { transforms = List.copyOf(transforms); }

    public static Compose of(Transform... transforms) { return new Compose(List.of(transforms)); }

    @Override public Tensor apply(Tensor input) {
        Tensor x = input;
        for (Transform t : transforms) x = t.apply(x);
        return x;
    }
}
