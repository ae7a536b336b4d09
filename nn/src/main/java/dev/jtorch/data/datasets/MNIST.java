package dev.jtorch.data.datasets;

import dev.jtorch.data.transforms.Transform;
import dev.jtorch.serialization.CorruptFileException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The MNIST digits, as {@code torchvision.datasets.MNIST}: 60,000 training and 10,000 test images of 28x28,
 * read from the IDX files in {@code root/MNIST/raw/} (gzipped or not). With {@code download}, missing files are
 * fetched from the mirrors (the argument, else the system property {@value #MIRRORS_PROPERTY} as a
 * comma-separated list, else {@link #DEFAULT_MIRRORS}) and verified against torchvision's MD5 sums.
 */
public sealed class MNIST extends ImageClassificationDataset permits FashionMNIST {
    public static final String MIRRORS_PROPERTY = "jtorch.mnist.mirrors";
    public static final List<URI> DEFAULT_MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            URI.create("http://yann.lecun.com/exdb/mnist/"));

    /** One file of a dataset and its expected digest. */
    public record ResourceFile(String name, Checksum checksum) {}

    /** Where a dataset of this family lives and what its files are. */
    protected record Resources(String folder, String mirrorsProperty, List<URI> defaultMirrors, List<String> classes,
                               ResourceFile trainImages, ResourceFile trainLabels, ResourceFile testImages, ResourceFile testLabels) {}

    static final Resources RESOURCES = new Resources("MNIST", MIRRORS_PROPERTY, DEFAULT_MIRRORS,
            List.of("0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"),
            new ResourceFile("train-images-idx3-ubyte.gz", Checksum.md5("f68b3c2dcbeaaa9fbdd348bbdeb94873")),
            new ResourceFile("train-labels-idx1-ubyte.gz", Checksum.md5("d53e105ee54ea40749a09fcbcd1e9432")),
            new ResourceFile("t10k-images-idx3-ubyte.gz", Checksum.md5("9fb629c4189551a2d022fa330f9573f3")),
            new ResourceFile("t10k-labels-idx1-ubyte.gz", Checksum.md5("ec29112dd5afa0611ce80d1b7f02629c")));

    private final Resources resources;
    private final boolean train;

    public MNIST(Path root, boolean train, Transform transform, boolean download) throws IOException {
        this(RESOURCES, root, train, transform, download, null);
    }

    /** {@code mirrors} null means the system property or the defaults. */
    public MNIST(Path root, boolean train, Transform transform, boolean download, List<URI> mirrors) throws IOException {
        this(RESOURCES, root, train, transform, download, mirrors);
    }

    MNIST(Resources resources, Path root, boolean train, Transform transform, boolean download, List<URI> mirrors) throws IOException {
        super(load(resources, root, train, download, mirrors), transform);
        this.resources = resources;
        this.train = train;
    }

    public boolean train() { return train; }

    @Override public List<String> classes() { return resources.classes(); }

    /** The folder the files are read from (and downloaded into): {@code root/<Name>/raw}. */
    public static Path rawFolder(Path root, String datasetFolder) { return root.resolve(datasetFolder).resolve("raw"); }

    private static Images load(Resources r, Path root, boolean train, boolean download, List<URI> mirrors) throws IOException {
        Path raw = rawFolder(root, r.folder());
        ResourceFile imagesFile = train ? r.trainImages() : r.testImages();
        ResourceFile labelsFile = train ? r.trainLabels() : r.testLabels();
        if (download) {
            List<URI> from = mirrors != null ? mirrors : Downloader.mirrors(r.mirrorsProperty(), r.defaultMirrors());
            Downloader d = new Downloader();
            d.fetch(imagesFile.name(), imagesFile.checksum(), from, raw);
            d.fetch(labelsFile.name(), labelsFile.checksum(), from, raw);
        }
        return readPair(locate(raw, imagesFile.name(), r.folder()), locate(raw, labelsFile.name(), r.folder()), r.classes().size());
    }

    /** The file, or its decompressed twin (name without {@code .gz}) as torchvision leaves it. */
    private static Path locate(Path raw, String name, String dataset) throws FileNotFoundException {
        Path gz = raw.resolve(name);
        if (Files.isRegularFile(gz)) return gz;
        Path plain = raw.resolve(name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name);
        if (Files.isRegularFile(plain)) return plain;
        throw new FileNotFoundException(dataset + " not found: no " + gz + " (or " + plain.getFileName() + "). You can use download=true to download it");
    }

    /** Reads an images file and a labels file, checking they agree and the labels are in range. */
    static Images readPair(Path imagesPath, Path labelsPath, int numClasses) throws IOException {
        IdxFile.Contents images = IdxFile.read(imagesPath, 3);
        IdxFile.Contents labels = IdxFile.read(labelsPath, 1);
        if (images.count() != labels.count()) {
            throw new CorruptFileException(imagesPath.getFileName() + " holds " + images.count() + " images but "
                    + labelsPath.getFileName() + " holds " + labels.count() + " labels");
        }
        byte[] l = labels.data();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xff) >= numClasses) throw CorruptFileException.of(labelsPath, "label " + (l[i] & 0xff) + " at index " + i + " is not a class (0.." + (numClasses - 1) + ")");
        }
        return new Images(images.data(), l, 0, images.count(), images.dims()[1], images.dims()[2], 1);
    }

    @Override public String toString() {
        return "Dataset " + resources.folder() + "\n    Number of datapoints: " + size() + "\n    Split: " + (train ? "Train" : "Test");
    }
}
