package dev.jtorch.data.datasets;

import dev.jtorch.data.DataLoader;
import dev.jtorch.data.Sample;
import dev.jtorch.data.transforms.Compose;
import dev.jtorch.data.transforms.Lambda;
import dev.jtorch.data.transforms.Normalize;
import dev.jtorch.data.transforms.Resize;
import dev.jtorch.data.transforms.ToTensor;
import dev.jtorch.tensor.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class BundledMnistTest {
    @Test void theBundledFilesHoldTenThousandBalancedDigits() throws IOException {
        Path dir = BundledMnist.defaultDirectory();
        IdxFile.Contents images = IdxFile.read(dir.resolve(BundledMnist.IMAGES_FILE), 3);
        IdxFile.Contents labels = IdxFile.read(dir.resolve(BundledMnist.LABELS_FILE), 1);
        assertArrayEquals(new int[] {10000, 28, 28}, images.dims());
        assertArrayEquals(new int[] {10000}, labels.dims());
        int first = labels.data()[0] & 0xff;
        assertTrue(first >= 0 && first <= 9, "first label " + first);

        var all = BundledMnist.load(dir, BundledMnist.Split.ALL, null);
        assertEquals(10000, all.size());
        int[] counts = all.classCounts();
        for (int c = 0; c < 10; c++) assertTrue(counts[c] >= 800, "class " + c + " has " + counts[c]);
        assertEquals(first, all.label(0));
        // The README's class counts of the first 8,000 (the training split).
        assertArrayEquals(new int[] {790, 916, 800, 817, 779, 685, 794, 879, 757, 783}, BundledMnist.train(null).classCounts());
        assertArrayEquals(new int[] {211, 211, 191, 215, 201, 178, 220, 191, 187, 195}, BundledMnist.test(null).classCounts());
    }

    @Test void itemsAreImagesThenTensorsThroughTheTransform() throws IOException {
        var raw = BundledMnist.test(null);
        Sample s = raw.get(0);
        assertEquals(DType.INT32, s.input().dtype());
        assertArrayEquals(new long[] {28, 28}, s.input().shape());
        assertEquals(DType.INT64, s.target().dtype());
        assertEquals(0, s.target().dim());
        int[] px = s.input().toIntArray();
        assertTrue(java.util.Arrays.stream(px).max().orElseThrow() > 200, "digits have ink");

        // The direct bytes-to-float path equals ToTensor applied to the int image.
        var direct = BundledMnist.test(new ToTensor());
        var viaInts = BundledMnist.test(new Lambda(x -> new ToTensor().apply(x)));
        assertArrayEquals(viaInts.get(5).input().toFloatArray(), direct.get(5).input().toFloatArray());
        assertArrayEquals(new long[] {1, 28, 28}, direct.get(5).input().shape());

        var lenet = BundledMnist.test(Compose.of(new ToTensor(), new Resize(32), new Normalize(0.1307, 0.3081)));
        var loader = DataLoader.builder(lenet).batchSize(64).shuffle(true).seed(0).build();
        var batch = loader.iterator().next();
        assertArrayEquals(new long[] {64, 1, 32, 32}, batch.input().shape());
        assertArrayEquals(new long[] {64}, batch.target().shape());
        assertEquals(32, loader.numBatches()); // ceil(2000 / 64)
    }
}
