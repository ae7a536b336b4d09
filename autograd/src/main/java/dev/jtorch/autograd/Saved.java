package dev.jtorch.autograd;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

/**
 * What a recorded operation keeps for its backward: the inputs and output its rule declared it needs
 * (with their versions, checked before use), the attributes, and every input's shape and dtype.
 */
public final class Saved {
    private final Tensor[] inputs;
    private final int[] inputVersions;
    private final Tensor output;
    private final int outputVersion;
    private final Object[] attrs;
    private final long[][] shapes;
    private final DType[] dtypes;
    private final boolean[] needsGrad;
    private boolean freed;

    Saved(Tensor[] allInputs, boolean keepInputs, Tensor output, boolean keepOutput, Object[] attrs) {
        int n = allInputs.length;
        this.shapes = new long[n][];
        this.dtypes = new DType[n];
        this.needsGrad = new boolean[n];
        for (int i = 0; i < n; i++) {
            shapes[i] = allInputs[i].shape();
            dtypes[i] = allInputs[i].dtype();
            needsGrad[i] = allInputs[i].requiresGrad();
        }
        this.inputs = keepInputs ? allInputs.clone() : null;
        this.inputVersions = new int[n];
        if (keepInputs) for (int i = 0; i < n; i++) inputVersions[i] = allInputs[i].storage().version();
        this.output = keepOutput ? output : null;
        this.outputVersion = keepOutput ? output.storage().version() : 0;
        this.attrs = attrs;
    }

    /** Input i as it was at record time; throws if it was modified in place since. */
    public Tensor in(int i) {
        checkAlive();
        if (inputs == null) throw new IllegalStateException("derivative rule reads an input it did not declare as saved");
        check(inputs[i], inputVersions[i]);
        return inputs[i];
    }

    public Tensor out() {
        checkAlive();
        if (output == null) throw new IllegalStateException("derivative rule reads the output it did not declare as saved");
        check(output, outputVersion);
        return output;
    }

    public long[] shape(int i) { return shapes[i]; }
    public DType dtype(int i) { return dtypes[i]; }
    public int inputCount() { return shapes.length; }
    public boolean needsGrad(int i) { return needsGrad[i]; }

    @SuppressWarnings("unchecked")
    public <T> T attr(int i) { return (T) attrs[i]; }

    void free() { freed = true; }

    private void checkAlive() {
        if (freed) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). "
                    + "Saved intermediate values of the graph are freed when you call .backward(). Specify retainGraph=true if you need to backward through the graph a second time.");
        }
    }

    private static void check(Tensor t, int version) {
        t.checkOpen();
        int now = t.storage().version();
        if (now != version) {
            throw new IllegalStateException("one of the variables needed for gradient computation has been modified by an inplace operation: [" + t.dtype()
                    + " " + java.util.Arrays.toString(t.shape()) + "] is at version " + now + "; expected version " + version + " instead.");
        }
    }
}
