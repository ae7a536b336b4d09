package dev.jtorch.examples.seed;

import dev.jtorch.Torch;
import dev.jtorch.nn.CrossEntropyLoss;
import dev.jtorch.nn.Linear;
import dev.jtorch.nn.ReLU;
import dev.jtorch.nn.Sequential;
import dev.jtorch.optim.Adam;
import dev.jtorch.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The seed's SimpleNN: a Sequential of Linear and ReLU, CrossEntropyLoss, 100 full-batch epochs, here on
 * three interleaved spirals (600 points, 2 features) so that a linear model could not separate them.
 */
public final class SimpleNNExample {
    private SimpleNNExample() {}

    public static void run(int epochs, Path out) throws Exception {
        Torch.manualSeed(0);
        int perClass = 200, classes = 3;
        float[] xy = new float[perClass * classes * 2];
        long[] labels = new long[perClass * classes];
        Tensor noise = Torch.randn(perClass * classes);
        float[] nz = noise.toFloatArray();
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                int k = c * perClass + i;
                double r = (double) i / perClass;
                double theta = c * 2 * Math.PI / classes + 4 * r + 0.2 * nz[k];
                xy[2 * k] = (float) (r * Math.sin(theta));
                xy[2 * k + 1] = (float) (r * Math.cos(theta));
                labels[k] = c;
            }
        }
        Tensor x = Tensor.of(xy).view(perClass * classes, 2), y = Tensor.of(labels);
        var model = new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, classes));
        System.out.println(model);
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(model.parameters(), 0.01);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            optimizer.zeroGrad();
            Tensor loss = criterion.forward(model.forward(x), y);
            loss.backward();
            optimizer.step();
            if (epoch % 10 == 0 || epoch == 1) System.out.printf(Locale.ROOT, "epoch %3d  loss %.4f%n", epoch, loss.item());
        }
        double acc;
        try (var g = Torch.noGrad()) {
            acc = model.forward(x).argmax(1, false).eq(y).toDouble().mean().item();
        }
        System.out.printf(Locale.ROOT, "training accuracy %.1f%%%n", 100 * acc);
        Files.createDirectories(out);
        Torch.save(model.stateDict(), out.resolve("simple_nn.safetensors"));
        System.out.println("saved " + out.resolve("simple_nn.safetensors"));
    }
}
