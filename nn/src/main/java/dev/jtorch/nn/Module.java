package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Shapes;
import dev.jtorch.tensor.Tensor;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The base of every layer and model, as {@code torch.nn.Module}. Sub-modules held in fields are found
 * in declaration order (as Python finds attributes in assignment order); parameters and buffers are
 * registered explicitly by the layer that owns them, and read back by name, so {@link #to} can replace them.
 * Names are PyTorch's dotted names, so state dicts move both ways between PyTorch and jtorch.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new LinkedHashSet<>();
    private final Map<String, Module> modules = new LinkedHashMap<>();
    private final List<ForwardHook> forwardHooks = new ArrayList<>();
    private boolean fieldsScanned;
    protected boolean training = true;

    /** Runs after {@link #forward} when the module is invoked through {@link #call}. */
    @FunctionalInterface
    public interface ForwardHook {
        /** May return a replacement output, or null to keep it. */
        Tensor apply(Module module, Tensor input, Tensor output);
    }

    /** The computation of a one-input module. */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single tensor input");
    }

    /** {@link #forward} with forward hooks, as Python's {@code module(x)}. */
    public final Tensor call(Tensor input) {
        Tensor out = forward(input);
        for (ForwardHook h : forwardHooks) {
            Tensor r = h.apply(this, input, out);
            if (r != null) out = r;
        }
        return out;
    }

    /** Adds a forward hook; the returned handle removes it. */
    public AutoCloseable registerForwardHook(ForwardHook hook) {
        forwardHooks.add(hook);
        return () -> forwardHooks.remove(hook);
    }

    // ---- registration ----

    /** Registers a parameter (null registers an absent one, such as {@code bias=False}). */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (value != null) {
            if (!value.dtype().isFloatingPoint()) throw new IllegalArgumentException("parameter '" + name + "' must be floating point, got " + value.dtype());
            value = value.isLeaf() ? value : value.detach();
            value.requiresGrad(true).persistent();
        }
        parameters.put(name, value);
        return value;
    }

    /** Registers a buffer: state that is saved but not trained ({@code running_mean}). */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkName(name);
        if (value != null) value.persistent();
        buffers.put(name, value);
        if (!persistent) nonPersistent.add(name);
        return value;
    }

    protected final Tensor registerBuffer(String name, Tensor value) { return registerBuffer(name, value, true); }

    /** Registers a sub-module under a name (containers and modules built in loops use this). */
    public final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        modules.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("module, parameter or buffer name can't be empty or contain \".\", got '" + name + "'");
    }

    /** A registered parameter of this module (not of sub-modules); null if registered as absent. */
    public final Tensor param(String name) {
        if (!parameters.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        return parameters.get(name);
    }

    public final Tensor buffer(String name) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        return buffers.get(name);
    }

    /** Replaces a buffer's value (running statistics are updated this way). */
    protected final void setBuffer(String name, Tensor value) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        if (value != null) value.persistent();
        buffers.put(name, value);
    }

    /** Sub-modules in fields, in declaration order (superclass fields first), found once. */
    private Map<String, Module> children0() {
        if (!fieldsScanned) {
            fieldsScanned = true;
            Map<String, Module> found = new LinkedHashMap<>();
            List<Class<?>> chain = new ArrayList<>();
            for (Class<?> c = getClass(); c != Module.class && c != null; c = c.getSuperclass()) chain.add(0, c);
            for (Class<?> c : chain) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || !Module.class.isAssignableFrom(f.getType())) continue;
                    try {
                        f.setAccessible(true);
                        Module m = (Module) f.get(this);
                        if (m != null && !modules.containsValue(m)) found.put(f.getName(), m);
                    } catch (IllegalAccessException | RuntimeException e) {
                        throw new IllegalStateException("cannot read module field " + c.getSimpleName() + "." + f.getName() + ": " + e.getMessage(), e);
                    }
                }
            }
            found.putAll(modules);
            modules.clear();
            modules.putAll(found);
        }
        return modules;
    }

    // ---- traversal ----

    public final Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children0()); }
    public final List<Module> children() { return List.copyOf(children0().values()); }

    /** This module and every descendant, with dotted names ("" for this one). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out) {
        if (out.containsValue(m)) return;
        out.put(prefix, m);
        for (var e : m.children0().entrySet()) collectModules(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
    }

    public final List<Module> modules() { return List.copyOf(namedModules().values()); }

    /** Every parameter with its dotted name, each once, in registration order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (var me : namedModules().entrySet()) {
            for (var pe : me.getValue().parameters.entrySet()) {
                if (pe.getValue() != null && seen.add(pe.getValue())) out.put(join(me.getKey(), pe.getKey()), pe.getValue());
            }
        }
        return out;
    }

    public final List<Tensor> parameters() { return List.copyOf(namedParameters().values()); }

    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var me : namedModules().entrySet()) {
            for (var be : me.getValue().buffers.entrySet()) if (be.getValue() != null) out.put(join(me.getKey(), be.getKey()), be.getValue());
        }
        return out;
    }

    public final List<Tensor> buffers() { return List.copyOf(namedBuffers().values()); }

    private static String join(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

    // ---- state ----

    /** Parameters and persistent buffers by dotted name, as {@code state_dict()}: the live tensors, detached. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var me : namedModules().entrySet()) {
            Module m = me.getValue();
            for (var pe : m.parameters.entrySet()) if (pe.getValue() != null) out.put(join(me.getKey(), pe.getKey()), pe.getValue().detach());
            for (var be : m.buffers.entrySet()) {
                if (be.getValue() != null && !m.nonPersistent.contains(be.getKey())) out.put(join(me.getKey(), be.getKey()), be.getValue().detach());
            }
        }
        return out;
    }

    /** The keys a non-strict load did not match, as PyTorch's {@code _IncompatibleKeys}. */
    public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {}

    public final IncompatibleKeys loadStateDict(Map<String, Tensor> state) { return loadStateDict(state, true); }

    /**
     * Copies values into this module's parameters and buffers. Shapes and dtypes must match exactly; with
     * {@code strict}, missing and unexpected keys are an error listing both. Nothing is written unless
     * every entry checks out.
     */
    public final IncompatibleKeys loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), errors = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            Tensor dst = e.getValue();
            if (!Arrays.equals(src.shape(), dst.shape())) {
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape torch.Size(" + Shapes.str(src.shape()) + ") from checkpoint, the shape in current model is torch.Size(" + Shapes.str(dst.shape()) + ").");
            } else if (src.dtype() != dst.dtype()) {
                errors.add("dtype mismatch for " + e.getKey() + ": copying a param of dtype " + src.dtype() + " from checkpoint, the dtype in current model is " + dst.dtype() + ".");
            }
        }
        if (strict) {
            if (!missing.isEmpty()) errors.add(0, "Missing key(s) in state_dict: " + quoted(missing) + ".");
            if (!unexpected.isEmpty()) errors.add(missing.isEmpty() ? 0 : 1, "Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName() + ":\n\t" + String.join("\n\t", errors));
        }
        try (var g = GradMode.noGrad()) {
            for (var e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) e.getValue().copy_(src.to(e.getValue().device()));
            }
        }
        return new IncompatibleKeys(missing, unexpected);
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) sb.append(i == 0 ? "" : ", ").append('"').append(keys.get(i)).append('"');
        return sb.toString();
    }

    // ---- modes and conversions ----

    public Module train(boolean mode) {
        for (Module m : modules()) m.training = mode;
        return this;
    }

    public Module train() { return train(true); }
    public Module eval() { return train(false); }
    public final boolean isTraining() { return training; }

    /** Calls fn on every sub-module, then on this one, as {@code apply}. */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children0().values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    /** Sets every parameter's gradient to none, as {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        for (Tensor p : parameters()) p.setGrad(null);
    }

    /** Moves parameters and buffers to a device; build optimizers after moving, as in PyTorch. */
    public Module to(Device device) { return convert(t -> t.detach().to(device)); }

    /** Casts floating-point parameters and buffers, as {@code module.to(dtype)} / {@code double()}. */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("nn.Module.to only accepts floating point dtypes, but got desired dtype=" + dtype);
        return convert(t -> t.dtype().isFloatingPoint() ? t.detach().to(dtype) : t);
    }

    private Module convert(java.util.function.UnaryOperator<Tensor> f) {
        try (var g = GradMode.noGrad()) {
            for (Module m : modules()) {
                for (var e : m.parameters.entrySet()) {
                    if (e.getValue() == null) continue;
                    Tensor moved = f.apply(e.getValue());
                    if (moved != e.getValue()) e.setValue(moved.requiresGrad(true).persistent());
                }
                for (var e : m.buffers.entrySet()) if (e.getValue() != null) e.setValue(f.apply(e.getValue()).persistent());
            }
        }
        return this;
    }

    // ---- printing ----

    /** What goes between the parentheses of a leaf's repr, as PyTorch's {@code extra_repr}. */
    public String extraRepr() { return ""; }

    /** PyTorch's module repr: {@code Name(extra)} or a tree with {@code (name): child} lines. */
    @Override public String toString() {
        Map<String, Module> kids = children0();
        String name = getClass().getSimpleName();
        String extra = extraRepr();
        if (kids.isEmpty()) return name + "(" + extra + ")";
        StringBuilder sb = new StringBuilder(name).append("(");
        if (!extra.isEmpty()) sb.append("\n  ").append(extra.replace("\n", "\n  "));
        for (var e : kids.entrySet()) {
            sb.append("\n  (").append(e.getKey()).append("): ").append(e.getValue().toString().replace("\n", "\n  "));
        }
        return sb.append("\n)").toString();
    }
}
