package dev.jtorch.autograd;

import dev.jtorch.tensor.Tensor;

import java.util.HashMap;
import java.util.Map;

/** What a custom {@link Function}'s forward leaves for its backward, as PyTorch's {@code ctx}. */
public final class FunctionContext {
    private Tensor[] saved = new Tensor[0];
    private int[] versions = new int[0];
    private final Map<String, Object> values = new HashMap<>();
    private boolean[] needsInputGrad = new boolean[0];

    /** Tensors the backward needs; modifying one in place before backward is an error there. */
    public void saveForBackward(Tensor... tensors) {
        saved = tensors.clone();
        versions = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) versions[i] = tensors[i].storage().version();
    }

    public Tensor[] savedTensors() {
        for (int i = 0; i < saved.length; i++) {
            if (saved[i].storage().version() != versions[i]) {
                throw new IllegalStateException("one of the variables needed for gradient computation has been modified by an inplace operation: saved tensor " + i
                        + " is at version " + saved[i].storage().version() + "; expected version " + versions[i] + " instead.");
            }
        }
        return saved.clone();
    }

    /** Non-tensor values (sizes, flags) for the backward. */
    public void put(String key, Object value) { values.put(key, value); }

    @SuppressWarnings("unchecked")
    public <T> T get(String key) { return (T) values.get(key); }

    /** Whether input i needs a gradient, as {@code ctx.needs_input_grad[i]}. */
    public boolean needsInputGrad(int i) { return needsInputGrad[i]; }

    void setNeedsInputGrad(boolean[] needs) { needsInputGrad = needs; }

    void release() {
        saved = new Tensor[0];
        values.clear();
    }
}
