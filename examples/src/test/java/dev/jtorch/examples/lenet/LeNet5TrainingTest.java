package dev.jtorch.examples.lenet;

import dev.jtorch.Torch;
import dev.jtorch.data.DataLoader;
import dev.jtorch.examples.mnist.ClassifierTraining;
import dev.jtorch.examples.mnist.MnistSplits;
import dev.jtorch.nn.CrossEntropyLoss;
import dev.jtorch.optim.Adam;
import dev.jtorch.tensor.HostAllocator;
import dev.jtorch.tensor.Reclaimer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job's own loop, one epoch on the bundled digits: it must learn, and its memory must not grow. */
class LeNet5TrainingTest {

    @Test void oneEpochLearnsTheBundledDigits() throws Exception {
        MnistSplits data = MnistSplits.load(null, MnistSplits.lenetTransform());
        Torch.manualSeed(0);
        LeNet5 model = new LeNet5();
        var optimizer = new Adam(model.parameters(), 1e-3);
        var loader = DataLoader.builder(data.train()).batchSize(32).shuffle(true).seed(0).build();
        double before = ClassifierTraining.accuracy(model, data.test(), 256);
        long[] liveAtStep20 = new long[1];
        double loss = ClassifierTraining.trainEpoch(model, loader, optimizer, new CrossEntropyLoss(), (seen, l) -> {
            if (seen == 32 * 20) liveAtStep20[0] = liveBytes();
        });
        long liveAtEnd = liveBytes();
        double after = ClassifierTraining.accuracy(model, data.test(), 256);
        assertTrue(before < 0.3, "an untrained model guesses: " + before);
        assertTrue(loss < 1.2, "mean training loss of the first epoch: " + loss);
        assertTrue(after > 0.85, "test accuracy after one epoch: " + after);
        // step temporaries die with each step's scope; batches and dropped gradients are reclaimed once
        // unreachable: nothing the loop made stays alive, so live bytes after step 20 and at the end match
        assertTrue(Math.abs(liveAtEnd - liveAtStep20[0]) < (2L << 20),
                "live native bytes went from " + liveAtStep20[0] + " at step 20 to " + liveAtEnd + " after the epoch");
    }

    /** Bytes in use once everything unreachable has been reclaimed. */
    private static long liveBytes() {
        Reclaimer.collect();
        return HostAllocator.get().stats().allocatedBytes();
    }
}
