package dev.jtorch.serialization;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class PthReaderTest {
    @TempDir Path dir;

    /** The few pickle opcodes torch.save emits (protocol 2), written by hand. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int memo;

        Pickle op(int... bytes) { for (int b : bytes) out.write(b); return this; }
        Pickle proto() { return op(0x80, 2); }
        Pickle global(String module, String name) { op('c'); raw(module + "\n" + name + "\n"); return put(); }
        Pickle stackGlobal(String module, String name) { str(module); str(name); return op(0x93); }
        Pickle put() { return op('q', memo++); }
        Pickle get(int i) { return op('h', i); }
        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            raw(b);
            return put();
        }
        Pickle integer(int v) { return v < 256 ? op('K', v) : op('M', v & 0xff, v >> 8); }
        Pickle tuple2(int a, int b) { integer(a); integer(b); op(0x86); return put(); }
        Pickle tuple1(int a) { integer(a); op(0x85); return put(); }
        Pickle raw(String s) { return raw(s.getBytes(StandardCharsets.UTF_8)); }
        Pickle raw(byte[] b) { out.write(b, 0, b.length); return this; }
        byte[] bytes() { return out.toByteArray(); }

        /** {@code _rebuild_tensor_v2(storage('key', type, numel), offset, size, stride, False, OrderedDict())}. */
        Pickle tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride, int orderedDictMemo) {
            global("torch._utils", "_rebuild_tensor_v2");
            op('(');
            op('(');
            str("storage");
            global("torch", storageType);
            str(key);
            str("cpu");
            integer(numel);
            op('t'); put();
            op('Q');
            integer(offset);
            if (size.length == 1) tuple1(size[0]); else tuple2(size[0], size[1]);
            if (stride.length == 1) tuple1(stride[0]); else tuple2(stride[0], stride[1]);
            op(0x89);
            get(orderedDictMemo);
            op(')', 'R'); put();
            op('t'); put();
            op('R'); return put();
        }
    }

    /** What torch.save(model.state_dict()) writes for {'w': 2x3 float, 'b': int64[3], 'v': w[:, 1]}. */
    static byte[] stateDictPickle() {
        Pickle p = new Pickle().proto();
        p.global("collections", "OrderedDict"); // memo 0
        p.op(')', 'R'); p.put();
        p.op('(');
        p.str("w");
        p.tensor("FloatStorage", "0", 6, 0, new int[] {2, 3}, new int[] {3, 1}, 0);
        p.str("b");
        p.tensor("LongStorage", "1", 3, 0, new int[] {3}, new int[] {1}, 0);
        p.str("v");
        p.tensor("FloatStorage", "0", 6, 1, new int[] {2}, new int[] {3}, 0);
        p.op('u');
        // state_dict's _metadata attribute, restored with BUILD
        p.op('}'); p.put();
        p.str("_metadata");
        p.get(0); p.op(')', 'R'); p.put();
        p.str("");
        p.op('}'); p.put(); p.str("version"); p.integer(1); p.op('s');
        p.op('s');
        p.op('s');
        p.op('b');
        p.op('.');
        return p.bytes();
    }

    static Path writePth(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        try (OutputStream fo = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(fo)) {
            stored(zip, "archive/data.pkl", pickle);
            stored(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (var e : storages.entrySet()) stored(zip, "archive/data/" + e.getKey(), e.getValue());
            stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }

    static Map<String, byte[]> goodStorages() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("0", floats(1, 2, 3, 4, 5, 6));
        s.put("1", longs(7, 8, 9));
        return s;
    }

    @Test void readsAStateDictAsTorchSaveWritesIt() throws IOException {
        Path f = writePth(dir.resolve("model.pth"), stateDictPickle(), goodStorages());
        Map<String, Tensor> sd = PthReader.load(f);
        assertEquals(List.of("w", "b", "v"), List.copyOf(sd.keySet()));
        Tensor w = sd.get("w");
        assertEquals(DType.FLOAT32, w.dtype());
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
        assertEquals(DType.INT64, sd.get("b").dtype());
        assertArrayEquals(new long[] {7, 8, 9}, sd.get("b").toLongArray());
        assertArrayEquals(new float[] {2, 5}, sd.get("v").toFloatArray(), "a strided view with an offset into a shared storage");
    }

    @Test void roundTripsThroughSafetensors() throws IOException {
        Map<String, Tensor> sd = PthReader.load(writePth(dir.resolve("m.pth"), stateDictPickle(), goodStorages()));
        Path st = dir.resolve("m.safetensors");
        Safetensors.save(sd, st);
        Map<String, Tensor> back = Safetensors.load(st);
        assertFalse(sd.isEmpty());
        assertEquals(sd.keySet(), back.keySet());
        for (String k : sd.keySet()) {
            assertEquals(sd.get(k).dtype(), back.get(k).dtype(), k);
            assertArrayEquals(sd.get(k).shape(), back.get(k).shape(), k);
            assertArrayEquals(sd.get(k).toByteArray(), back.get(k).toByteArray(), k);
        }
    }

    @Test void aPickleNamingOsSystemIsRejected() throws IOException {
        Pickle p = new Pickle().proto();
        p.global("os", "system");
        p.str("echo pwned");
        p.op(0x85, 'R', '.');
        Path f = writePth(dir.resolve("evil.pth"), p.bytes(), Map.of());
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("pickle global 'os.system' is not allowed"), e.getMessage());
    }

    @Test void stackGlobalAndCodeRunningOpcodesAreRejected() throws IOException {
        Pickle p = new Pickle().proto();
        p.stackGlobal("builtins", "eval");
        Path f = writePth(dir.resolve("eval.pth"), p.bytes(), Map.of());
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("'builtins.eval' is not allowed"), e.getMessage());

        Pickle inst = new Pickle().proto().op('(').raw("iposix\nsystem\n");
        Path g = writePth(dir.resolve("inst.pth"), inst.bytes(), Map.of());
        e = assertThrows(CorruptFileException.class, () -> PthReader.load(g));
        assertTrue(e.getMessage().contains("(INST) is not allowed"), e.getMessage());

        // an allowed storage class may be named, but never called
        Pickle call = new Pickle().proto();
        call.global("torch", "FloatStorage");
        call.op(')', 'R', '.');
        Path h = writePth(dir.resolve("call.pth"), call.bytes(), Map.of());
        e = assertThrows(CorruptFileException.class, () -> PthReader.load(h));
        assertTrue(e.getMessage().contains("calling torch.FloatStorage is not allowed"), e.getMessage());
    }

    @Test void storageSizesAreCheckedAgainstTheArchive() throws IOException {
        Map<String, byte[]> s = goodStorages();
        s.put("0", floats(1, 2, 3, 4, 5)); // 20 bytes for a storage of 6 floats
        Path f = writePth(dir.resolve("short.pth"), stateDictPickle(), s);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("storage '0' declares 6 float32 elements (24 bytes) but archive/data/0 holds 20 bytes"), e.getMessage());

        Map<String, byte[]> missing = goodStorages();
        missing.remove("1");
        Path g = writePth(dir.resolve("missing.pth"), stateDictPickle(), missing);
        e = assertThrows(CorruptFileException.class, () -> PthReader.load(g));
        assertTrue(e.getMessage().contains("storage '1' has no entry archive/data/1"), e.getMessage());
    }

    @Test void aViewReachingPastItsStorageIsRejected() throws IOException {
        Pickle p = new Pickle().proto();
        p.global("collections", "OrderedDict");
        p.op('}'); p.put();
        p.str("w");
        p.tensor("FloatStorage", "0", 6, 4, new int[] {2, 3}, new int[] {3, 1}, 0);
        p.op('s', '.');
        Path f = writePth(dir.resolve("oob.pth"), p.bytes(), Map.of("0", floats(1, 2, 3, 4, 5, 6)));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("reaches element 9 of storage '0' which has 6"), e.getMessage());
    }

    @Test void truncatedPicklesAndNonZipFilesGiveClearErrors() throws IOException {
        byte[] full = stateDictPickle();
        byte[] cut = java.util.Arrays.copyOf(full, full.length / 2);
        Path f = writePth(dir.resolve("cut.pth"), cut, goodStorages());
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> PthReader.load(f));
        assertTrue(e.getMessage().contains("truncated pickle"), e.getMessage());

        Path notZip = Files.write(dir.resolve("legacy.pth"), new byte[] {(byte) 0x80, 2, 'K', 1, '.'});
        e = assertThrows(CorruptFileException.class, () -> PthReader.load(notZip));
        assertTrue(e.getMessage().contains("not a zip archive"), e.getMessage());
    }
}
