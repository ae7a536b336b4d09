package dev.jtorch.data.datasets;

import dev.jtorch.data.transforms.Transform;
import dev.jtorch.serialization.BoundedReads;
import dev.jtorch.serialization.CorruptFileException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 from its binary version ({@code cifar-10-binary.tar.gz}, extracted): {@code root/cifar-10-batches-bin/}
 * holding {@code data_batch_1.bin} .. {@code data_batch_5.bin} (train) and {@code test_batch.bin}. Each record is
 * one label byte and 3072 pixel bytes (1024 red, 1024 green, 1024 blue, row-major 32x32). Items are
 * {@code [32, 32, 3]} images as the other image datasets give them. Downloading is not supported.
 */
public final class CIFAR10 extends ImageClassificationDataset {
    public static final String FOLDER = "cifar-10-batches-bin";
    static final int SIDE = 32, PLANE = SIDE * SIDE, RECORD = 1 + 3 * PLANE;
    static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    static final List<String> TEST_FILES = List.of("test_batch.bin");

    private final boolean train;

    public CIFAR10(Path root, boolean train, Transform transform) throws IOException {
        super(load(root.resolve(FOLDER), train ? TRAIN_FILES : TEST_FILES), transform);
        this.train = train;
    }

    public boolean train() { return train; }

    @Override public List<String> classes() { return CLASSES; }

    private static Images load(Path dir, List<String> names) throws IOException {
        List<byte[]> files = new ArrayList<>();
        long total = 0;
        for (String name : names) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) throw new FileNotFoundException("CIFAR10 batch not found: " + f + " (extract cifar-10-binary.tar.gz into " + dir.getParent() + ")");
            long size = Files.size(f);
            if (size == 0 || size % RECORD != 0) {
                throw CorruptFileException.of(f, "length " + size + " is not a whole number of " + RECORD + "-byte records (1 label + 3072 pixels)"
                        + (size % RECORD != 0 ? "; truncated?" : ""));
            }
            total += size;
            if (total / RECORD * 3 * PLANE > Integer.MAX_VALUE - 8) throw CorruptFileException.of(f, "too many records for one array");
            try (InputStream in = Files.newInputStream(f)) {
                files.add(BoundedReads.readExactly(in, size, f.toString()));
            }
        }
        int count = (int) (total / RECORD);
        byte[] pixels = new byte[count * 3 * PLANE];
        byte[] labels = new byte[count];
        int n = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            byte[] data = files.get(fi);
            for (int r = 0; r < data.length / RECORD; r++, n++) {
                int at = r * RECORD;
                int label = data[at] & 0xff;
                if (label >= CLASSES.size()) throw CorruptFileException.of(dir.resolve(names.get(fi)), "record " + r + " has label " + label + ", not a class 0..9");
                labels[n] = (byte) label;
                // planar RGB to interleaved H x W x C, the layout every image dataset here yields
                int dst = n * 3 * PLANE;
                for (int p = 0; p < PLANE; p++) {
                    pixels[dst + 3 * p] = data[at + 1 + p];
                    pixels[dst + 3 * p + 1] = data[at + 1 + PLANE + p];
                    pixels[dst + 3 * p + 2] = data[at + 1 + 2 * PLANE + p];
                }
            }
        }
        return new Images(pixels, labels, 0, count, SIDE, SIDE, 3);
    }
}
