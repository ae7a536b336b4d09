package dev.jtorch.examples.seed;

import dev.jtorch.Torch;
import dev.jtorch.data.Batch;
import dev.jtorch.data.DataLoader;
import dev.jtorch.examples.mnist.MnistSplits;
import dev.jtorch.nn.CrossEntropyLoss;
import dev.jtorch.optim.Adam;
import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Tensor;

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
            model.train();
            long t0 = System.nanoTime();
            double lossSum = 0;
            int n = 0;
            for (Batch b : loader) {
                try (var scope = MemoryScope.open()) {
                    optimizer.zeroGrad();
                    Tensor loss = criterion.forward(model.forward(b.input()), b.target());
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item() * b.size();
                    n += b.size();
                }
            }
            model.eval();
            long correct = 0;
            try (var g = Torch.noGrad()) {
                for (Batch b : DataLoader.builder(splits.test()).batchSize(256).build()) {
                    correct += (long) model.forward(b.input()).argmax(1, false).eq(b.target()).sum().item();
                }
            }
            System.out.printf(Locale.ROOT, "epoch %d: loss %.4f, test accuracy %.2f%%, %.1f s%n", epoch, lossSum / n,
                    100.0 * correct / splits.test().size(), (System.nanoTime() - t0) / 1e9);
        }
        Files.createDirectories(out);
        Torch.save(model.stateDict(), out.resolve("simple_cnn.safetensors"));
    }
}
