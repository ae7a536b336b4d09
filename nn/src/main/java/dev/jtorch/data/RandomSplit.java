package dev.jtorch.data;

import dev.jtorch.tensor.Generator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a dataset into random non-overlapping subsets, as {@code torch.utils.data.random_split}. */
public final class RandomSplit {
    private RandomSplit() {}

    /** Subsets of exactly {@code lengths}, which must sum to the dataset size. */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, int[] lengths, Generator generator) {
        long sum = 0;
        for (int l : lengths) {
            if (l < 0) throw new IllegalArgumentException("random_split lengths must be non-negative, got " + Arrays.toString(lengths));
            sum += l;
        }
        if (sum != dataset.size()) {
            throw new IllegalArgumentException("Sum of input lengths " + Arrays.toString(lengths) + " (" + sum + ") does not equal the length of the input dataset (" + dataset.size() + ")");
        }
        int[] perm = Permutations.randperm(dataset.size(), generator);
        List<Subset<T>> out = new ArrayList<>();
        int at = 0;
        for (int l : lengths) {
            out.add(new Subset<>(dataset, Arrays.copyOfRange(perm, at, at + l)));
            at += l;
        }
        return out;
    }

    /**
     * Subsets of {@code floor(fraction * size)} items each, the remainder handed out one at a time to the
     * subsets in order, as PyTorch does for fractions summing to 1.
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] fractions, Generator generator) {
        double total = 0;
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) throw new IllegalArgumentException("Fraction " + f + " is not between 0 and 1");
            total += f;
        }
        if (Math.abs(total - 1) > 1e-9) throw new IllegalArgumentException("Fractions " + Arrays.toString(fractions) + " sum to " + total + ", not 1");
        int n = dataset.size();
        int[] lengths = new int[fractions.length];
        int assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            lengths[i] = (int) Math.floor(n * fractions[i]);
            assigned += lengths[i];
        }
        for (int i = 0; assigned < n; i = (i + 1) % lengths.length, assigned++) lengths[i]++;
        return randomSplit(dataset, lengths, generator);
    }
}
