package dev.jtorch.optim.scheduler;

import dev.jtorch.optim.Optimizer;

import java.util.Map;

/** Decays by {@code gamma} every epoch: {@code base * gamma^epoch}, as {@code ExponentialLR}. */
public final class ExponentialLR extends LRScheduler {
    private double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) { this(optimizer, gamma, -1); }

    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.gamma = gamma;
        initialStep();
    }

    @Override protected double lrAt(double baseLr, int epoch) { return baseLr * Math.pow(gamma, epoch); }

    @Override protected void putFields(Map<String, Object> state) { state.put("gamma", gamma); }

    @Override protected void readFields(Map<String, ?> state) { gamma = number(state, "gamma"); }
}
