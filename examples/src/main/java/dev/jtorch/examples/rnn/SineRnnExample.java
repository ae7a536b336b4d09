package dev.jtorch.examples.rnn;

import dev.jtorch.Torch;
import dev.jtorch.data.Permutations;
import dev.jtorch.nn.MSELoss;
import dev.jtorch.optim.Adam;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The seed's SimpleRNN on SineDataset: windows of 20 noisy sine values (noise 0.02, 3000 points, 80% of the
 * windows to train) predict the next value;
 * hidden 32, Adam lr 0.01, batch 32, 10 epochs; reports the test MSE (the noise alone costs 0.0004).
 */
public final class SineRnnExample {
    private SineRnnExample() {}

    /** The result the report quotes. */
    public record Result(double finalTrainLoss, double testMse, double seconds) {}

    public static Result run(int epochs, Path out, long seed) throws Exception {
        long start = System.nanoTime();
        Torch.manualSeed(seed);
        SineDataset data = SineDataset.generate(3000, 20, 0.02, 0.8, 0);
        var model = new SimpleRNN(1, 32, 1);
        System.out.println(model);
        var criterion = new MSELoss();
        var optimizer = new Adam(model.parameters(), 0.01);
        int n = (int) data.trainX().size(0), batchSize = 32;
        double epochLoss = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            model.train();
            int[] order = Permutations.randperm(n, Generator.defaultGenerator());
            double sum = 0;
            for (int b = 0; b < n; b += batchSize) {
                Tensor idx = Tensor.of(java.util.Arrays.copyOfRange(order, b, Math.min(n, b + batchSize)));
                try (var scope = Torch.scope()) {
                    optimizer.zeroGrad();
                    Tensor loss = criterion.forward(model.forward(data.trainX().indexSelect(0, idx)), data.trainY().indexSelect(0, idx));
                    loss.backward();
                    optimizer.step();
                    sum += loss.item() * idx.numel();
                }
            }
            epochLoss = sum / n;
            System.out.printf(Locale.ROOT, "epoch %2d/%d  train MSE %.6f  (%.1f s)%n", epoch, epochs, epochLoss, (System.nanoTime() - start) / 1e9);
        }
        model.eval();
        double[] predicted, truth = data.testY().toDoubleArray();
        double testMse;
        try (var g = Torch.noGrad()) {
            Tensor p = model.forward(data.testX());
            testMse = criterion.forward(p, data.testY()).item();
            predicted = p.toDoubleArray();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "test MSE %.6f on %d windows (%s 1e-3), %.1f s%n", testMse, truth.length, testMse < 1e-3 ? "<" : "NOT <", seconds);

        Path weights = out.resolve("sine_rnn.safetensors");
        java.nio.file.Files.createDirectories(out);
        Torch.save(model.stateDict(), weights);
        double[] step = new double[truth.length];
        for (int i = 0; i < step.length; i++) step[i] = i;
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("true", truth);
        series.put("predicted", predicted);
        Plots.lines(out.resolve("sine_rnn_test.png"), String.format(Locale.ROOT, "SimpleRNN next-value prediction on the test stretch (MSE %.2e)", testMse),
                "test window", "value", step, series);
        Plots.csv(out.resolve("sine_rnn_test.csv"), "window", step, series);
        System.out.println("saved " + weights + ", " + out.resolve("sine_rnn_test.png") + ", " + out.resolve("sine_rnn_test.csv"));
        return new Result(epochLoss, testMse, seconds);
    }
}
