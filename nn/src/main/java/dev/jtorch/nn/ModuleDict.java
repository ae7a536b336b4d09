package dev.jtorch.nn;

import java.util.Map;
import java.util.Set;

/** Sub-modules held by name in insertion order, as {@code nn.ModuleDict}; it has no forward of its own. */
public class ModuleDict extends Module {

    public ModuleDict() {}

    public ModuleDict(Map<String, ? extends Module> modules) {
        for (var e : modules.entrySet()) put(e.getKey(), e.getValue());
    }

    /** Adds or replaces; a replaced key keeps its place, as a Python dict. */
    public ModuleDict put(String key, Module module) {
        registerModule(key, module);
        return this;
    }

    public Module get(String key) {
        Module m = namedChildren().get(key);
        if (m == null) throw new IllegalArgumentException("ModuleDict has no key '" + key + "'");
        return m;
    }

    public boolean containsKey(String key) { return namedChildren().containsKey(key); }
    public Set<String> keys() { return namedChildren().keySet(); }
    public Map<String, Module> items() { return namedChildren(); }
    public int size() { return namedChildren().size(); }
}
