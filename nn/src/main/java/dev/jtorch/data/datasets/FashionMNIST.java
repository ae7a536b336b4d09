package dev.jtorch.data.datasets;

import dev.jtorch.data.transforms.Transform;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST, as {@code torchvision.datasets.FashionMNIST}: MNIST's format and sizes, clothing
 * classes, files in {@code root/FashionMNIST/raw/}; mirrors from {@value #MIRRORS_PROPERTY} or {@link #DEFAULT_MIRRORS}.
 */
public final class FashionMNIST extends MNIST {
    public static final String MIRRORS_PROPERTY = "jtorch.fashionmnist.mirrors";
    public static final List<URI> DEFAULT_MIRRORS = List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"));

    static final Resources RESOURCES = new Resources("FashionMNIST", MIRRORS_PROPERTY, DEFAULT_MIRRORS,
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
            new ResourceFile("train-images-idx3-ubyte.gz", Checksum.md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d")),
            new ResourceFile("train-labels-idx1-ubyte.gz", Checksum.md5("25c81989df183df01b3e8a0aad5dffbe")),
            new ResourceFile("t10k-images-idx3-ubyte.gz", Checksum.md5("bef4ecab320f06d8554ea6380940ec79")),
            new ResourceFile("t10k-labels-idx1-ubyte.gz", Checksum.md5("bb300cfdad3c16e7a12a480ee83cd310")));

    public FashionMNIST(Path root, boolean train, Transform transform, boolean download) throws IOException {
        super(RESOURCES, root, train, transform, download, null);
    }

    public FashionMNIST(Path root, boolean train, Transform transform, boolean download, List<URI> mirrors) throws IOException {
        super(RESOURCES, root, train, transform, download, mirrors);
    }
}
