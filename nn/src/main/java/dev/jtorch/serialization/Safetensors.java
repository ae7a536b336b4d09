package dev.jtorch.serialization;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
 * header naming each tensor's dtype, shape and byte range, then the raw little-endian data. Files written here
 * are byte for byte what Python's {@code safetensors.torch.save_file} writes for the same tensors: tensors laid
 * out by descending dtype then by name, {@code __metadata__} first, header padded with spaces to a multiple of 8.
 *
 * <p>Reading trusts nothing in the file: the header length is capped and checked against the file size before
 * anything is allocated; JSON syntax, dtypes, shapes and offsets are validated, and every error names the
 * tensor and what was wrong.
 */
public final class Safetensors {
    /** The Rust crate refuses headers above this size; so do we. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    public static final String METADATA_KEY = "__metadata__";

    private Safetensors() {}

    /** Tensors in file order and the {@code __metadata__} strings (empty when the file has none). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    // ---- writing ----

    public static void save(Map<String, Tensor> tensors, Path path) throws IOException {
        save(tensors, null, path);
    }

    /** Saves atomically: a temporary file in the same directory, fsync, rename over {@code path}. */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path path) throws IOException {
        Layout layout = layout(tensors, metadata);
        AtomicFiles.write(path, ch -> layout.writeTo(ch));
    }

    /** The bytes of the file {@link #save} writes. */
    public static byte[] serialize(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Layout layout = layout(tensors, metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            layout.writeTo(Channels.newChannel(out));
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private record Entry(String name, Tensor tensor, long begin, long end) {}

    private record Layout(byte[] header, List<Entry> entries) {
        void writeTo(WritableByteChannel ch) throws IOException {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            AtomicFiles.writeFully(ch, len);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            for (Entry e : entries) {
                byte[] data = e.tensor.toByteArray();
                if (data.length != e.end - e.begin) {
                    throw new IllegalStateException("tensor '" + e.name + "' changed size while being saved");
                }
                AtomicFiles.writeFully(ch, ByteBuffer.wrap(data));
            }
        }
    }

    private static Layout layout(Map<String, Tensor> tensors, Map<String, String> metadata) {
        BoundedReads.requireLittleEndianHost("safetensors I/O");
        Objects.requireNonNull(tensors, "tensors");
        List<Map.Entry<String, Tensor>> sorted = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            if (e.getKey() == null) throw new IllegalArgumentException("tensor names must not be null");
            if (e.getKey().equals(METADATA_KEY)) throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved for metadata and cannot name a tensor");
            if (e.getValue() == null) throw new IllegalArgumentException("tensor '" + e.getKey() + "' is null");
            sorted.add(e);
        }
        sorted.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -SafetensorsDType.layoutRank(e.getValue().dtype()))
                .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.getKey()), utf8(b.getKey()))));

        Map<String, Json> header = new LinkedHashMap<>();
        if (metadata != null) {
            Map<String, Json> meta = new LinkedHashMap<>();
            for (var e : new TreeMap<>(metadata).entrySet()) {
                meta.put(e.getKey(), Json.str(Objects.requireNonNull(e.getValue(), "metadata value of '" + e.getKey() + "'")));
            }
            header.put(METADATA_KEY, new Json.Obj(meta));
        }
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (var e : sorted) {
            Tensor t = e.getValue();
            long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
            List<Json> shape = new ArrayList<>();
            for (long d : t.shape()) shape.add(Json.num(d));
            Map<String, Json> info = new LinkedHashMap<>();
            info.put("dtype", Json.str(SafetensorsDType.name(t.dtype())));
            info.put("shape", new Json.Arr(shape));
            info.put("data_offsets", new Json.Arr(List.of(Json.num(offset), Json.num(offset + bytes))));
            header.put(e.getKey(), new Json.Obj(info));
            entries.add(new Entry(e.getKey(), t, offset, offset + bytes));
            offset += bytes;
        }
        byte[] json = utf8(Json.write(new Json.Obj(header)));
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        return new Layout(headerBytes, entries);
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    // ---- reading ----

    public static Map<String, Tensor> load(Path path) throws IOException {
        return read(path).tensors();
    }

    public static Map<String, String> loadMetadata(Path path) throws IOException {
        return read(path).metadata();
    }

    /** Reads tensors (in file order) and metadata, validating the whole header first. */
    public static Contents read(Path path) throws IOException {
        BoundedReads.requireLittleEndianHost("safetensors I/O");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) throw corrupt(path, "file of " + fileSize + " bytes is too short for a safetensors header length (8 bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, path, "header length");
            long n = lenBuf.getLong(0);
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw corrupt(path, "header length " + Long.toUnsignedString(n) + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
            }
            if (8 + n > fileSize) {
                throw corrupt(path, "truncated: header declares " + n + " bytes but only " + (fileSize - 8) + " follow the length field");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(ch, headerBuf, 8, path, "header");
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBuf.flip()).toString();
            } catch (CharacterCodingException e) {
                throw corrupt(path, "header is not valid UTF-8");
            }
            long dataLength = fileSize - 8 - n;
            Header header = parseHeader(path, text, dataLength);
            return new Contents(materialize(ch, 8 + n, dataLength, header.tensors), header.metadata);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path path, String what) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at);
            if (r < 0) throw corrupt(path, "truncated while reading the " + what);
            at += r;
        }
    }

    record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {}

    private record Header(List<TensorInfo> tensors, Map<String, String> metadata) {}

    private static Header parseHeader(Path path, String text, long dataLength) throws CorruptFileException {
        if (!text.startsWith("{")) throw corrupt(path, "header does not start with '{'");
        Json root;
        try {
            root = Json.parse(text);
        } catch (Json.JsonException e) {
            throw corrupt(path, "header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Json.Obj obj)) throw corrupt(path, "header is not a JSON object");
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = new ArrayList<>();
        for (var e : obj.fields().entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Json.Obj m)) throw corrupt(path, METADATA_KEY + " must be an object of strings");
                for (var me : m.fields().entrySet()) {
                    if (!(me.getValue() instanceof Json.Str s)) throw corrupt(path, METADATA_KEY + " value of '" + me.getKey() + "' is not a string");
                    metadata.put(me.getKey(), s.value());
                }
                continue;
            }
            infos.add(tensorInfo(path, name, e.getValue(), dataLength));
        }
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo t : infos) {
            if (t.begin != expected) {
                String rel = previous == null ? "the start of the data buffer" : "tensor '" + previous.name + "' (ends at " + expected + ")";
                throw corrupt(path, "tensor '" + t.name + "': data_offsets [" + t.begin + ", " + t.end + "] "
                        + (t.begin < expected ? "overlap " : "leave a gap after ") + rel);
            }
            expected = t.end;
            previous = t;
        }
        if (expected != dataLength) {
            throw corrupt(path, "data buffer holds " + dataLength + " bytes but the tensors cover " + expected
                    + " (trailing bytes after the last tensor)");
        }
        return new Header(infos, metadata);
    }

    private static TensorInfo tensorInfo(Path path, String name, Json value, long dataLength) throws CorruptFileException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Json.Obj info)) throw corrupt(path, where + ": entry is not a JSON object");
        if (!(info.fields().get("dtype") instanceof Json.Str dtypeName)) throw corrupt(path, where + ": missing or non-string \"dtype\"");
        DType dtype = SafetensorsDType.parse(dtypeName.value());
        if (dtype == null) {
            if (SafetensorsDType.FORMAT_NAMES.contains(dtypeName.value())) {
                throw corrupt(path, where + ": dtype " + dtypeName.value() + " is not supported by jtorch (supported: F32, F64, I64, I32, BOOL)");
            }
            throw corrupt(path, where + ": unknown dtype '" + dtypeName.value() + "'");
        }
        if (!(info.fields().get("shape") instanceof Json.Arr shapeArr)) throw corrupt(path, where + ": missing or non-array \"shape\"");
        long[] shape = new long[shapeArr.items().size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(path, where + ": shape[" + i + "]", shapeArr.items().get(i));
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw corrupt(path, where + ": shape " + Arrays.toString(shape) + " overflows the element count");
            }
        }
        if (!(info.fields().get("data_offsets") instanceof Json.Arr offs) || offs.items().size() != 2) {
            throw corrupt(path, where + ": \"data_offsets\" must be an array [begin, end]");
        }
        long begin = nonNegativeLong(path, where + ": data_offsets[0]", offs.items().get(0));
        long end = nonNegativeLong(path, where + ": data_offsets[1]", offs.items().get(1));
        if (end < begin) throw corrupt(path, where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        if (end > dataLength) {
            throw corrupt(path, where + ": data_offsets [" + begin + ", " + end + "] run past the end of the data buffer ("
                    + dataLength + " bytes); the file is truncated or the offsets are wrong");
        }
        long needed;
        try {
            needed = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw corrupt(path, where + ": shape " + Arrays.toString(shape) + " overflows the byte count");
        }
        if (end - begin != needed) {
            throw corrupt(path, where + ": data_offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes but "
                    + dtypeName.value() + " shape " + Arrays.toString(shape) + " needs " + needed);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(Path path, String where, Json v) throws CorruptFileException {
        if (!(v instanceof Json.Num num) || !num.isInteger()) throw corrupt(path, where + " is not an integer");
        try {
            long x = Long.parseLong(num.literal());
            if (x < 0) throw corrupt(path, where + " is negative (" + x + ")");
            return x;
        } catch (NumberFormatException e) {
            throw corrupt(path, where + " = " + num.literal() + " is out of range");
        }
    }

    private static Map<String, Tensor> materialize(FileChannel ch, long dataStart, long dataLength, List<TensorInfo> infos) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = dataLength == 0 ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLength, arena);
            for (TensorInfo t : infos) {
                out.put(t.name, Tensor.fromSegment(data.asSlice(t.begin, t.end - t.begin), t.shape, t.dtype));
            }
        }
        return out;
    }

    private static CorruptFileException corrupt(Path path, String what) {
        return CorruptFileException.of(path, what);
    }

}
