package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyper-parameters, as an entry of PyTorch's {@code optimizer.param_groups}: the
 * parameters and an options map under PyTorch's keys ({@code "lr"}, {@code "weight_decay"}, {@code "betas"}).
 * Options left out when the group is made are filled from the optimizer's defaults when it is added.
 * Values are {@link Double}, {@link Boolean}, or a {@code List<Double>} for a tuple such as {@code betas}.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Object> options;

    public ParamGroup(Iterable<Tensor> params) { this(params, Map.of()); }

    public ParamGroup(Iterable<Tensor> params, Map<String, ?> options) {
        List<Tensor> ps = new ArrayList<>();
        for (Tensor p : params) ps.add(p);
        this.params = Collections.unmodifiableList(ps);
        this.options = new LinkedHashMap<>();
        for (var e : options.entrySet()) {
            if (e.getKey().equals("params")) throw new IllegalArgumentException("a ParamGroup's parameters are given apart from its options, not under \"params\"");
            this.options.put(e.getKey(), e.getValue());
        }
    }

    public List<Tensor> params() { return params; }

    /** A read-only view of the options; change them with {@link #set}. */
    public Map<String, Object> options() { return Collections.unmodifiableMap(options); }

    public boolean has(String key) { return options.containsKey(key); }

    public Object get(String key) {
        if (!options.containsKey(key)) throw new IllegalArgumentException("parameter group has no option '" + key + "'; it has " + options.keySet());
        return options.get(key);
    }

    public double getDouble(String key) {
        Object v = get(key);
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("option '" + key + "' is not a number: " + v);
    }

    public boolean getBoolean(String key) {
        Object v = get(key);
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException("option '" + key + "' is not a boolean: " + v);
    }

    /** A tuple option ({@code betas}) as doubles; accepts a list of numbers or a {@code double[]}. */
    public double[] getDoubles(String key) {
        Object v = get(key);
        if (v instanceof double[] a) return a.clone();
        if (v instanceof List<?> l) {
            double[] r = new double[l.size()];
            for (int i = 0; i < r.length; i++) {
                if (!(l.get(i) instanceof Number n)) throw new IllegalArgumentException("option '" + key + "' holds a non-number: " + l.get(i));
                r[i] = n.doubleValue();
            }
            return r;
        }
        throw new IllegalArgumentException("option '" + key + "' is not a tuple of numbers: " + v);
    }

    public ParamGroup set(String key, Object value) {
        if (key.equals("params")) throw new IllegalArgumentException("a ParamGroup's parameters cannot be replaced through its options");
        options.put(key, value);
        return this;
    }

    public double lr() { return getDouble("lr"); }
    public ParamGroup setLr(double lr) { return set("lr", lr); }

    void putIfAbsent(String key, Object value) { options.putIfAbsent(key, value); }

    void replaceOptions(Map<String, Object> newOptions) {
        options.clear();
        options.putAll(newOptions);
    }
}
