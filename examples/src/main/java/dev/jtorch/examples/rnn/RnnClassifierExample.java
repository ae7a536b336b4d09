package dev.jtorch.examples.rnn;

import dev.jtorch.Torch;
import dev.jtorch.nn.CrossEntropyLoss;
import dev.jtorch.optim.Adam;
import dev.jtorch.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The seed's many-to-one classifier: SimpleRNN (hidden 32) given an explicit zero {@code h0}, the last step's
 * output to 3 logits, CrossEntropyLoss, Adam lr 0.01, 100 full-batch epochs on {@link WaveformDataset}.
 */
public final class RnnClassifierExample {
    private RnnClassifierExample() {}

    public record Result(double finalTrainLoss, double trainAccuracy, double testAccuracy, double seconds) {}

    public static Result run(int epochs, Path out, long seed) throws Exception {
        long start = System.nanoTime();
        Torch.manualSeed(seed);
        WaveformDataset data = WaveformDataset.generate(200, 0.1, 0.8, 0);
        var model = new SimpleRNN(1, 32, WaveformDataset.CLASSES.length);
        System.out.println(model);
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(model.parameters(), 0.01);
        double lastLoss = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            model.train();
            try (var scope = Torch.scope()) {
                optimizer.zeroGrad();
                Tensor h0 = Torch.zeros(1, data.trainX().size(0), model.hiddenSize());
                Tensor loss = criterion.forward(model.forward(data.trainX(), h0), data.trainY());
                loss.backward();
                optimizer.step();
                lastLoss = loss.item();
            }
            if (epoch == 1 || epoch % 10 == 0) {
                System.out.printf(Locale.ROOT, "epoch %3d/%d  loss %.4f  test accuracy %.1f%%  (%.1f s)%n", epoch, epochs, lastLoss,
                        100 * accuracy(model, data.testX(), data.testY()), (System.nanoTime() - start) / 1e9);
            }
        }
        double trainAcc = accuracy(model, data.trainX(), data.trainY()), testAcc = accuracy(model, data.testX(), data.testY());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "accuracy: train %.1f%% (%d sequences), test %.1f%% (%d sequences); classes %s; %.1f s%n",
                100 * trainAcc, data.trainX().size(0), 100 * testAcc, data.testX().size(0), String.join("/", WaveformDataset.CLASSES), seconds);
        Files.createDirectories(out);
        Path weights = out.resolve("rnn_classifier.safetensors");
        Torch.save(model.stateDict(), weights);
        System.out.println("saved " + weights);
        return new Result(lastLoss, trainAcc, testAcc, seconds);
    }

    static double accuracy(SimpleRNN model, Tensor x, Tensor y) {
        model.eval();
        try (var g = Torch.noGrad()) {
            Tensor h0 = Torch.zeros(1, x.size(0), model.hiddenSize());
            return model.forward(x, h0).argmax(1, false).eq(y).toDouble().mean().item();
        } finally {
            model.train();
        }
    }
}
