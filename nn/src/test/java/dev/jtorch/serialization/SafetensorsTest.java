package dev.jtorch.serialization;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir Path dir;

    static Map<String, Tensor> everyDtype() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensor.of(new float[][] {{1.5f, -2f, 3f}, {4f, 5f, Float.NaN}}));
        m.put("f64.scalar", Tensor.scalar(Math.PI, DType.FLOAT64));
        m.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
        m.put("i32", Tensor.of(new int[][] {{1, -2}, {3, Integer.MAX_VALUE}}));
        m.put("bool", Tensor.of(new boolean[] {true, false, true}));
        m.put("empty", Tensor.zeros(new long[] {0, 4}, DType.FLOAT32));
        m.put("empty.i64", Tensor.zeros(new long[] {3, 0}, DType.INT64));
        return m;
    }

    @Test void roundTripsEveryDtypeIncludingScalarsAndEmptyTensors() throws IOException {
        Map<String, Tensor> in = everyDtype();
        Path f = dir.resolve("all.safetensors");
        Safetensors.save(in, Map.of("framework", "jtorch", "note", "é \"quoted\"\n"), f);
        Safetensors.Contents out = Safetensors.read(f);
        assertEquals(in.keySet(), out.tensors().keySet());
        for (var e : in.entrySet()) {
            Tensor a = e.getValue(), b = out.tensors().get(e.getKey());
            assertEquals(a.dtype(), b.dtype(), e.getKey());
            assertArrayEquals(a.shape(), b.shape(), e.getKey());
            assertArrayEquals(a.toByteArray(), b.toByteArray(), e.getKey());
        }
        assertEquals(Map.of("framework", "jtorch", "note", "é \"quoted\"\n"), out.metadata());
        assertEquals(0, out.tensors().get("f64.scalar").dim());
    }

    @Test void savesNonContiguousViewsAsTheirValues() throws IOException {
        Tensor t = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}).t();
        Path f = dir.resolve("t.safetensors");
        Safetensors.save(Map.of("t", t), f);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, Safetensors.load(f).get("t").toFloatArray());
    }

    /** The format's own serialisation test vectors (huggingface/safetensors, tensor.rs). */
    @Test void layoutIsByteForByteWhatPythonSafetensorsWrites() {
        Tensor t = Tensor.of(0f, 1f, 2f, 3f, 4f, 5f);
        byte[] one = Safetensors.serialize(Map.of("attn.0", t.reshape(1, 2, 3)), null);
        String json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertEquals(64, json.length());
        assertArrayEquals(concat(le64(64), ascii(json), floatsLe(0, 1, 2, 3, 4, 5)), one);

        byte[] padded = Safetensors.serialize(Map.of("attn0", t.reshape(1, 1, 2, 3)), null);
        String json2 = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
        assertEquals(65, json2.length());
        assertArrayEquals(concat(le64(72), ascii(json2 + "       "), floatsLe(0, 1, 2, 3, 4, 5)), padded);

        assertArrayEquals(concat(le64(8), ascii("{}      ")), Safetensors.serialize(Map.of(), null));
        assertArrayEquals(concat(le64(40), ascii("{\"__metadata__\":{\"framework\":\"pt\"}}     ")),
                Safetensors.serialize(Map.of(), Map.of("framework", "pt")));
    }

    @Test void laysOutTensorsByDescendingDtypeThenName() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a_bool", Tensor.of(new boolean[] {true}));
        m.put("b_f32", Tensor.of(new float[] {1f}));
        m.put("a_f32", Tensor.of(new float[] {1f}));
        m.put("c_i32", Tensor.of(new int[] {1}));
        m.put("d_f64", Tensor.of(new double[] {1.0}));
        m.put("e_i64", Tensor.of(new long[] {1L}));
        Path f = dir.resolve("order.safetensors");
        Safetensors.save(m, f);
        assertEquals(List.of("e_i64", "d_f64", "a_f32", "b_f32", "c_i32", "a_bool"), new ArrayList<>(Safetensors.load(f).keySet()));
        String header = headerText(Files.readAllBytes(f));
        assertTrue(header.startsWith("{\"e_i64\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},\"d_f64\""), header);
    }

    // ---- corrupt files: each error names the problem ----

    @Test void badJsonIsReported() throws IOException {
        Path f = write("bad.safetensors", rawFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]", new byte[4]));
        assertMessage(f, "not valid JSON");
    }

    @Test void unknownAndUnsupportedDtypesAreNamed() throws IOException {
        assertMessage(write("u.safetensors", rawFile("{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'w': unknown dtype 'F33'");
        assertMessage(write("h.safetensors", rawFile("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'h': dtype F16 is not supported");
    }

    @Test void offsetsOutOfRangeOverlappingOrWrongSizedAreNamed() throws IOException {
        assertMessage(write("o.safetensors", rawFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8])),
                "tensor 'w': data_offsets [0, 16] run past the end of the data buffer (8 bytes)");
        assertMessage(write("s.safetensors", rawFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8])),
                "tensor 'w': data_offsets [0, 8] hold 8 bytes but F32 shape [3] needs 12");
        assertMessage(write("ov.safetensors", rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12])),
                "tensor 'b': data_offsets [4, 12] overlap tensor 'a'");
        assertMessage(write("gap.safetensors", rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8])),
                "tensor 'a': data_offsets [4, 8] leave a gap after the start of the data buffer");
        assertMessage(write("neg.safetensors", rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'a': shape[0] is negative");
        assertMessage(write("tail.safetensors", rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[12])),
                "trailing bytes");
    }

    @Test void truncatedFilesGiveAClearIOException() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Safetensors.save(everyDtype(), good);
        byte[] bytes = Files.readAllBytes(good);
        assertMessage(write("cut-data.safetensors", Arrays.copyOf(bytes, bytes.length - 3)), "run past the end of the data buffer");
        assertMessage(write("cut-header.safetensors", Arrays.copyOf(bytes, 40)), "truncated: header declares");
        assertMessage(write("cut-length.safetensors", Arrays.copyOf(bytes, 5)), "too short");
    }

    @Test void hugeDeclaredHeaderLengthIsRejectedWithoutAllocating() throws IOException {
        // With -Xmx2g an allocation of the declared size would fail with OutOfMemoryError, not this message.
        assertMessage(write("huge.safetensors", concat(le64(1L << 40), ascii("{}"))), "exceeds the 100000000-byte limit");
        assertMessage(write("neg.safetensors", concat(le64(-1L), ascii("{}"))), "header length 18446744073709551615 exceeds");
        assertMessage(write("lying.safetensors", concat(le64(90_000_000L), ascii("{}      "))), "truncated: header declares 90000000 bytes but only 8 follow");
    }

    @Test void invalidUtf8AndNonObjectHeadersAreRejected() throws IOException {
        assertMessage(write("utf.safetensors", concat(le64(8), new byte[] {'{', (byte) 0xff, '}', ' ', ' ', ' ', ' ', ' '})), "not valid UTF-8");
        assertMessage(write("arr.safetensors", concat(le64(8), ascii("[]      "))), "does not start with '{'");
        assertMessage(write("dup.safetensors", rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])), "duplicate key");
    }

    // ---- atomic writes ----

    @Test void aFailingSaveLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Safetensors.save(Map.of("w", Tensor.of(1f, 2f)), f);
        byte[] before = Files.readAllBytes(f);

        Tensor closed = Tensor.of(3f, 4f);
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("a", Tensor.of(new float[1000]));
        bad.put("z", closed);
        // The closed tensor fails while its bytes are being written, after the header and "a" are out.
        closed.close();
        assertThrows(IllegalStateException.class, () -> Safetensors.save(bad, f));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(f), listDir());
    }

    @Test void atomicWriteThatThrowsMidStreamLeavesNothingBehind() throws IOException {
        Path f = dir.resolve("x.bin");
        Files.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[1 << 16]));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), listDir());
        AtomicFiles.write(f, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(ascii("new"))));
        assertEquals("new", Files.readString(f));
        assertEquals(List.of(f), listDir());
    }

    // ---- helpers ----

    private List<Path> listDir() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertMessage(Path f, String expected) {
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
        assertTrue(e.getMessage().contains(f.getFileName().toString()), "message names the file: " + e.getMessage());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] rawFile(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return concat(le64(h.length), h, data);
    }

    static String headerText(byte[] file) {
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return new String(file, 8, (int) n, StandardCharsets.UTF_8);
    }

    static byte[] le64(long v) { return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(); }

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    static byte[] floatsLe(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }
}
