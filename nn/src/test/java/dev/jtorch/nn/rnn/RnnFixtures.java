package dev.jtorch.nn.rnn;

import dev.jtorch.nn.GRU;
import dev.jtorch.nn.LSTM;
import dev.jtorch.nn.LstmOutput;
import dev.jtorch.nn.PackedLstmOutput;
import dev.jtorch.nn.PackedRnnOutput;
import dev.jtorch.nn.PackedSequence;
import dev.jtorch.nn.RNN;
import dev.jtorch.nn.RNNBase;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.nn.RnnOutput;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Building the three layers by kind, running them uniformly, and seeded float64 inputs. */
final class RnnFixtures {
    private RnnFixtures() {}

    static RNNBase build(RnnReference.Kind kind, int input, int hidden, RnnOptions options) {
        return switch (kind) {
            case RNN_TANH -> new RNN(input, hidden, RNN.Nonlinearity.TANH, options);
            case RNN_RELU -> new RNN(input, hidden, RNN.Nonlinearity.RELU, options);
            case LSTM -> new LSTM(input, hidden, options);
            case GRU -> new GRU(input, hidden, options);
        };
    }

    /** output, hN and (LSTM) cN of a padded input. */
    static List<Tensor> run(RNNBase m, Tensor x, Tensor h0, Tensor c0) {
        return switch (m) {
            case LSTM lstm -> {
                LstmOutput o = lstm.forward(x, h0, c0);
                yield List.of(o.output(), o.hN(), o.cN());
            }
            case RNN rnn -> {
                RnnOutput o = rnn.forward(x, h0);
                yield List.of(o.output(), o.hN());
            }
            case GRU gru -> {
                RnnOutput o = gru.forward(x, h0);
                yield List.of(o.output(), o.hN());
            }
            default -> throw new IllegalArgumentException(m.toString());
        };
    }

    /** packed output data, hN and (LSTM) cN of a packed input. */
    static List<Tensor> run(RNNBase m, PackedSequence x, Tensor h0, Tensor c0) {
        return switch (m) {
            case LSTM lstm -> {
                PackedLstmOutput o = lstm.forward(x, h0, c0);
                yield List.of(o.output().data(), o.hN(), o.cN());
            }
            case RNN rnn -> {
                PackedRnnOutput o = rnn.forward(x, h0);
                yield List.of(o.output().data(), o.hN());
            }
            case GRU gru -> {
                PackedRnnOutput o = gru.forward(x, h0);
                yield List.of(o.output().data(), o.hN());
            }
            default -> throw new IllegalArgumentException(m.toString());
        };
    }

    /** Everything flattened into one vector, for gradcheck's single output. */
    static Tensor flatCat(List<Tensor> parts) {
        List<Tensor> flat = new ArrayList<>();
        for (Tensor p : parts) flat.add(p.reshape(-1));
        return Tensor.cat(flat, 0);
    }

    static Tensor randn(long seed, long... shape) { return Tensor.randn(shape, DType.FLOAT64, Device.CPU, new Generator(seed)); }

    static Tensor leaf(long seed, long... shape) { return randn(seed, shape).requiresGrad(true); }

    static Map<String, double[]> weights(RNNBase m) {
        Map<String, double[]> w = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> w.put(k, v.toDoubleArray()));
        return w;
    }

    /** A [A][B][C] array of a 3-d tensor. */
    static double[][][] array3(Tensor t) {
        int a = (int) t.size(0), b = (int) t.size(1), c = (int) t.size(2);
        double[] flat = t.contiguous().toDoubleArray();
        double[][][] r = new double[a][b][c];
        for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) System.arraycopy(flat, (i * b + j) * c, r[i][j], 0, c);
        return r;
    }

    static double[] flat(double[][][] a) {
        List<Double> out = new ArrayList<>();
        for (double[][] x : a) for (double[] y : x) for (double z : y) out.add(z);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
