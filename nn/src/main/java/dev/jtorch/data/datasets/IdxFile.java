package dev.jtorch.data.datasets;

import dev.jtorch.serialization.BoundedReads;
import dev.jtorch.serialization.CorruptFileException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of the MNIST files: magic {@code 0x0000 TT DD} (TT the element type, DD the number of
 * dimensions), DD big-endian int32 sizes, then the data. Gzip-compressed files are detected by their own magic.
 * Only unsigned bytes (type 0x08) are read, which is what MNIST and Fashion-MNIST use.
 *
 * <p>Nothing is allocated from a size read off the file until it has been checked: against the file length for
 * raw files, against the gzip trailer's length for compressed ones, and the buffer then grows only as data
 * actually decompresses, so a lying header gives a {@link CorruptFileException}, never OutOfMemoryError.
 */
public final class IdxFile {
    private static final int UBYTE = 0x08;

    private IdxFile() {}

    /** The dimensions and unsigned-byte contents of one IDX file. */
    public record Contents(int[] dims, byte[] data) {
        public int count() { return dims[0]; }
    }

    /** Reads {@code file}, requiring {@code expectedDims} dimensions (3 for images, 1 for labels). */
    public static Contents read(Path file, int expectedDims) throws IOException {
        long fileSize = Files.size(file);
        boolean gzip = isGzip(file);
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = gzip ? new GZIPInputStream(new BufferedInputStream(raw), 1 << 16) : new BufferedInputStream(raw, 1 << 16)) {
            DataInputStream data = new DataInputStream(in);
            int magic;
            try {
                magic = data.readInt();
            } catch (EOFException e) {
                throw corrupt(file, "truncated: no IDX magic number");
            }
            if ((magic >>> 16) != 0) throw corrupt(file, String.format("bad IDX magic number 0x%08x (must start with two zero bytes)", magic));
            int type = (magic >>> 8) & 0xff;
            int nd = magic & 0xff;
            if (type != UBYTE) throw corrupt(file, String.format("IDX element type 0x%02x is not supported (only unsigned bytes, 0x08)", type));
            if (nd != expectedDims) {
                throw corrupt(file, String.format("IDX magic 0x%08x declares %d dimensions, expected %d", magic, nd, expectedDims));
            }
            int[] dims = new int[nd];
            long count = 1;
            for (int i = 0; i < nd; i++) {
                try {
                    dims[i] = data.readInt();
                } catch (EOFException e) {
                    throw corrupt(file, "truncated in the header: " + nd + " dimension sizes declared, " + i + " present");
                }
                if (dims[i] < 0) throw corrupt(file, "dimension " + i + " has negative size " + dims[i]);
                count *= dims[i]; // at most 3 factors below 2^31: cannot overflow a long
            }
            long headerBytes = 4 + 4L * nd;
            String shape = Arrays.toString(dims);
            if (!gzip && headerBytes + count != fileSize) {
                throw corrupt(file, "header declares " + shape + " = " + count + " bytes of data, but the file holds "
                        + (fileSize - headerBytes) + (headerBytes + count > fileSize ? " (truncated)" : " (trailing bytes)"));
            }
            if (gzip) {
                long trailer = gzipTrailerSize(file, fileSize);
                if (trailer >= 0 && trailer != ((headerBytes + count) & 0xffffffffL)) {
                    throw corrupt(file, "header declares " + shape + " = " + (headerBytes + count) + " bytes uncompressed, but the gzip trailer records "
                            + trailer + " (truncated or lying header)");
                }
            }
            if (count > Integer.MAX_VALUE - 8) throw corrupt(file, "header declares " + shape + " = " + count + " bytes, too large for one array");
            byte[] bytes;
            try {
                bytes = BoundedReads.readExactly(in, count, file + " (IDX data " + shape + ")");
                if (!BoundedReads.atEnd(in)) throw corrupt(file, "trailing bytes after the " + count + " bytes of data declared by " + shape);
            } catch (EOFException | ZipException e) {
                throw new CorruptFileException(file + ": " + e.getMessage(), e);
            }
            return new Contents(dims, bytes);
        } catch (EOFException | ZipException e) {
            throw new CorruptFileException(file + ": corrupt or truncated gzip stream: " + e.getMessage(), e);
        }
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(2);
            return b.length == 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
        }
    }

    /** ISIZE of a gzip file: the uncompressed length mod 2^32 from the last 4 bytes, or -1 if too short. */
    private static long gzipTrailerSize(Path file, long fileSize) throws IOException {
        if (fileSize < 18) return -1;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(fileSize - 4);
            byte[] b = new byte[4];
            f.readFully(b);
            return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        }
    }

    private static CorruptFileException corrupt(Path file, String what) {
        return CorruptFileException.of(file, what);
    }
}
