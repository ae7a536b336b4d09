package dev.jtorch.examples.mnist;

import dev.jtorch.Torch;
import dev.jtorch.data.Batch;
import dev.jtorch.data.DataLoader;
import dev.jtorch.data.TensorDataset;
import dev.jtorch.nn.Loss;
import dev.jtorch.nn.Module;
import dev.jtorch.optim.Optimizer;
import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Tensor;

/** The seed's training loop and test accuracy for the digit classifiers (LeNet-5, SimpleCNN). */
public final class ClassifierTraining {
    private ClassifierTraining() {}

    /** Called after each step with the samples seen so far and their mean loss. */
    @FunctionalInterface
    public interface StepListener { void afterStep(int seen, double meanLoss); }

    /** One epoch of the seed's loop; returns the mean training loss. Each step runs in its own memory scope. */
    public static double trainEpoch(Module model, Iterable<Batch> loader, Optimizer optimizer, Loss criterion, StepListener listener) {
        model.train();
        double lossSum = 0;
        int seen = 0;
        for (Batch batch : loader) {
            // one scope per step: every intermediate tensor is freed at once, no GC needed
            try (var scope = MemoryScope.open()) {
                optimizer.zeroGrad();
                Tensor loss = criterion.forward(model.forward(batch.input()), batch.target());
                loss.backward();
                optimizer.step();
                lossSum += loss.item() * batch.size();
            }
            seen += batch.size();
            listener.afterStep(seen, lossSum / seen);
        }
        return lossSum / Math.max(seen, 1);
    }

    public static double accuracy(Module model, TensorDataset test, int batchSize) {
        model.eval();
        long correct = 0;
        try (var g = Torch.noGrad()) {
            for (Batch b : DataLoader.builder(test).batchSize(Math.max(batchSize, 256)).build()) {
                try (var scope = MemoryScope.open()) {
                    correct += (long) model.forward(b.input()).argmax(1, false).eq(b.target()).sum().item();
                }
            }
        }
        model.train();
        return (double) correct / test.size();
    }
}
