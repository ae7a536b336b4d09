package dev.jtorch.serialization;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch's {@code torch.save} files (the zip format of PyTorch 1.6+: {@code <name>/data.pkl},
 * {@code <name>/data/<key>} storages, {@code <name>/version}) holding tensors in (ordered) dicts, such as a
 * {@code state_dict()}. The pickle is interpreted by {@link RestrictedUnpickler}: only the globals and opcodes
 * that {@code torch.save} writes for tensors and dicts are accepted, so loading never runs code. Storage sizes
 * are checked against the archive before anything is read.
 */
public final class PthReader {
    /** data.pkl of a state dict is small; a larger one is not something we should read into memory. */
    static final long MAX_PICKLE_BYTES = 1L << 30;

    private PthReader() {}

    /**
     * The tensors of a saved dict, in pickle order. Nested dicts are flattened with dotted keys
     * ({@code {'model': {'w': t}}} gives {@code model.w}); values that are not tensors (an epoch number) are skipped.
     */
    public static Map<String, Tensor> load(Path path) throws IOException {
        Object root = read(path);
        if (!(root instanceof Map<?, ?> map)) {
            throw CorruptFileException.of(path, "top-level object is a " + RestrictedUnpickler.describe(root) + ", expected a dict of tensors");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        flatten("", map, out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Tensor> out) {
        for (var e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Tensor t) out.put(key, t);
            else if (e.getValue() instanceof Map<?, ?> m) flatten(key + ".", m, out);
        }
    }

    /** The unpickled object: maps, lists, tensors, {@code Long}, {@code Double}, {@code String}, {@code Boolean}, null. */
    public static Object read(Path path) throws IOException {
        BoundedReads.requireLittleEndianHost(".pth reading");
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new CorruptFileException(path + ": not a zip archive (" + e.getMessage()
                    + "); only the zip format torch.save writes since PyTorch 1.6 is supported", e);
        }
        try (zip) {
            String prefix = findPrefix(path, zip);
            checkByteOrder(path, zip, prefix);
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            byte[] pickle = readEntry(path, zip, pkl, MAX_PICKLE_BYTES);
            Storages storages = new Storages(path, zip, prefix);
            return new RestrictedUnpickler(pickle, path + "!" + pkl.getName(), storages).load();
        } catch (ZipException e) {
            throw new CorruptFileException(path + ": corrupt zip archive: " + e.getMessage(), e);
        }
    }

