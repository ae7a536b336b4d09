package dev.jtorch.optim.scheduler;

import dev.jtorch.optim.Optimizer;
import dev.jtorch.optim.ParamGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cuts the learning rate by {@code factor} once a metric has stopped improving for more than {@code patience}
 * epochs, as {@code torch.optim.lr_scheduler.ReduceLROnPlateau}; then waits {@code cooldown} epochs before
 * counting again. A rate never goes below its {@code minLr}, and a cut smaller than {@code eps} is skipped.
 */
public final class ReduceLROnPlateau {
    /** Whether the metric should go down (a loss) or up (an accuracy). */
    public enum Mode { MIN, MAX }

    /** Improvement measured relative to the best value ({@code best * (1 -+ threshold)}) or absolutely ({@code best -+ threshold}). */
    public enum ThresholdMode { REL, ABS }

    private final Optimizer optimizer;
    private Mode mode;
    private double factor;
    private int patience;
    private double threshold;
    private ThresholdMode thresholdMode;
    private int cooldown;
    private List<Double> minLrs;
    private double eps;

    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private List<Double> lastLr;

    public ReduceLROnPlateau(Optimizer optimizer) { this(optimizer, Mode.MIN); }

    public ReduceLROnPlateau(Optimizer optimizer, Mode mode) {
        this(optimizer, mode, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0.0, 1e-8);
    }

    /** PyTorch's defaults: {@code mode=MIN, factor=0.1, patience=10, threshold=1e-4, REL, cooldown=0, min_lr=0, eps=1e-8}. */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode,
                             int cooldown, double minLr, double eps) {
        this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, Collections.nCopies(optimizer.paramGroups().size(), minLr), eps);
    }

    /** With one minimum learning rate per parameter group. */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode,
                             int cooldown, List<Double> minLrs, double eps) {
        if (factor >= 1.0) throw new IllegalArgumentException("Factor should be < 1.0.");
        if (minLrs.size() != optimizer.paramGroups().size()) {
            throw new IllegalArgumentException("expected " + optimizer.paramGroups().size() + " min_lrs, got " + minLrs.size());
        }
        if (mode == null || thresholdMode == null) throw new IllegalArgumentException("mode and threshold mode must not be null");
        this.optimizer = optimizer;
        this.mode = mode;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
        this.cooldown = cooldown;
        this.minLrs = List.copyOf(minLrs);
        this.eps = eps;
        this.lastEpoch = 0;
        this.lastLr = currentLrs();
        reset();
    }

    private void reset() {
        best = modeWorse();
        cooldownCounter = 0;
        numBadEpochs = 0;
    }

    private double modeWorse() { return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY; }

    /** Records one epoch's metric and cuts the learning rates if it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0; // bad epochs in cooldown do not count
        }
        if (numBadEpochs > patience) {
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            double old = groups.get(i).lr();
            double next = Math.max(old * factor, minLrs.get(i));
            if (old - next > eps) groups.get(i).setLr(next);
        }
    }

    private boolean isBetter(double a, double best) {
        return switch (mode) {
            case MIN -> thresholdMode == ThresholdMode.REL ? a < best * (1 - threshold) : a < best - threshold;
            case MAX -> thresholdMode == ThresholdMode.REL ? a > best * (threshold + 1) : a > best + threshold;
        };
    }

    private List<Double> currentLrs() {
        List<Double> r = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) r.add(g.lr());
        return Collections.unmodifiableList(r);
    }

    public List<Double> getLastLr() { return lastLr; }
    public double best() { return best; }
    public int numBadEpochs() { return numBadEpochs; }
    public boolean inCooldown() { return cooldownCounter > 0; }

    /** PyTorch's attribute names; modes as PyTorch's strings ("min", "rel"). */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factor", factor);
        m.put("min_lrs", minLrs);
        m.put("patience", patience);
        m.put("cooldown", cooldown);
        m.put("cooldown_counter", cooldownCounter);
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        m.put("threshold", threshold);
        m.put("threshold_mode", thresholdMode.name().toLowerCase(Locale.ROOT));
        m.put("best", best);
        m.put("num_bad_epochs", numBadEpochs);
        m.put("mode_worse", modeWorse());
        m.put("eps", eps);
        m.put("last_epoch", lastEpoch);
        m.put("_last_lr", lastLr);
        return m;
    }

    public void loadStateDict(Map<String, ?> state) {
        Mode newMode = parse(Mode.class, state.get("mode"), "mode");
        ThresholdMode newThresholdMode = parse(ThresholdMode.class, state.get("threshold_mode"), "threshold mode");
        List<Double> newMinLrs = LRScheduler.doubles(state, "min_lrs");
        if (newMinLrs.size() != optimizer.paramGroups().size()) {
            throw new IllegalArgumentException("expected " + optimizer.paramGroups().size() + " min_lrs, got " + newMinLrs.size());
        }
        double newFactor = LRScheduler.number(state, "factor");
        if (newFactor >= 1.0) throw new IllegalArgumentException("Factor should be < 1.0.");
        int newPatience = LRScheduler.integer(state, "patience"), newCooldown = LRScheduler.integer(state, "cooldown");
        int newCooldownCounter = LRScheduler.integer(state, "cooldown_counter"), newBad = LRScheduler.integer(state, "num_bad_epochs");
        int newLastEpoch = LRScheduler.integer(state, "last_epoch");
        double newThreshold = LRScheduler.number(state, "threshold"), newBest = LRScheduler.number(state, "best"), newEps = LRScheduler.number(state, "eps");
        List<Double> newLastLr = state.containsKey("_last_lr") ? List.copyOf(LRScheduler.doubles(state, "_last_lr")) : currentLrs();
        // everything read and checked: now apply
        mode = newMode;
        thresholdMode = newThresholdMode;
        minLrs = List.copyOf(newMinLrs);
        factor = newFactor;
        patience = newPatience;
        cooldown = newCooldown;
        cooldownCounter = newCooldownCounter;
        threshold = newThreshold;
        best = newBest;
        numBadEpochs = newBad;
        eps = newEps;
        lastEpoch = newLastEpoch;
        lastLr = newLastLr;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, Object value, String what) {
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(String.valueOf(value))) return e;
        throw new IllegalArgumentException(what + " " + value + " is unknown!");
    }
}
