package dev.jtorch.examples.mnist;

import dev.jtorch.data.Sample;
import dev.jtorch.data.TensorDataset;
import dev.jtorch.data.datasets.BundledMnist;
import dev.jtorch.data.datasets.ImageClassificationDataset;
import dev.jtorch.data.datasets.MNIST;
import dev.jtorch.data.transforms.Compose;
import dev.jtorch.data.transforms.Normalize;
import dev.jtorch.data.transforms.Resize;
import dev.jtorch.data.transforms.ToTensor;
import dev.jtorch.data.transforms.Transform;
import dev.jtorch.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The digits the examples train and test on: by default the 10,000 bundled real MNIST digits (first 8,000
 * train, last 2,000 test); with a data folder, the full 60k/10k IDX files in torchvision's layout
 * ({@code DIR/MNIST/raw/*-ubyte.gz}). Transformed once up front: the transforms are deterministic, so
 * doing them per epoch would only repeat work.
 */
public record MnistSplits(TensorDataset train, TensorDataset test, String source) {

    /** The seed's LeNet-5 pipeline: Resize(32), ToTensor, Normalize(0.5, 0.5). */
    public static Transform lenetTransform() {
        return new Compose(List.of(new ToTensor(), new Resize(32, 32), new Normalize(0.5, 0.5)));
    }

    /** 28x28 digits, normalised with MNIST's mean and std, as the seed's SimpleCNN uses. */
    public static Transform plainTransform() {
        return new Compose(List.of(new ToTensor(), new Normalize(0.1307, 0.3081)));
    }

    public static MnistSplits load(Path dataDir, Transform transform) throws IOException {
        if (dataDir == null) {
            return new MnistSplits(materialize(BundledMnist.train(transform)), materialize(BundledMnist.test(transform)),
                    "bundled MNIST digits (" + BundledMnist.defaultDirectory() + ")");
        }
        return new MnistSplits(materialize(new MNIST(dataDir, true, transform, false)), materialize(new MNIST(dataDir, false, transform, false)),
                "MNIST IDX files under " + dataDir);
    }

    private static TensorDataset materialize(ImageClassificationDataset ds) {
        List<Tensor> xs = new ArrayList<>(ds.size());
        List<Tensor> ys = new ArrayList<>(ds.size());
        for (int i = 0; i < ds.size(); i++) {
            Sample s = ds.get(i);
            xs.add(s.input());
            ys.add(s.target());
        }
        return new TensorDataset(Tensor.stack(xs, 0), Tensor.stack(ys, 0));
    }
}
