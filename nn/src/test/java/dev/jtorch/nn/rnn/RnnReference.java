package dev.jtorch.nn.rnn;

import java.util.Map;

/**
 * PyTorch's recurrent equations in plain double loops, one sequence and one vector at a time, over the weights
 * of a state dict: the reference the layers are checked against. Shapes are time-major arrays.
 */
final class RnnReference {
    private RnnReference() {}

    enum Kind { RNN_TANH, RNN_RELU, LSTM, GRU }

    /** output [T][B][D*H] (zeros past each length), hN and cN [L*D][B][H] (cN only for LSTM). */
    record Result(double[][][] output, double[][][] hN, double[][][] cN) {}

    static int gates(Kind kind) {
        return switch (kind) {
            case RNN_TANH, RNN_RELU -> 1;
            case LSTM -> 4;
            case GRU -> 3;
        };
    }

    /**
     * @param weights state-dict values flattened row-major; missing biases mean bias=False
     * @param lengths per sequence, or null for all T
     */
    static Result run(Kind kind, Map<String, double[]> weights, int hidden, int layers, boolean bidirectional,
                      double[][][] x, double[][][] h0, double[][][] c0, long[] lengths) {
        int steps = x.length, batch = x[0].length, dirs = bidirectional ? 2 : 1;
        double[][][] layerInput = x;
        double[][][] hN = new double[layers * dirs][batch][], cN = new double[layers * dirs][batch][];
        for (int l = 0; l < layers; l++) {
            double[][][] out = new double[steps][batch][dirs * hidden];
            for (int d = 0; d < dirs; d++) {
                String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                double[] wih = weights.get("weight_ih" + suffix), whh = weights.get("weight_hh" + suffix);
                double[] bih = weights.get("bias_ih" + suffix), bhh = weights.get("bias_hh" + suffix);
                int state = l * dirs + d;
                for (int b = 0; b < batch; b++) {
                    int len = lengths == null ? steps : (int) lengths[b];
                    double[] h = h0 == null ? new double[hidden] : h0[state][b].clone();
                    double[] c = c0 == null ? new double[hidden] : c0[state][b].clone();
                    for (int s = 0; s < len; s++) {
                        int t = d == 0 ? s : len - 1 - s;
                        double[][] hc = cell(kind, layerInput[t][b], h, c, wih, whh, bih, bhh, hidden);
                        h = hc[0];
                        c = hc[1];
                        System.arraycopy(h, 0, out[t][b], d * hidden, hidden);
                    }
                    hN[state][b] = h;
                    cN[state][b] = c;
                }
            }
            layerInput = out;
        }
        return new Result(layerInput, hN, kind == Kind.LSTM ? cN : null);
    }

    /** One step for one sequence: {h', c'}. */
    static double[][] cell(Kind kind, double[] x, double[] h, double[] c, double[] wih, double[] whh, double[] bih, double[] bhh, int hidden) {
        int rows = gates(kind) * hidden;
        double[] gi = new double[rows], gh = new double[rows];
        for (int r = 0; r < rows; r++) {
            double a = bih == null ? 0 : bih[r], bsum = bhh == null ? 0 : bhh[r];
            for (int k = 0; k < x.length; k++) a += wih[r * x.length + k] * x[k];
            for (int k = 0; k < hidden; k++) bsum += whh[r * hidden + k] * h[k];
            gi[r] = a;
            gh[r] = bsum;
        }
        double[] hNext = new double[hidden], cNext = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            switch (kind) {
                case RNN_TANH -> hNext[j] = Math.tanh(gi[j] + gh[j]);
                case RNN_RELU -> hNext[j] = Math.max(0, gi[j] + gh[j]);
                case LSTM -> {
                    double i = sigmoid(gi[j] + gh[j]), f = sigmoid(gi[hidden + j] + gh[hidden + j]);
                    double g = Math.tanh(gi[2 * hidden + j] + gh[2 * hidden + j]), o = sigmoid(gi[3 * hidden + j] + gh[3 * hidden + j]);
                    cNext[j] = f * c[j] + i * g;
                    hNext[j] = o * Math.tanh(cNext[j]);
                }
                case GRU -> {
                    double r = sigmoid(gi[j] + gh[j]), z = sigmoid(gi[hidden + j] + gh[hidden + j]);
                    double n = Math.tanh(gi[2 * hidden + j] + r * gh[2 * hidden + j]);
                    hNext[j] = (1 - z) * n + z * h[j];
                }
            }
        }
        return new double[][] {hNext, cNext};
    }

    private static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }
}
