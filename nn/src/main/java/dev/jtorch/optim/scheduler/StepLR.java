package dev.jtorch.optim.scheduler;

import dev.jtorch.optim.Optimizer;

import java.util.Map;

/** Decays by {@code gamma} every {@code stepSize} epochs: {@code base * gamma^(epoch / stepSize)}, as {@code StepLR}. */
public final class StepLR extends LRScheduler {
    private int stepSize;
    private double gamma;

    public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1, -1); }
    public StepLR(Optimizer optimizer, int stepSize, double gamma) { this(optimizer, stepSize, gamma, -1); }

    public StepLR(Optimizer optimizer, int stepSize, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (stepSize <= 0) throw new IllegalArgumentException("step_size must be a positive integer, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override protected double lrAt(double baseLr, int epoch) { return baseLr * Math.pow(gamma, Math.floorDiv(epoch, stepSize)); }

    @Override protected void putFields(Map<String, Object> state) {
        state.put("step_size", stepSize);
        state.put("gamma", gamma);
    }

    @Override protected void readFields(Map<String, ?> state) {
        stepSize = integer(state, "step_size");
        gamma = number(state, "gamma");
    }
}
