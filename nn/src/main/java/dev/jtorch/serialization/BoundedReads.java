package dev.jtorch.serialization;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a byte count that came from a file's own header without trusting it: the buffer grows only as data
 * actually arrives, so a header that claims gigabytes over a short stream fails with a clear message after
 * allocating about what the stream really held, never with {@link OutOfMemoryError}.
 */
public final class BoundedReads {
    private static final int FIRST_CHUNK = 1 << 20;

    private BoundedReads() {}

    /**
     * Reads exactly {@code expected} bytes; fewer is an {@link EOFException} naming {@code what}.
     * {@code expected} must fit a Java array.
     */
    public static byte[] readExactly(InputStream in, long expected, String what) throws IOException {
        if (expected < 0) throw new IOException(what + ": negative size " + expected);
        if (expected > Integer.MAX_VALUE - 8) throw new IOException(what + ": " + expected + " bytes do not fit in one Java array");
        int n = (int) expected;
        byte[] buf = new byte[Math.min(n, FIRST_CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, Math.max(FIRST_CHUNK, 2L * buf.length)));
            int r = in.read(buf, filled, buf.length - filled);
            if (r < 0) throw new EOFException(what + " is truncated: expected " + n + " bytes, found " + filled);
            filled += r;
        }
        return buf;
    }

    /** True when the stream has no more bytes (used to reject trailing garbage). */
    public static boolean atEnd(InputStream in) throws IOException {
        return in.read() < 0;
    }

    /** The formats store little-endian bytes that are copied as they are, so the host must be little-endian. */
    static void requireLittleEndianHost(String what) {
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException(what + " needs a little-endian host");
        }
    }
}
