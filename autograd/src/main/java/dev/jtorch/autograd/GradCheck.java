package dev.jtorch.autograd;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Tensor;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Compares analytical gradients with central finite differences, as {@code torch.autograd.gradcheck}:
 * float64 inputs, eps 1e-6, and |analytical - numerical| <= atol + rtol * |numerical| for every entry of
 * the Jacobian of every input that requires grad.
 */
public final class GradCheck {
    public static final double EPS = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

    private GradCheck() {}

    /** Thrown with the first mismatching Jacobian entry and both values. */
    public static final class GradcheckError extends AssertionError {
        GradcheckError(String message) { super(message); }
    }

    /** Checks {@code f} at {@code inputs}; returns true or throws {@link GradcheckError}. */
    public static boolean gradcheck(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return gradcheck(f, EPS, ATOL, RTOL, inputs);
    }

    public static boolean gradcheck(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].requiresGrad() && inputs[i].dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("gradcheck expects float64 inputs that require grad; input " + i + " is " + inputs[i].dtype());
            }
        }
        Tensor out = f.apply(inputs);
        int nOut = (int) out.numel();
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            if (!x.requiresGrad()) continue;
            int nIn = (int) x.numel();
            double[][] numerical = numericalJacobian(f, inputs, k, nOut, eps);
            double[][] analytical = analyticalJacobian(f, inputs, k, nIn, nOut);
            for (int i = 0; i < nIn; i++) {
                for (int j = 0; j < nOut; j++) {
                    double a = analytical[i][j], n = numerical[i][j];
                    if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
                        throw new GradcheckError("Jacobian mismatch for output 0 with respect to input " + k + " at (input element " + i + ", output element " + j
                                + "): numerical " + n + ", analytical " + a + "\nnumerical row: " + Arrays.toString(numerical[i]) + "\nanalytical row: " + Arrays.toString(analytical[i]));
                    }
                }
            }
        }
        return true;
    }

    /** Row i: d out / d x_i by central differences, perturbing the input's elements through a flat view. */
    private static double[][] numericalJacobian(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, int nOut, double eps) {
        Tensor x = inputs[k];
        int nIn = (int) x.numel();
        double[][] jac = new double[nIn][];
        double[] base = x.toDoubleArray();
        try (var g = GradMode.noGrad()) {
            for (int i = 0; i < nIn; i++) {
                Tensor at = element(x, i);
                at.fill_(base[i] + eps);
                double[] plus = f.apply(inputs).toDoubleArray();
                at.fill_(base[i] - eps);
                double[] minus = f.apply(inputs).toDoubleArray();
                at.fill_(base[i]);
                jac[i] = new double[nOut];
                for (int j = 0; j < nOut; j++) jac[i][j] = (plus[j] - minus[j]) / (2 * eps);
            }
        }
        return jac;
    }

    /** Column j: the gradient of out_j, one backward per output element. */
    private static double[][] analyticalJacobian(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, int nIn, int nOut) {
        double[][] jac = new double[nIn][nOut];
        Tensor x = inputs[k];
        for (int j = 0; j < nOut; j++) {
            for (Tensor t : inputs) t.setGrad(null);
            Tensor out = f.apply(inputs);
            if (!out.requiresGrad()) continue; // output independent of every input: zero Jacobian
            double[] onehot = new double[nOut];
            onehot[j] = 1;
            out.backward(Tensor.of(onehot).reshape(out.shape()).to(out.dtype()), false);
            Tensor g = x.grad();
            if (g == null) continue;
            double[] col = g.toDoubleArray();
            for (int i = 0; i < nIn; i++) jac[i][j] = col[i];
        }
        for (Tensor t : inputs) t.setGrad(null);
        return jac;
    }

    /** The i-th element in row-major order, as a writable 0-dim view of x's storage. */
    private static Tensor element(Tensor x, int i) {
        long[] shape = x.shape(), strides = x.strides();
        long off = x.storageOffset(), r = i;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (r % shape[d]) * strides[d];
            r /= shape[d];
        }
        return x.asStrided(new long[0], new long[0], off);
    }
}
