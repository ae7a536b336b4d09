package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

import java.util.Iterator;
import java.util.Map;

/** Modules called in order, each on the previous one's output, as {@code nn.Sequential}; children are named "0", "1", ... */
public class Sequential extends Module implements Iterable<Module> {

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Named children, in the map's iteration order, as {@code Sequential(OrderedDict(...))}. */
    public Sequential(Map<String, ? extends Module> modules) {
        for (var e : modules.entrySet()) registerModule(e.getKey(), e.getValue());
    }

    /** Appends a module under the next index, as {@code append}. */
    public Sequential add(Module module) {
        registerModule(Integer.toString(size()), module);
        return this;
    }

    /** The module at {@code index}; negative counts from the end, as Python's indexing. */
    public Module get(int index) { return children().get(ModuleList.wrapIndex(index, size())); }

    public int size() { return namedChildren().size(); }

    @Override public Iterator<Module> iterator() { return children().iterator(); }

    @Override public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : children()) x = m.call(x);
        return x;
    }
}
