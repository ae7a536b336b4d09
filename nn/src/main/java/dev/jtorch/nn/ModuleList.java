package dev.jtorch.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Sub-modules held in a list, registered as "0", "1", ..., as {@code nn.ModuleList}; it has no forward of its own. */
public class ModuleList extends Module implements Iterable<Module> {

    public ModuleList(Module... modules) {
        for (Module m : modules) append(m);
    }

    public ModuleList(Iterable<? extends Module> modules) {
        for (Module m : modules) append(m);
    }

    public ModuleList append(Module module) {
        registerModule(Integer.toString(size()), module);
        return this;
    }

    public ModuleList extend(Iterable<? extends Module> modules) {
        for (Module m : modules) append(m);
        return this;
    }

    /** The module at {@code index}; negative counts from the end, as Python's indexing. */
    public Module get(int index) { return children().get(wrapIndex(index, size())); }

    public int size() { return namedChildren().size(); }

    @Override public Iterator<Module> iterator() { return children().iterator(); }

    static int wrapIndex(int index, int size) {
        if (index < -size || index >= size) throw new IndexOutOfBoundsException("index " + index + " is out of range");
        return index < 0 ? index + size : index;
    }

    /** PyTorch's ModuleList repr, which folds runs of identical children: {@code (0-2): 3 x Linear(...)}. */
    @Override public String toString() {
        List<Module> items = children();
        String name = getClass().getSimpleName();
        if (items.isEmpty()) return name + "()";
        List<String> blocks = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String r = items.get(i).toString();
            if (!blocks.isEmpty() && blocks.getLast().equals(r)) {
                ranges.getLast()[1] = i;
            } else {
                blocks.add(r);
                ranges.add(new int[] {i, i});
            }
        }
        StringBuilder sb = new StringBuilder(name).append("(");
        for (int b = 0; b < blocks.size(); b++) {
            int start = ranges.get(b)[0], end = ranges.get(b)[1];
            String line = start == end ? "(" + start + "): " + blocks.get(b)
                    : "(" + start + "-" + end + "): " + (end - start + 1) + " x " + blocks.get(b);
            sb.append("\n  ").append(line.replace("\n", "\n  "));
        }
        return sb.append("\n)").toString();
    }
}
