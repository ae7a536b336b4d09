package dev.jtorch.data.datasets;

import dev.jtorch.data.transforms.Transform;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The 10,000 real MNIST digits shipped with the project ({@code examples/data/mnist/}, see the README beside them
 * for provenance): shuffled once, so the first 8,000 are the training split and the last 2,000 the test split,
 * both class-balanced. Needs no download.
 */
public final class BundledMnist extends ImageClassificationDataset {
    public static final String IMAGES_FILE = "mnist-10k-images-idx3-ubyte.gz";
    public static final String LABELS_FILE = "mnist-10k-labels-idx1-ubyte.gz";
    /** System property naming the folder holding the two files. */
    public static final String DIRECTORY_PROPERTY = "jtorch.mnist.bundled";
    public static final int TRAIN_SIZE = 8000;

    public enum Split { TRAIN, TEST, ALL }

    private final Split split;

    private BundledMnist(Images images, Split split, Transform transform) {
        super(images, transform);
        this.split = split;
    }

    /** The first 8,000 digits. */
    public static BundledMnist train(Transform transform) throws IOException { return load(defaultDirectory(), Split.TRAIN, transform); }

    /** The last 2,000 digits. */
    public static BundledMnist test(Transform transform) throws IOException { return load(defaultDirectory(), Split.TEST, transform); }

    public static BundledMnist load(Path directory, Split split, Transform transform) throws IOException {
        Images all = MNIST.readPair(directory.resolve(IMAGES_FILE), directory.resolve(LABELS_FILE), 10);
        int first = split == Split.TEST ? Math.min(TRAIN_SIZE, all.count()) : 0;
        int count = switch (split) {
            case TRAIN -> Math.min(TRAIN_SIZE, all.count());
            case TEST -> all.count() - first;
            case ALL -> all.count();
        };
        return new BundledMnist(new Images(all.pixels(), all.labels(), first, count, all.height(), all.width(), 1), split, transform);
    }

    public Split split() { return split; }

    @Override public List<String> classes() { return MNIST.RESOURCES.classes(); }

    /**
     * The folder with the bundled files: the system property {@value #DIRECTORY_PROPERTY}, else
     * {@code examples/data/mnist} or {@code data/mnist} found from the working directory or one of its parents.
     */
    public static Path defaultDirectory() throws FileNotFoundException {
        String prop = System.getProperty(DIRECTORY_PROPERTY);
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        List<Path> tried = new ArrayList<>();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (String rel : List.of("examples/data/mnist", "data/mnist")) {
                Path candidate = dir.resolve(rel);
                if (Files.isRegularFile(candidate.resolve(IMAGES_FILE))) return candidate;
                tried.add(candidate);
            }
        }
        throw new FileNotFoundException("bundled MNIST digits not found (set -D" + DIRECTORY_PROPERTY + "=<folder>); looked in " + tried);
    }
}
