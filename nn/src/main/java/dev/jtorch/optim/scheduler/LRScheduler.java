package dev.jtorch.optim.scheduler;

import dev.jtorch.optim.Optimizer;
import dev.jtorch.optim.ParamGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of epoch-based learning-rate schedules, as {@code torch.optim.lr_scheduler.LRScheduler}: each
 * {@link #step()} advances the epoch and sets every group's {@code lr} to the schedule's value at it.
 * Schedules are written in closed form ({@link #lrAt}), which for plain stepping gives PyTorch's values.
 *
 * <p>As in PyTorch, making a scheduler records each group's {@code initial_lr} and takes the first step
 * (epoch 0). Subclasses set their fields and then call {@link #initialStep()} as the last line of their
 * constructors, since the schedule reads those fields.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    private final List<Double> baseLrs;
    private int lastEpoch;
    private int stepCount;
    private List<Double> lastLr = List.of();

    /** {@code lastEpoch} -1 starts afresh; another value resumes, and then every group must hold {@code initial_lr}. */
    protected LRScheduler(Optimizer optimizer, int lastEpoch) {
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        List<Double> base = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            if (lastEpoch == -1) {
                if (!g.has("initial_lr")) g.set("initial_lr", g.lr());
            } else if (!g.has("initial_lr")) {
                throw new IllegalArgumentException("param 'initial_lr' is not specified in param_groups[" + i + "] when resuming an optimizer");
            }
            base.add(g.getDouble("initial_lr"));
        }
        this.baseLrs = base;
        this.lastEpoch = lastEpoch;
    }

    /** The first step, to epoch {@code lastEpoch + 1}; subclasses call it last in their constructors. */
    protected final void initialStep() {
        if (stepCount != 0) throw new IllegalStateException("initialStep() was already called");
        step();
    }

    /** The learning rate of a group whose initial rate is {@code baseLr}, at {@code epoch}. */
    protected abstract double lrAt(double baseLr, int epoch);

    /** Advances one epoch and sets each group's learning rate. */
    public void step() { stepTo(lastEpoch + 1); }

    /** Jumps to {@code epoch} (PyTorch's deprecated {@code step(epoch)}), using the closed form. */
    public void step(int epoch) { stepTo(epoch); }

    private void stepTo(int epoch) {
        stepCount++;
        lastEpoch = epoch;
        List<ParamGroup> groups = optimizer.paramGroups();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            double lr = lrAt(baseLrs.get(i), epoch);
            groups.get(i).setLr(lr);
            values.add(lr);
        }
        lastLr = Collections.unmodifiableList(values);
    }

    /** The learning rates the last step set, one per group, as {@code get_last_lr()}. */
    public List<Double> getLastLr() { return lastLr; }

    public List<Double> baseLrs() { return Collections.unmodifiableList(baseLrs); }

    public int lastEpoch() { return lastEpoch; }

    /** PyTorch's keys: {@code base_lrs, last_epoch, _step_count, _last_lr} and the schedule's own fields. */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base_lrs", List.copyOf(baseLrs));
        m.put("last_epoch", lastEpoch);
        m.put("_step_count", stepCount);
        m.put("_last_lr", List.copyOf(lastLr));
        putFields(m);
        return m;
    }

    public void loadStateDict(Map<String, ?> state) {
        List<Double> base = doubles(state, "base_lrs");
        if (base.size() != baseLrs.size()) {
            throw new IllegalArgumentException("scheduler state has " + base.size() + " base_lrs but the optimizer has " + baseLrs.size() + " parameter groups");
        }
        int epoch = integer(state, "last_epoch");
        int steps = integer(state, "_step_count");
        List<Double> last = state.containsKey("_last_lr") ? doubles(state, "_last_lr") : List.of();
        readFields(state);
        baseLrs.clear();
        baseLrs.addAll(base);
        lastEpoch = epoch;
        stepCount = steps;
        lastLr = Collections.unmodifiableList(new ArrayList<>(last));
    }

    /** Adds the schedule's own fields under PyTorch's names ({@code step_size}, {@code gamma}). */
    protected void putFields(Map<String, Object> state) {}

    /** Reads back what {@link #putFields} wrote. */
    protected void readFields(Map<String, ?> state) {}

    protected static double number(Map<String, ?> state, String key) {
        if (state.get(key) instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("scheduler state has no number under '" + key + "'");
    }

    protected static int integer(Map<String, ?> state, String key) {
        if (state.get(key) instanceof Number n) return n.intValue();
        throw new IllegalArgumentException("scheduler state has no integer under '" + key + "'");
    }

    protected static List<Double> doubles(Map<String, ?> state, String key) {
        if (!(state.get(key) instanceof List<?> l)) throw new IllegalArgumentException("scheduler state has no list under '" + key + "'");
        List<Double> r = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Number n)) throw new IllegalArgumentException("scheduler state '" + key + "' holds a non-number: " + o);
            r.add(n.doubleValue());
        }
        return r;
    }

    @Override public String toString() { return getClass().getSimpleName() + "(last_epoch=" + lastEpoch + ", last_lr=" + lastLr + ")"; }
}
