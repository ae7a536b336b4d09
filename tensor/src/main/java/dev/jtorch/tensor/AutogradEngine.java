package dev.jtorch.tensor;

import java.util.ServiceLoader;

/**
 * What {@link Tensor} needs from the autograd module, which implements it and is found with
 * {@link ServiceLoader}. Without it on the class path tensors compute but record nothing.
 */
public interface AutogradEngine {
    /** Records that {@code output = op(inputs; attrs)}; called only when grad mode is on and an input requires grad. */
    void record(Op op, Tensor output, Tensor[] inputs, Object... attrs);

    /** Runs backward from {@code root}, with {@code gradient} as d(root)/d(root). */
    void backward(Tensor root, Tensor gradient, boolean retainGraph);

    /** The engine on the class path, or null. */
    static AutogradEngine installed() { return Holder.ENGINE; }

    final class Holder {
        private static final AutogradEngine ENGINE =
                ServiceLoader.load(AutogradEngine.class, AutogradEngine.class.getClassLoader()).findFirst().orElse(null);

        private Holder() {}
    }
}
