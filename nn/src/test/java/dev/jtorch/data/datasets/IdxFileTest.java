package dev.jtorch.data.datasets;

import dev.jtorch.serialization.CorruptFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class IdxFileTest {
    @TempDir Path dir;

    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt((type << 8) | dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) { gz.write(raw); }
        return out.toByteArray();
    }

    Path file(String name, byte[] bytes) throws IOException { return Files.write(dir.resolve(name), bytes); }

    void assertCorrupt(Path f, int dims, String expected) {
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> IdxFile.read(f, dims));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }

    @Test void readsRawAndGzippedFiles() throws IOException {
        byte[] px = new byte[2 * 3 * 4];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 10);
        byte[] raw = idx(8, new int[] {2, 3, 4}, px);
        for (Path f : new Path[] {file("a-idx3-ubyte", raw), file("a-idx3-ubyte.gz", gzip(raw))}) {
            IdxFile.Contents c = IdxFile.read(f, 3);
            assertArrayEquals(new int[] {2, 3, 4}, c.dims());
            assertArrayEquals(px, c.data());
        }
    }

    @Test void truncatedFilesAreReported() throws IOException {
        byte[] raw = idx(8, new int[] {10, 28, 28}, new byte[10 * 28 * 28]);
        assertCorrupt(file("cut", Arrays.copyOf(raw, raw.length - 100)), 3, "(truncated)");
        assertCorrupt(file("cut-header", Arrays.copyOf(raw, 10)), 3, "truncated in the header");
        byte[] gz = gzip(raw);
        assertCorrupt(file("cut.gz", Arrays.copyOf(gz, gz.length / 2)), 3, "truncated");
        assertCorrupt(file("tail", Arrays.copyOf(raw, raw.length + 5)), 3, "(trailing bytes)");
    }

    @Test void aLyingHeaderFailsClearlyWithoutAllocatingWhatItClaims() throws IOException {
        // Claims 2^31-1 x 28 x 28 bytes (1.6 TB) over a few bytes of data.
        byte[] lie = idx(8, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[100]);
        assertCorrupt(file("lie", lie), 3, "header declares [2147483647, 28, 28]");
        assertCorrupt(file("lie.gz", gzip(lie)), 3, "gzip trailer records");
        // Fits an array (2 GB - 9) but the data is not there: still no big allocation, a clear error.
        byte[] big = idx(8, new int[] {2_000_000_000}, new byte[100]);
        assertCorrupt(file("big-labels.gz", gzip(big)), 1, "gzip trailer records");
    }

    @Test void badMagicTypeAndDimensionsAreReported() throws IOException {
        assertCorrupt(file("magic", idx(8 | 0x100, new int[] {1}, new byte[1])), 1, "bad IDX magic number 0x00010801");
        assertCorrupt(file("float", idx(0x0D, new int[] {1}, new byte[4])), 1, "element type 0x0d is not supported");
        assertCorrupt(file("dims", idx(8, new int[] {1, 1}, new byte[1])), 1, "declares 2 dimensions, expected 1");
        assertCorrupt(file("empty", new byte[0]), 1, "no IDX magic number");
    }
}
