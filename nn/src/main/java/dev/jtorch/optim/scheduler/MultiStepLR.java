package dev.jtorch.optim.scheduler;

import dev.jtorch.optim.Optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decays by {@code gamma} at each milestone epoch: {@code base * gamma^(milestones <= epoch)}, as
 * {@code MultiStepLR}; a milestone given twice counts twice, as PyTorch's Counter does.
 */
public final class MultiStepLR extends LRScheduler {
    private List<Integer> milestones;
    private double gamma;

    public MultiStepLR(Optimizer optimizer, List<Integer> milestones) { this(optimizer, milestones, 0.1, -1); }
    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma) { this(optimizer, milestones, gamma, -1); }

    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.milestones = sorted(milestones);
        this.gamma = gamma;
        initialStep();
    }

    private static List<Integer> sorted(List<Integer> ms) {
        List<Integer> s = new ArrayList<>(ms);
        Collections.sort(s);
        return Collections.unmodifiableList(s);
    }

    public List<Integer> milestones() { return milestones; }

    @Override protected double lrAt(double baseLr, int epoch) {
        int passed = 0; // bisect_right(sorted milestones, epoch)
        for (int m : milestones) if (m <= epoch) passed++;
        return baseLr * Math.pow(gamma, passed);
    }

    /** Milestones as PyTorch's Counter: milestone -> how many times it was given. */
    @Override protected void putFields(Map<String, Object> state) {
        Map<Integer, Integer> counter = new TreeMap<>();
        for (int m : milestones) counter.merge(m, 1, Integer::sum);
        state.put("milestones", counter);
        state.put("gamma", gamma);
    }

    @Override protected void readFields(Map<String, ?> state) {
        if (!(state.get("milestones") instanceof Map<?, ?> counter)) throw new IllegalArgumentException("scheduler state has no 'milestones' map");
        List<Integer> ms = new ArrayList<>();
        for (var e : counter.entrySet()) {
            if (!(e.getKey() instanceof Number m) || !(e.getValue() instanceof Number n)) throw new IllegalArgumentException("'milestones' must map epochs to counts, got " + counter);
            for (int i = 0; i < n.intValue(); i++) ms.add(m.intValue());
        }
        gamma = number(state, "gamma");
        milestones = sorted(ms);
    }
}
