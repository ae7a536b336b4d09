package dev.jtorch.data.datasets;

import dev.jtorch.data.Dataset;
import dev.jtorch.data.Sample;
import dev.jtorch.data.transforms.Compose;
import dev.jtorch.data.transforms.ToTensor;
import dev.jtorch.data.transforms.Transform;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Labelled 8-bit images held in memory. An item is a {@link Sample}: the image as an int32 tensor of values
 * 0..255 shaped {@code [H, W]} (one channel) or {@code [H, W, C]}, as torchvision hands a PIL image to the
 * transform, and the class as an int64 scalar. Give {@link ToTensor} (and {@code Normalize}...) as the transform
 * to get float {@code [C, H, W]} inputs; a DataLoader then stacks them to {@code [B, C, H, W]} and targets to {@code [B]}.
 */
public abstract sealed class ImageClassificationDataset implements Dataset<Sample> permits MNIST, CIFAR10, BundledMnist {
    /**
     * Pixels of {@code count} images in {@code H x W x C} order starting at image {@code first}, and their labels.
     */
    protected record Images(byte[] pixels, byte[] labels, int first, int count, int height, int width, int channels) {
        protected Images {
            long need = ((long) first + count) * height * width * channels;
            if (first < 0 || count < 0 || need > pixels.length || first + count > labels.length) {
                throw new IllegalArgumentException("images " + first + ".." + (first + count) + " exceed the data held");
            }
        }
        int imageBytes() { return height * width * channels; }
    }

    private final Images images;
    private final Transform transform;

    protected ImageClassificationDataset(Images images, Transform transform) {
        this.images = images;
        this.transform = transform;
    }

    /** The class names, index = label. */
    public abstract List<String> classes();

    @Override public int size() { return images.count; }

    public int height() { return images.height; }
    public int width() { return images.width; }
    public int channels() { return images.channels; }

    /** The label of item {@code index}, without building tensors. */
    public int label(int index) {
        Dataset.checkIndex(index, images.count);
        return images.labels[images.first + index] & 0xff;
    }

    @Override public Sample get(int index) {
        Dataset.checkIndex(index, images.count);
        int offset = (images.first + index) * images.imageBytes();
        Tensor target = Tensor.scalar(label(index), DType.INT64);
        // ToTensor first is the common case: convert the bytes directly instead of through an int tensor.
        if (transform instanceof ToTensor) {
            return new Sample(ToTensor.fromBytes(images.pixels, offset, images.height, images.width, images.channels), target);
        }
        if (transform instanceof Compose c && !c.transforms().isEmpty() && c.transforms().getFirst() instanceof ToTensor) {
            Tensor x = ToTensor.fromBytes(images.pixels, offset, images.height, images.width, images.channels);
            for (Transform t : c.transforms().subList(1, c.transforms().size())) x = t.apply(x);
            return new Sample(x, target);
        }
        Tensor image = rawImage(offset);
        return new Sample(transform == null ? image : transform.apply(image), target);
    }

    private Tensor rawImage(int offset) {
        int n = images.imageBytes();
        int[] px = new int[n];
        for (int i = 0; i < n; i++) px[i] = images.pixels[offset + i] & 0xff;
        long[] shape = images.channels == 1 ? new long[] {images.height, images.width} : new long[] {images.height, images.width, images.channels};
        return Tensor.fromSegment(MemorySegment.ofArray(px), shape, DType.INT32);
    }

    /** All images as int32 {@code [N, H, W]} (or {@code [N, H, W, C]}), as torchvision's {@code .data}. */
    public Tensor data() {
        int n = images.imageBytes();
        int[] px = new int[Math.multiplyExact(images.count, n)];
        int base = images.first * n;
        for (int i = 0; i < px.length; i++) px[i] = images.pixels[base + i] & 0xff;
        long[] shape = images.channels == 1 ? new long[] {images.count, images.height, images.width}
                : new long[] {images.count, images.height, images.width, images.channels};
        return Tensor.fromSegment(MemorySegment.ofArray(px), shape, DType.INT32);
    }

    /** All labels as int64 {@code [N]}, as torchvision's {@code .targets}. */
    public Tensor targets() {
        long[] t = new long[images.count];
        for (int i = 0; i < t.length; i++) t[i] = images.labels[images.first + i] & 0xff;
        return Tensor.of(t);
    }

    /** Number of items of each class. */
    public int[] classCounts() {
        int[] counts = new int[classes().size()];
        for (int i = 0; i < images.count; i++) {
            int l = label(i);
            if (l < counts.length) counts[l]++;
        }
        return counts;
    }
}
