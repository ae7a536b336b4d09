package dev.jtorch.data.datasets;

import dev.jtorch.data.transforms.ToTensor;
import dev.jtorch.serialization.CorruptFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class CIFAR10Test {
    @TempDir Path root;

    /** Two records per batch file: label b, red plane = b, green = 100 + b, blue = 200 + b. */
    void writeBatches(int recordsPerFile) throws IOException {
        Path dir = Files.createDirectories(root.resolve(CIFAR10.FOLDER));
        for (String name : java.util.stream.Stream.concat(CIFAR10.TRAIN_FILES.stream(), CIFAR10.TEST_FILES.stream()).toList()) {
            byte[] data = new byte[recordsPerFile * CIFAR10.RECORD];
            for (int r = 0; r < recordsPerFile; r++) {
                int at = r * CIFAR10.RECORD;
                data[at] = (byte) r;
                Arrays.fill(data, at + 1, at + 1 + 1024, (byte) r);
                Arrays.fill(data, at + 1 + 1024, at + 1 + 2048, (byte) (100 + r));
                Arrays.fill(data, at + 1 + 2048, at + 1 + 3072, (byte) (200 + r));
            }
            Files.write(dir.resolve(name), data);
        }
    }

    @Test void readsBinaryBatchesAsHeightWidthChannelImages() throws IOException {
        writeBatches(2);
        CIFAR10 train = new CIFAR10(root, true, null);
        CIFAR10 test = new CIFAR10(root, false, new ToTensor());
        assertEquals(10, train.size());
        assertEquals(2, test.size());
        assertEquals(1, train.label(3));
        assertArrayEquals(new long[] {32, 32, 3}, train.get(1).input().shape());
        assertArrayEquals(new int[] {1, 101, 201}, Arrays.copyOf(train.get(1).input().toIntArray(), 3));
        float[] chw = test.get(1).input().toFloatArray();
        assertEquals(3 * 1024, chw.length);
        assertEquals(101 / 255f, chw[1024], 1e-7);
        assertEquals("automobile", train.classes().get(1));
    }

    @Test void aTruncatedBatchIsReported() throws IOException {
        writeBatches(2);
        Path f = root.resolve(CIFAR10.FOLDER).resolve("test_batch.bin");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 7));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> new CIFAR10(root, false, null));
        assertTrue(e.getMessage().contains("is not a whole number of 3073-byte records"), e.getMessage());
    }
}
