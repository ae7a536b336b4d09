package dev.jtorch.optim;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Shapes;
import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The base of the optimizers, as {@code torch.optim.Optimizer}: parameter groups with their hyper-parameters,
 * per-parameter state, {@link #zeroGrad}, {@link #step} and PyTorch-shaped state dicts.
 *
 * <p>Updates run without recording autograd and write into the parameters in place, so the parameter tensors
 * a model holds stay the same objects. State tensors are persistent (no {@link MemoryScope} frees them), and the
 * temporaries of one step are freed when it ends.
 *
 * <p>{@link #stateDict()} has PyTorch's structure:
 * <pre>{@code
 * {"state":        Map<Integer, Map<String, Object>>   parameter index -> {"step": 0-dim float32 Tensor, "exp_avg": Tensor, ...}
 *  "param_groups": List<Map<String, Object>>           each {"lr": Double, "betas": List<Double>, ..., "params": List<Integer>}}
 * }</pre>
 * Parameters are numbered from 0 across the groups in order; only parameters that have state appear under "state".
 */
public abstract class Optimizer {
    private final Map<String, Object> defaults;
    private final List<ParamGroup> paramGroups = new ArrayList<>();
    /** Per-parameter state, keyed by identity: tensors' equals is not value equality, but be explicit. */
    private final Map<Tensor, Map<String, Object>> state = new IdentityHashMap<>();

    protected Optimizer(List<ParamGroup> groups, Map<String, Object> defaults) {
        this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        validate(new ParamGroup(List.of(), defaults));
        if (groups.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        for (ParamGroup g : groups) addParamGroup(g);
    }

    /** One group of {@code params}, as {@code Optimizer(model.parameters(), ...)}. */
    protected static List<ParamGroup> oneGroup(Iterable<Tensor> params) {
        ParamGroup g = new ParamGroup(params);
        if (g.params().isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        return List.of(g);
    }

    /** The hyper-parameters every group starts from. */
    public final Map<String, Object> defaults() { return defaults; }

    public final List<ParamGroup> paramGroups() { return Collections.unmodifiableList(paramGroups); }

    /** Adds a group, filling the options it leaves out from the defaults, as {@code add_param_group}. */
    public void addParamGroup(ParamGroup group) {
        java.util.Set<Tensor> inGroup = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : group.params()) {
            if (p == null) throw new IllegalArgumentException("optimizer can only optimize Tensors, but one of the params is null");
            if (!p.isLeaf()) throw new IllegalArgumentException("can't optimize a non-leaf Tensor");
            if (!p.dtype().isFloatingPoint()) throw new IllegalArgumentException("optimizer can only optimize floating point Tensors, but one of the params is " + p.dtype());
            if (!inGroup.add(p)) throw new IllegalArgumentException("optimizer contains a parameter group with duplicate parameters");
            for (ParamGroup other : paramGroups) {
                for (Tensor q : other.params()) {
                    if (q == p) throw new IllegalArgumentException("some parameters appear in more than one parameter group");
                }
            }
        }
        for (var e : defaults.entrySet()) group.putIfAbsent(e.getKey(), copyOption(e.getValue()));
        validate(group);
        paramGroups.add(group);
        groupAdded(group);
    }

    /** Checks a group's hyper-parameters; throws {@link IllegalArgumentException} with PyTorch's wording. */
    protected abstract void validate(ParamGroup group);

    /** Called once a group is added; optimizers whose state starts eagerly (Adagrad) make it here. */
    protected void groupAdded(ParamGroup group) {}

    // ---- gradients and steps ----

    /** Sets every parameter's gradient to none, as {@code zero_grad()}. */
    public void zeroGrad() { zeroGrad(true); }

    /** With {@code setToNone} false, fills existing gradients with zeros instead. */
    public void zeroGrad(boolean setToNone) {
        for (ParamGroup g : paramGroups) {
            for (Tensor p : g.params()) {
                if (p.grad() == null) continue;
                if (setToNone) {
                    p.setGrad(null);
                } else {
                    try (var _ = GradMode.noGrad()) {
                        p.grad().zero_();
                    }
                }
            }
        }
    }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        try (var _ = MemoryScope.open(); var _ = GradMode.noGrad()) {
            for (ParamGroup g : paramGroups) update(g);
        }
    }

    /** Re-evaluates the loss with {@code closure} (with autograd on), steps, and returns the loss, as {@code step(closure)}. */
    public final Tensor step(Supplier<Tensor> closure) {
        Tensor loss;
        try (var _ = GradMode.set(true)) {
            loss = closure.get();
        }
        step();
        return loss;
    }

    /** Updates the parameters of one group that have a gradient; runs with autograd off, inside a memory scope. */
    protected abstract void update(ParamGroup group);

    /** The state of one parameter, made empty on first use; values stored here must be persistent tensors or numbers. */
    protected final Map<String, Object> state(Tensor param) {
        return state.computeIfAbsent(param, k -> new LinkedHashMap<>());
    }

    /** A persistent zero tensor shaped as {@code like}, for state. */
    protected static Tensor zerosState(Tensor like) { return like.zerosLike().persistent(); }

    /** A persistent 0-dim float32 step counter on the CPU, as PyTorch's {@code state["step"]}. */
    protected static Tensor stepCounter() { return Tensor.scalar(0.0, DType.FLOAT32).persistent(); }

    /** Increments a step counter and returns its new value. */
    protected static double incrementStep(Tensor step) {
        step.add_(1);
        return step.item();
    }

    /** The gradient of {@code p}, negated when the group maximizes. */
    protected static Tensor direction(ParamGroup group, Tensor p) {
        Tensor g = p.grad();
        return group.has("maximize") && group.getBoolean("maximize") ? g.neg() : g;
    }

    // ---- state dicts ----

    /** PyTorch's {@code state_dict()} (see the class comment); tensors are the live state, not copies. */
    public Map<String, Object> stateDict() {
        Map<Integer, Map<String, Object>> packedState = new LinkedHashMap<>();
        List<Map<String, Object>> groups = new ArrayList<>();
        int index = 0;
        for (ParamGroup g : paramGroups) {
            Map<String, Object> packed = new LinkedHashMap<>();
            for (var e : g.options().entrySet()) packed.put(e.getKey(), copyOption(e.getValue()));
            List<Integer> ids = new ArrayList<>();
            for (Tensor p : g.params()) {
                Map<String, Object> s = state.get(p);
                if (s != null) packedState.put(index, new LinkedHashMap<>(s));
                ids.add(index++);
            }
            packed.put("params", ids);
            groups.add(packed);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", packedState);
        out.put("param_groups", groups);
        return out;
    }

    /**
     * Replaces hyper-parameters and state with a saved {@link #stateDict()} (from jtorch or PyTorch). Groups must
     * match in number and size; state tensors are copied, cast to their parameter's dtype and device (except
     * {@code step}). Nothing changes unless every entry checks out.
     */
    public void loadStateDict(Map<String, ?> stateDict) {
        if (!(stateDict.get("param_groups") instanceof List<?> savedGroups)) {
            throw new IllegalArgumentException("optimizer state dict has no \"param_groups\" list; keys: " + stateDict.keySet());
        }
        if (!(stateDict.get("state") instanceof Map<?, ?> savedState)) {
            throw new IllegalArgumentException("optimizer state dict has no \"state\" map; keys: " + stateDict.keySet());
        }
        if (savedGroups.size() != paramGroups.size()) {
            throw new IllegalArgumentException("loaded state dict has a different number of parameter groups (" + savedGroups.size() + " saved, " + paramGroups.size() + " here)");
        }
        Map<Long, Tensor> idToParam = new LinkedHashMap<>();
        List<Map<String, Object>> newOptions = new ArrayList<>();
        for (int gi = 0; gi < savedGroups.size(); gi++) {
            if (!(savedGroups.get(gi) instanceof Map<?, ?> saved)) throw new IllegalArgumentException("param_groups[" + gi + "] is not a map");
            if (!(saved.get("params") instanceof List<?> ids)) throw new IllegalArgumentException("param_groups[" + gi + "] has no \"params\" list");
            ParamGroup group = paramGroups.get(gi);
            if (ids.size() != group.params().size()) {
                throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group " + gi + ": "
                        + ids.size() + " saved, " + group.params().size() + " here)");
            }
            for (int i = 0; i < ids.size(); i++) idToParam.put(toIndex(ids.get(i)), group.params().get(i));
            Map<String, Object> options = new LinkedHashMap<>();
            for (var e : saved.entrySet()) {
                if (!"params".equals(e.getKey())) options.put(String.valueOf(e.getKey()), copyOption(e.getValue()));
            }
            for (var e : defaults.entrySet()) options.putIfAbsent(e.getKey(), copyOption(e.getValue()));
            validate(new ParamGroup(List.of(), options));
            newOptions.add(options);
        }
        Map<Tensor, Map<String, Object>> newState = new IdentityHashMap<>();
        for (var e : savedState.entrySet()) {
            long id = toIndex(e.getKey());
            Tensor p = idToParam.get(id);
            if (p == null) throw new IllegalArgumentException("loaded state dict has state for parameter " + id + ", which is in none of its parameter groups");
            if (!(e.getValue() instanceof Map<?, ?> entries)) throw new IllegalArgumentException("state of parameter " + id + " is not a map");
            Map<String, Object> s = new LinkedHashMap<>();
            for (var se : entries.entrySet()) s.put(String.valueOf(se.getKey()), loadedValue(id, String.valueOf(se.getKey()), se.getValue(), p));
            newState.put(p, s);
        }
        for (int gi = 0; gi < paramGroups.size(); gi++) paramGroups.get(gi).replaceOptions(newOptions.get(gi));
        state.clear();
        state.putAll(newState);
    }

    private static long toIndex(Object key) {
        if (key instanceof Number n) return n.longValue();
        if (key instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException ex) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("parameter index must be an integer, got " + key);
    }

    /** A copy of a saved state value, as PyTorch casts it: floating state to the parameter's dtype and device; {@code step} as saved. */
    private static Object loadedValue(long id, String key, Object value, Tensor param) {
        if (key.equals("step") && value instanceof Number n) {
            return Tensor.scalar(n.doubleValue(), DType.FLOAT32).persistent(); // older PyTorch saved a plain number
        }
        if (!(value instanceof Tensor t)) return copyOption(value);
        Tensor v = t;
        if (!key.equals("step")) {
            if (!Arrays.equals(t.shape(), param.shape())) {
                throw new IllegalArgumentException("loaded state '" + key + "' of parameter " + id + " has shape " + Shapes.str(t.shape()) + " but the parameter has shape " + Shapes.str(param.shape()));
            }
            v = t.to(param.device());
            if (t.dtype().isFloatingPoint()) v = v.to(param.dtype());
        }
        try (var _ = GradMode.noGrad()) {
            Tensor copy = v.detach().clone();
            return copy.persistent();
        }
    }

    private static Object copyOption(Object v) {
        if (v instanceof double[] a) {
            List<Double> l = new ArrayList<>();
            for (double d : a) l.add(d);
            return Collections.unmodifiableList(l);
        }
        if (v instanceof List<?> l) return List.copyOf(l);
        return v;
    }

    // ---- printing ----

    /** What PyTorch prints: the class name and each group's options, sorted by name. */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append(" (");
        for (int i = 0; i < paramGroups.size(); i++) {
            sb.append("\nParameter Group ").append(i);
            for (var e : new TreeMap<>(paramGroups.get(i).options()).entrySet()) {
                sb.append("\n    ").append(e.getKey()).append(": ").append(PyFloat.value(e.getValue()));
            }
        }
        return sb.append("\n)").toString();
    }

    // ---- hyper-parameter checks with PyTorch's wording ----

    /** {@code 0.0 <= value} or {@code ValueError(f"Invalid {what}: {value}")}. */
    protected static void checkNonNegative(ParamGroup g, String key, String what) {
        double v = g.getDouble(key);
        if (!(v >= 0)) throw new IllegalArgumentException("Invalid " + what + ": " + PyFloat.repr(v));
    }

    /** {@code low <= value <= high} (or {@code < high} when {@code highOpen}). */
    protected static void checkRange(double v, double low, double high, boolean highOpen, String message) {
        if (!(v >= low && (highOpen ? v < high : v <= high))) throw new IllegalArgumentException(message + ": " + PyFloat.repr(v));
    }

}
