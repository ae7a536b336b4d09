package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A weight's transpose laid out row-major, {@code w.t().contiguous()}, for products that stream it row by row (an
 * LSTM layer's W_hh^T, read once per step), kept from call to call while the weight's bytes stay the same.
 *
 * <p>Each kept layout holds a copy of the weight it was made from, and a call compares the weight with that copy
 * before using it. A version counter would be cheaper but misses writes that do not bump it (a captured graph's
 * replay, a user writing the tensor's memory); the comparison misses nothing and, for a 64 x 256 float32 W_hh,
 * reads 2 x 64 KiB where redoing the layout gathers the whole weight. Batch-1 inference repeats the same
 * weights call after call, which is where the layout's cost is not spread over many rows.
 *
 * <p>One object per owner and thread; {@link #ENTRIES} layouts kept, the least recently used replaced.
 * Weights above {@link #MAX_KEPT_BYTES}, and non-contiguous ones, are laid out on every call in one reused buffer
 * (their per-step products outweigh the layout). The memory is native and from shared arenas, as tensors' own:
 * the products' segment accesses slow down once C2 has seen a second kind of segment.
 */
final class TransposedWeights {
    /** Layouts kept per owner and thread: both layers' W_hh of a two-layer LSTM in both directions. */
    static final int ENTRIES = 4;
    /** Weights larger than this (a 256-wide LSTM's W_hh in float32) are not kept. */
    static final long MAX_KEPT_BYTES = 1L << 20;

    private final Entry[] entries = new Entry[ENTRIES];
    private final NativeScratch unkept = new NativeScratch();
    private float[] unkeptStrips = new float[0], packingLines = new float[0];
    private long tick;
    private long hits, layouts;

    /** One per owner and thread (a {@code ThreadLocal} of the owner), so one owner's operands never evict another's. */
    TransposedWeights() {
        for (int i = 0; i < ENTRIES; i++) entries[i] = new Entry();
    }

    /**
     * {@code w.t().contiguous()} for a 2-D weight of float32 or float64: [cols, rows] row-major, valid until this
     * object's next call. Kept for later calls when w is contiguous and at most {@link #MAX_KEPT_BYTES}.
     */
    MemorySegment of(Tensor w) {
        int rows = (int) w.size(0), cols = (int) w.size(1);
        DType dtype = w.dtype();
        MemorySegment src = ElementAccess.segment(w);
        long off = w.storageOffset(), rs = w.stride(0), cs = w.stride(1);
        long bytes = (long) rows * cols * dtype.byteSize();
        if (!(cs == 1 && rs == cols) || bytes > MAX_KEPT_BYTES) {
            layouts++;
            return layOut(src, off, rs, cs, rows, cols, dtype.byteSize(), unkept.bytes(bytes));
        }
        return kept(src, off, rows, cols, dtype.byteSize(), true);
    }

    /**
     * {@code w.t()} of a 2-D float32 weight [n, k] in strips of {@code width} of its n columns, on the heap, for
     * {@link StripGemv}: element (p, j) of W^T at {@code [(j / width * k + p) * width + j % width]}, 0 past column n.
     * Kept between calls like {@link #of} (the same entries and comparison) when w is contiguous and at most
     * {@link #MAX_KEPT_BYTES}; valid until this object's next call.
     */
    float[] stripsOf(Tensor w, int width) {
        int n = (int) w.size(0), k = (int) w.size(1);
        MemorySegment src = ElementAccess.segment(w);
        long off = w.storageOffset(), rs = w.stride(0), cs = w.stride(1);
        int floats = Math.ceilDiv(n, width) * width * k;
        if (!(cs == 1 && rs == k) || (long) n * k * Float.BYTES > MAX_KEPT_BYTES) {
            layouts++;
            unkeptStrips = unkeptStrips.length < floats ? new float[floats] : unkeptStrips;
            return layOutStrips(src, off, rs, cs, n, k, width, unkeptStrips);
        }
        Entry slot = find(src, off, n, k, Float.BYTES);
        if (slot != null && slot.stripWidth == width) {
            hits++;
            return slot.strips;
        }
        if (slot == null) slot = note(src, off, n, k, Float.BYTES);
        layouts++;
        slot.strips = slot.strips.length < floats ? new float[floats] : slot.strips;
        slot.stripWidth = width;
        return layOutStrips(src, off, k, 1, n, k, width, slot.strips);
    }

    /** W^T (element (p, j) = w[j, p]) in panels of width columns: Sgemm's packing of a B operand. */
    private float[] layOutStrips(MemorySegment src, long off, long rs, long cs, int n, int k, int width, float[] dst) {
        if (packingLines.length < width * SgemmPacking.LINE) packingLines = new float[width * SgemmPacking.LINE];
        SgemmPacking.packPanels(dst, width, src, off, cs, rs, k, n, packingLines);
        return dst;
    }

    /**
     * The transpose of a contiguous row-major [rows, cols] matrix of elements of {@code size} bytes (4 or 8) at
     * element offset {@code off}, if this object saw the same bytes at the same place last time; otherwise null,
     * and the bytes are noted, so a matrix that stays the same (a frozen weight) is laid out on its second call and
     * one that changes every call (a trained weight, activations) costs a comparison and a copy, not a transpose.
     */
    MemorySegment ifUnchanged(MemorySegment src, long off, int rows, int cols, int size) {
        if ((long) rows * cols * size > MAX_KEPT_BYTES) return null;
        return kept(src, off, rows, cols, size, false);
    }

    private MemorySegment kept(MemorySegment src, long off, int rows, int cols, int size, boolean layOutNow) {
        Entry slot = find(src, off, rows, cols, size);
        if (slot != null && slot.laidOut) {
            hits++;
            return slot.transposed.current();
        }
        if (slot == null) {
            slot = note(src, off, rows, cols, size);
            if (!layOutNow) return null;
        }
        layouts++;
        layOut(src, off, cols, 1, rows, cols, size, slot.transposed.bytes((long) rows * cols * size));
        slot.laidOut = true;
        return slot.transposed.current();
    }

    /** The entry that saw these bytes at this place last time (now the most recently used), or null. */
    private Entry find(MemorySegment src, long off, int rows, int cols, int size) {
        long bytes = (long) rows * cols * size, from = off * size, address = src.address() + from;
        for (Entry e : entries) {
            if (e.address == address && e.rows == rows && e.cols == cols && e.size == size) {
                if (MemorySegment.mismatch(e.source.current(), 0, bytes, src, from, from + bytes) != -1) return null;
                e.used = ++tick;
                return e;
            }
        }
        return null;
    }

    /** Notes the bytes in the entry of this place, or else the least recently used one; its layouts are dropped. */
    private Entry note(MemorySegment src, long off, int rows, int cols, int size) {
        long bytes = (long) rows * cols * size, from = off * size, address = src.address() + from;
        Entry slot = null;
        for (Entry e : entries) if (e.address == address && e.rows == rows && e.cols == cols && e.size == size) slot = e;
        if (slot == null) {
            slot = entries[0];
            for (Entry e : entries) if (e.used < slot.used) slot = e;
        }
        MemorySegment.copy(src, from, slot.source.bytes(bytes), 0, bytes);
        slot.address = address;
        slot.rows = rows;
        slot.cols = cols;
        slot.size = size;
        slot.used = ++tick;
        slot.laidOut = false;
        slot.stripWidth = 0;
        return slot;
    }

    /** Calls answered from a kept layout, and layouts made, since this thread started: for tests. */
    long hits() { return hits; }
    long layouts() { return layouts; }

    private static MemorySegment layOut(MemorySegment src, long off, long rs, long cs, int rows, int cols, int size, MemorySegment dst) {
        DType dtype = size == Float.BYTES ? DType.FLOAT32 : DType.FLOAT64;
        if (size == Float.BYTES && cs == 1 && rs == cols) {
            Gather.forThread().transpose(src, off, rows, cols, dst);
        } else if (cs == 1) {
            Transpose2d.copy(src, off, rs, dst, 0, cols, rows, size);
        } else {
            for (int j = 0; j < rows; j++) {
                for (int p = 0; p < cols; p++) ElementAccess.setDouble(dst, dtype, (long) p * rows + j, ElementAccess.getDouble(src, dtype, off + j * rs + p * cs));
            }
        }
        return dst;
    }

    /** A kept matrix: its address, shape and element size, a copy of its bytes, and (once laid out) its transpose. */
    private static final class Entry {
        final NativeScratch source = new NativeScratch(), transposed = new NativeScratch();
        long address = -1, used;
        int rows, cols, size;
        boolean laidOut;
        /** W^T in strips ({@link #stripsOf}), valid while stripWidth is not 0. */
        float[] strips = new float[0];
        int stripWidth;
    }

    /**
     * A contiguous float32 W transposed through heap arrays: one bulk copy in, a gather per vector of W^T (about
     * 4x faster than the element-wise segment walk at 256 x 64), one bulk copy out to native memory: the
     * products' vector loads slow down several times once they see heap segments as well.
     */
    private static final class Gather {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();
        private static final ThreadLocal<Gather> PER_THREAD = ThreadLocal.withInitial(Gather::new);

        static Gather forThread() { return PER_THREAD.get(); }

        private float[] in = new float[0], out = new float[0];
        /** Element offsets of one column's L consecutive rows in a row-major W: 0, cols, 2 cols, ... */
        private int[] columnIndex = new int[0];

        void transpose(MemorySegment src, long off, int rows, int cols, MemorySegment dst) {
            int n = rows * cols;
            if (in.length < n) {
                in = new float[n];
                out = new float[n];
            }
            float[] in = this.in, out = this.out;
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT, off * Float.BYTES, in, 0, n);
            // out[p, j:j+L] = in[j:j+L, p]: one gather of a column of L rows of W per vector of W^T
            int j = 0;
            if (rows >= L) {
                if (columnIndex.length != L || columnIndex[1] != cols) {
                    columnIndex = new int[L];
                    for (int l = 0; l < L; l++) columnIndex[l] = l * cols;
                }
                for (; j + L <= rows; j += L) {
                    for (int p = 0; p < cols; p++) FloatVector.fromArray(S, in, j * cols + p, columnIndex, 0).intoArray(out, p * rows + j);
                }
            }
            for (; j < rows; j++) {
                for (int p = 0; p < cols; p++) out[p * rows + j] = in[j * cols + p];
            }
            MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_FLOAT, 0, n);
        }
    }
}
