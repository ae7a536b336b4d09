package dev.jtorch.examples.seed;

import dev.jtorch.Torch;
import dev.jtorch.data.DataLoader;
import dev.jtorch.examples.mnist.ClassifierTraining;
import dev.jtorch.examples.mnist.MnistSplits;
import dev.jtorch.nn.CrossEntropyLoss;
import dev.jtorch.optim.Adam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The seed's SimpleCNN on 28x28 MNIST digits (bundled 8,000 / 2,000 split by default). */
public final class SimpleCNNExample {
    private SimpleCNNExample() {}

    public static void run(int epochs, Path data, Path out) throws Exception {
        Torch.manualSeed(0);
        MnistSplits splits = MnistSplits.load(data, MnistSplits.plainTransform());
        SimpleCNN model = new SimpleCNN();
        System.out.println(model);
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(model.parameters(), 1e-3);
        var loader = DataLoader.builder(splits.train()).batchSize(64).shuffle(true).seed(0).build();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            double loss = ClassifierTraining.trainEpoch(model, loader, optimizer, criterion, (seen, meanLoss) -> {});
            double accuracy = ClassifierTraining.accuracy(model, splits.test(), 256);
            System.out.printf(Locale.ROOT, "epoch %d: loss %.4f, test accuracy %.2f%%, %.1f s%n", epoch, loss, 100 * accuracy, (System.nanoTime() - t0) / 1e9);
        }
        Files.createDirectories(out);
        Torch.save(model.stateDict(), out.resolve("simple_cnn.safetensors"));
    }
}