    private static String findPrefix(Path path, ZipFile zip) throws CorruptFileException {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            int slash = name.indexOf('/');
            if (name.endsWith("/data.pkl") && slash == name.length() - "/data.pkl".length()) return name.substring(0, slash + 1);
        }
        throw CorruptFileException.of(path, "no '<name>/data.pkl' entry: not a torch.save archive");
    }

    private static void checkByteOrder(Path path, ZipFile zip, String prefix) throws IOException {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) return; // older writers omit it; they were little-endian
        String order = new String(readEntry(path, zip, e, 16), StandardCharsets.US_ASCII).trim();
        if (!order.equals("little")) throw CorruptFileException.of(path, "storages are " + order + "-endian; only little-endian files are supported");
    }

    static byte[] readEntry(Path path, ZipFile zip, ZipEntry entry, long cap) throws IOException {
        long size = entry.getSize();
        if (size > cap) throw CorruptFileException.of(path, entry.getName() + " declares " + size + " bytes, more than the " + cap + "-byte limit");
        try (InputStream in = zip.getInputStream(entry)) {
            if (size < 0) {
                byte[] b = in.readNBytes((int) Math.min(cap, Integer.MAX_VALUE - 8) + 1);
                if (b.length > cap) throw CorruptFileException.of(path, entry.getName() + " is larger than the " + cap + "-byte limit");
                return b;
            }
            byte[] b = BoundedReads.readExactly(in, size, path + "!" + entry.getName());
            if (!BoundedReads.atEnd(in)) throw CorruptFileException.of(path, entry.getName() + " holds more bytes than its declared " + size);
            return b;
        }
    }

    /** A storage named by a persistent id; its bytes are read on first use. */
    record StorageRef(String key, DType dtype, long numel) {}

    /** Resolves persistent ids against the archive's {@code data/} entries and rebuilds tensors. */
    private static final class Storages implements RestrictedUnpickler.Hooks {
        private final Path path;
        private final ZipFile zip;
        private final String prefix;
        private final Map<String, StorageRef> refs = new HashMap<>();
        private final Map<String, Tensor> loaded = new HashMap<>();

        Storages(Path path, ZipFile zip, String prefix) {
            this.path = path;
            this.zip = zip;
            this.prefix = prefix;
        }

        @Override public Object persistentLoad(Object pid) throws CorruptFileException {
            if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))) {
                throw CorruptFileException.of(path, "persistent id " + pid + " is not ('storage', type, key, location, numel)");
            }
            if (!(t.get(1) instanceof RestrictedUnpickler.Global g)) throw CorruptFileException.of(path, "storage type " + t.get(1) + " is not a torch storage class");
            DType dtype = switch (g.qualified()) {
                case "torch.FloatStorage" -> DType.FLOAT32;
                case "torch.DoubleStorage" -> DType.FLOAT64;
                case "torch.LongStorage" -> DType.INT64;
                case "torch.IntStorage" -> DType.INT32;
                case "torch.BoolStorage" -> DType.BOOL;
                default -> throw CorruptFileException.of(path, g.qualified() + " is not a storage type");
            };
            if (!(t.get(2) instanceof String key)) throw CorruptFileException.of(path, "storage key " + t.get(2) + " is not a string");
            if (!(t.get(4) instanceof Long numel) || numel < 0) throw CorruptFileException.of(path, "storage '" + key + "' has a bad element count " + t.get(4));
            StorageRef ref = new StorageRef(key, dtype, numel);
            StorageRef seen = refs.putIfAbsent(key, ref);
            if (seen != null && !seen.equals(ref)) throw CorruptFileException.of(path, "storage '" + key + "' is declared twice with different types or sizes");
            return ref;
        }

        private Tensor storageTensor(StorageRef ref) throws CorruptFileException {
            Tensor t = loaded.get(ref.key());
            if (t != null) return t;
            ZipEntry e = zip.getEntry(prefix + "data/" + ref.key());
            if (e == null) throw CorruptFileException.of(path, "storage '" + ref.key() + "' has no entry " + prefix + "data/" + ref.key());
            long bytes;
            try {
                bytes = Math.multiplyExact(ref.numel(), (long) ref.dtype().byteSize());
            } catch (ArithmeticException ex) {
                throw CorruptFileException.of(path, "storage '" + ref.key() + "' element count " + ref.numel() + " overflows");
            }
            if (e.getSize() >= 0 && e.getSize() != bytes) {
                throw CorruptFileException.of(path, "storage '" + ref.key() + "' declares " + ref.numel() + " " + ref.dtype().pyName()
                        + " elements (" + bytes + " bytes) but " + e.getName() + " holds " + e.getSize() + " bytes");
            }
            byte[] data;
            try {
                data = readEntry(path, zip, e, bytes);
            } catch (CorruptFileException ex) {
                throw ex;
            } catch (IOException ex) {
                throw new CorruptFileException(path + ": reading storage '" + ref.key() + "': " + ex.getMessage(), ex);
            }
            if (data.length != bytes) throw CorruptFileException.of(path, "storage '" + ref.key() + "' holds " + data.length + " bytes, expected " + bytes);
            t = Tensor.fromSegment(MemorySegment.ofArray(data), new long[] {ref.numel()}, ref.dtype());
            loaded.put(ref.key(), t);
            return t;
        }

        /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
        @Override public Object rebuildTensor(List<Object> args) throws CorruptFileException {
            if (args.size() < 4) throw CorruptFileException.of(path, "_rebuild_tensor_v2 needs at least 4 arguments, got " + args.size());
            if (!(args.get(0) instanceof StorageRef ref)) throw CorruptFileException.of(path, "_rebuild_tensor_v2 first argument is not a storage");
            if (!(args.get(1) instanceof Long offset) || offset < 0) throw CorruptFileException.of(path, "tensor storage offset " + args.get(1) + " is not a non-negative integer");
            long[] size = longs(args.get(2), "size");
            long[] stride = longs(args.get(3), "stride");
            if (size.length != stride.length) throw CorruptFileException.of(path, "tensor size " + List.of(args.get(2)) + " and stride " + args.get(3) + " differ in length");
            long last = offset;
            long numel = 1;
            try {
                for (int i = 0; i < size.length; i++) {
                    if (size[i] < 0 || stride[i] < 0) throw CorruptFileException.of(path, "tensor size/stride must be non-negative: " + args.get(2) + " / " + args.get(3));
                    numel = Math.multiplyExact(numel, size[i]);
                    if (size[i] > 0) last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            } catch (ArithmeticException ex) {
                throw CorruptFileException.of(path, "tensor size " + args.get(2) + " / stride " + args.get(3) + " overflow");
            }
            if (numel > 0 && last >= ref.numel()) {
                throw CorruptFileException.of(path, "tensor of size " + args.get(2) + ", stride " + args.get(3) + ", offset " + offset
                        + " reaches element " + last + " of storage '" + ref.key() + "' which has " + ref.numel());
            }
            Tensor storage = storageTensor(ref);
            return storage.asStrided(size, stride, offset);
        }

        private long[] longs(Object o, String what) throws CorruptFileException {
            if (!(o instanceof List<?> l)) throw CorruptFileException.of(path, "tensor " + what + " is not a tuple");
            long[] out = new long[l.size()];
            List<Object> items = new ArrayList<>(l);
            for (int i = 0; i < out.length; i++) {
                if (!(items.get(i) instanceof Long v)) throw CorruptFileException.of(path, "tensor " + what + " " + l + " holds a non-integer");
                out[i] = v;
            }
            return out;
        }
    }
}
