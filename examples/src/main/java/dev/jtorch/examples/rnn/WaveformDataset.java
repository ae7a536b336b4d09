package dev.jtorch.examples.rnn;

import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * A small sequence classification task: 20 noisy samples of a sine, a square or a sawtooth wave (classes
 * 0, 1, 2) with random period (8 to 16 steps), phase and amplitude (0.5 to 1.5). Only the shape over time
 * tells them apart, so a model has to integrate the sequence.
 *
 * @param trainX [N, 20, 1]  @param trainY [N] int64 labels  (test alike)
 */
public record WaveformDataset(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY) {
    public static final String[] CLASSES = {"sine", "square", "sawtooth"};
    public static final int LENGTH = 20;

    public static WaveformDataset generate(int perClass, double noise, double trainFraction, long seed) {
        SplittableRandom r = new Generator(seed).split();
        int n = perClass * CLASSES.length;
        float[] x = new float[n * LENGTH];
        long[] y = new long[n];
        int[] order = dev.jtorch.data.Permutations.randperm(n, new Generator(seed + 1)); // classes interleaved
        for (int k = 0; k < n; k++) {
            int row = order[k], label = k % CLASSES.length;
            double period = 8 + 8 * r.nextDouble(), phase = r.nextDouble(), amplitude = 0.5 + r.nextDouble();
            for (int t = 0; t < LENGTH; t++) {
                double cycle = t / period + phase, frac = cycle - Math.floor(cycle);
                double v = switch (label) {
                    case 0 -> Math.sin(2 * Math.PI * cycle);
                    case 1 -> frac < 0.5 ? 1 : -1;
                    default -> 2 * frac - 1;
                };
                x[row * LENGTH + t] = (float) (amplitude * v + noise * r.nextGaussian());
            }
            y[row] = label;
        }
        Tensor all = Tensor.of(x).view(n, LENGTH, 1), labels = Tensor.of(y);
        int train = (int) Math.round(n * trainFraction);
        return new WaveformDataset(all.narrow(0, 0, train), labels.narrow(0, 0, train), all.narrow(0, train, n - train), labels.narrow(0, train, n - train));
    }
}
