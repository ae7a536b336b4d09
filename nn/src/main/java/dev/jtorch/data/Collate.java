package dev.jtorch.data;

import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the items of one batch into a {@link Batch}, as {@code collate_fn}. The default stacks inputs and
 * targets along a new dimension 0, as PyTorch's {@code default_collate}.
 */
@FunctionalInterface
public interface Collate<T> {
    Batch collate(List<T> items);

    /**
     * Stacks the items: {@link Sample}s and {@link Batch}es by input and target; {@link TensorDataset.Row}s of
     * one tensor (input only) or two (input, target); bare tensors as inputs without targets.
     */
    static <T> Collate<T> stack() {
        return Collate::stackItems;
    }

    private static Batch stackItems(List<?> items) {
        if (items.isEmpty()) throw new IllegalArgumentException("cannot collate an empty batch");
        List<Tensor> inputs = new ArrayList<>(items.size());
        List<Tensor> targets = new ArrayList<>(items.size());
        for (Object item : items) {
            switch (item) {
                case Sample s -> { inputs.add(s.input()); targets.add(s.target()); }
                case Batch b -> { inputs.add(b.input()); targets.add(b.target()); }
                case Tensor t -> { inputs.add(t); targets.add(null); }
                case TensorDataset.Row r when r.size() == 1 -> { inputs.add(r.get(0)); targets.add(null); }
                case TensorDataset.Row r when r.size() == 2 -> { inputs.add(r.get(0)); targets.add(r.get(1)); }
                case TensorDataset.Row r -> throw new IllegalArgumentException(
                        "default collate makes (input, target) batches; a TensorDataset row of " + r.size() + " tensors needs a custom collate");
                case null -> throw new IllegalArgumentException("default collate: the dataset returned null");
                default -> throw new IllegalArgumentException("default collate cannot stack a " + item.getClass().getName()
                        + "; return Sample from the dataset or give the DataLoader a collate function");
            }
        }
        boolean anyTarget = targets.stream().anyMatch(t -> t != null);
        boolean allTargets = targets.stream().allMatch(t -> t != null);
        if (anyTarget && !allTargets) throw new IllegalArgumentException("default collate: some items have a target and some do not");
        return new Batch(Tensor.stack(inputs, 0), allTargets ? Tensor.stack(targets, 0) : null);
    }
}
