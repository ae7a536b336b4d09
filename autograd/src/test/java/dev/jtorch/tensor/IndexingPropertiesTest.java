package dev.jtorch.tensor;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Indexing against {@link Ref}: random basic-indexing expressions (integers, slices with steps and negative
 * or out-of-range bounds, new axes, an ellipsis) evaluated by a separate implementation of Python's rules,
 * and indexSelect, gather, scatter, scatterAdd, maskedSelect and tensor indexing in every dtype.
 */
class IndexingPropertiesTest {

    static long[] toShape(List<Integer> dims) { return dims.stream().mapToLong(Integer::longValue).toArray(); }

    static final DType[] ALL_DTYPES = DType.values();

    /** Distinct-ish values of each dtype, so a wrong element shows. */
    static Ref values(long[] shape, DType dtype) {
        double[] v = new double[(int) Ref.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (dtype) {
                case FLOAT32, FLOAT64 -> i * 0.5 - 3;
                case INT64, INT32 -> i * 3 - 11;
                case BOOL -> i % 3 == 0 ? 1 : 0;
            };
        }
        return new Ref(shape, v);
    }

    static Tensor tensorOf(Ref r, DType dtype) { return Tensor.of(r.data).reshape(r.shape).to(dtype); }

    // =====================================================================================================
    // basic indexing
    // =====================================================================================================

    enum EntryKind { AT, SLICE, NEW_AXIS, ELLIPSIS }

    /** Raw draws for one index entry; null bounds are drawn as flags. */
    record Entry(EntryKind kind, int i, int start, int stop, int step, boolean noStart, boolean noStop) {
        Index toIndex() {
            return switch (kind) {
                case AT -> Index.at(i);
                case SLICE -> Index.slice(noStart ? null : (long) start, noStop ? null : (long) stop, step);
                case NEW_AXIS -> Index.newAxis();
                case ELLIPSIS -> Index.ellipsis();
            };
        }

        @Override public String toString() {
            return switch (kind) {
                case AT -> Integer.toString(i);
                case SLICE -> (noStart ? "" : start) + ":" + (noStop ? "" : stop) + ":" + step;
                case NEW_AXIS -> "None";
                case ELLIPSIS -> "...";
            };
        }
    }

    @Provide
    Arbitrary<List<Entry>> expressions() {
        Arbitrary<EntryKind> kinds = Arbitraries.of(EntryKind.class);
        Arbitrary<Entry> e = Combinators.combine(kinds, Arbitraries.integers().between(-7, 7), Arbitraries.integers().between(-7, 7),
                Arbitraries.integers().between(-7, 7), Arbitraries.integers().between(1, 3), Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Entry::new);
        return e.list().ofMaxSize(5);
    }

    @Property(tries = 500)
    void basicIndexingMatchesPythonRules(@ForAll @Size(max = 4) List<@IntRange(min = 0, max = 5) Integer> dims,
                                         @ForAll("expressions") List<Entry> expr, @ForAll boolean transposed) {
        long[] shape = toShape(dims);
        Ref ref = values(shape, DType.FLOAT64);
        Tensor x = tensorOf(ref, DType.FLOAT64);
        if (transposed && shape.length >= 2) {
            // same logical values, non-contiguous strides
            Tensor storageT = tensorOf(ref.permute(reversed(shape.length)), DType.FLOAT64);
            x = storageT.permute(reversed(shape.length));
            assertArrayEquals(ref.data, x.toDoubleArray(), 0.0);
        }
        Index[] idx = expr.stream().map(Entry::toIndex).toArray(Index[]::new);
        String text = "x" + Arrays.toString(shape) + expr;

        int ellipses = 0, consumed = 0;
        for (Entry e : expr) {
            if (e.kind() == EntryKind.ELLIPSIS) ellipses++;
            if (e.kind() == EntryKind.AT || e.kind() == EntryKind.SLICE) consumed++;
        }
        Tensor xx = x;
        if (ellipses > 1) {
            IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> xx.index(idx), text);
            assertTrue(err.getMessage().contains("single ellipsis"), err.getMessage());
            return;
        }
        if (consumed > shape.length) {
            IndexOutOfBoundsException err = assertThrows(IndexOutOfBoundsException.class, () -> xx.index(idx), text);
            assertTrue(err.getMessage().contains("too many indices"), err.getMessage());
            return;
        }
        // the reference: expand the ellipsis (or pad at the end) into full slices, then walk the input dims
        List<Entry> full = new ArrayList<>();
        boolean expanded = false;
        for (Entry e : expr) {
            if (e.kind() == EntryKind.ELLIPSIS) {
                for (int k = 0; k < shape.length - consumed; k++) full.add(new Entry(EntryKind.SLICE, 0, 0, 0, 1, true, true));
                expanded = true;
            } else {
                full.add(e);
            }
        }
        if (!expanded) for (int k = 0; k < shape.length - consumed; k++) full.add(new Entry(EntryKind.SLICE, 0, 0, 0, 1, true, true));
        // per output dim: the input dim it walks (or -1 for a new axis), its start and step; fixed input coords
        List<long[]> outDims = new ArrayList<>(); // {inputDim, start, step, length}
        long[] fixed = new long[shape.length];
        int d = 0;
        for (Entry e : full) {
            switch (e.kind()) {
                case AT -> {
                    long n = shape[d];
                    if (e.i() < -n || e.i() >= n) {
                        IndexOutOfBoundsException err = assertThrows(IndexOutOfBoundsException.class, () -> xx.index(idx), text);
                        assertTrue(err.getMessage().contains("index " + e.i()) && err.getMessage().contains("size " + n), err.getMessage());
                        return;
                    }
                    fixed[d] = e.i() < 0 ? e.i() + n : e.i();
                    d++;
                }
                case SLICE -> {
                    long n = shape[d];
                    long s = e.noStart() ? 0 : pyClamp(e.start(), n), t = e.noStop() ? n : pyClamp(e.stop(), n);
                    long len = t > s ? (t - s + e.step() - 1) / e.step() : 0;
                    outDims.add(new long[] {d, s, e.step(), len});
                    d++;
                }
                case NEW_AXIS -> outDims.add(new long[] {-1, 0, 0, 1});
                case ELLIPSIS -> throw new AssertionError();
            }
        }
        long[] outShape = outDims.stream().mapToLong(o -> o[3]).toArray();
        Ref want = Ref.build(outShape, o -> {
            long[] in = fixed.clone();
            for (int k = 0; k < o.length; k++) {
                long[] od = outDims.get(k);
                if (od[0] >= 0) in[(int) od[0]] = od[1] + o[k] * od[2];
            }
            return ref.at(in);
        });
        Tensor got = x.index(idx);
        assertArrayEquals(want.shape, got.shape(), text);
        assertArrayEquals(want.data, got.toDoubleArray(), 0.0, text);
        if (got.numel() > 0) assertTrue(got.storage() == x.storage(), "basic indexing is a view: " + text);
    }

    static long pyClamp(long i, long n) { return i < 0 ? Math.max(0, i + n) : Math.min(i, n); }

    static int[] reversed(int r) {
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = r - 1 - i;
        return p;
    }

    // =====================================================================================================
    // advanced indexing
    // =====================================================================================================

    @Provide
    Arbitrary<DType> dtypes() { return Arbitraries.of(ALL_DTYPES); }

    @Property(tries = 200)
    void indexSelectPicksEntriesAlongADim(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 4) Integer> dims,
                                          @ForAll @IntRange(max = 3) int dimDraw, @ForAll @Size(max = 6) List<@IntRange(max = 100) Integer> picks,
                                          @ForAll("dtypes") DType dtype, @ForAll boolean int32Index) {
        long[] shape = toShape(dims);
        int d = dimDraw % shape.length;
        Ref ref = values(shape, dtype);
        long[] index = picks.stream().mapToLong(p -> p % shape[d]).toArray();
        Tensor idx = int32Index ? Tensor.of(index).to(DType.INT32) : Tensor.of(index);
        Tensor got = tensorOf(ref, dtype).indexSelect(d, idx);
        long[] os = shape.clone();
        os[d] = index.length;
        Ref want = Ref.build(os, o -> {
            long[] in = o.clone();
            in[d] = index[(int) o[d]];
            return ref.at(in);
        });
        assertEquals(dtype, got.dtype());
        assertArrayEquals(want.shape, got.shape());
        assertArrayEquals(want.data, got.toDoubleArray(), 0.0);
        // tensor indexing along dim 0 is the same selection, reshaped by the index's shape
        if (d == 0) assertArrayEquals(want.data, tensorOf(ref, dtype).index(Tensor.of(index)).toDoubleArray(), 0.0);
    }

    @Property(tries = 200)
    void gatherReadsAtIndexAlongDim(@ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 4) Integer> dims,
                                    @ForAll @IntRange(max = 2) int dimDraw, @ForAll @IntRange(max = 4) int outLen,
                                    @ForAll("dtypes") DType dtype, @ForAll long seed) {
        long[] shape = toShape(dims);
        int d = dimDraw % shape.length;
        Random r = new Random(seed);
        long[] is = shape.clone();
        for (int i = 0; i < is.length; i++) is[i] = i == d ? outLen : 1 + r.nextInt((int) shape[i]); // smaller than self off dim
        Ref index = Ref.build(is, o -> r.nextInt((int) shape[d]));
        Ref ref = values(shape, dtype);
        Tensor idx = Tensor.of(index.data).reshape(is).to(DType.INT64);
        Tensor got = tensorOf(ref, dtype).gather(d, idx);
        Ref want = Ref.build(is, o -> {
            long[] in = o.clone();
            in[d] = (long) index.at(o);
            return ref.at(in);
        });
        assertArrayEquals(want.shape, got.shape());
        assertArrayEquals(want.data, got.toDoubleArray(), 0.0);
    }

    @Property(tries = 200)
    void scatterWritesAndScatterAddAccumulates(@ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 4) Integer> dims,
                                               @ForAll @IntRange(max = 2) int dimDraw, @ForAll("dtypes") DType dtype, @ForAll long seed) {
        long[] shape = toShape(dims);
        int d = dimDraw % shape.length;
        Random r = new Random(seed);
        long[] ss = shape.clone();
        for (int i = 0; i < ss.length; i++) ss[i] = 1 + r.nextInt((int) shape[i]);
        // scatter: distinct targets along dim within each line, so the result is deterministic
        Ref index = uniqueAlongDim(ss, d, shape[d], r);
        Ref self = values(shape, dtype);
        Ref src = Ref.build(ss, o -> dtype == DType.BOOL ? r.nextInt(2) : 100 + r.nextInt(50));
        Tensor idx = Tensor.of(index.data).reshape(ss).to(DType.INT64);
        Tensor got = tensorOf(self, dtype).scatter(d, idx, tensorOf(src, dtype));
        double[] want = self.data.clone();
        long[] st = Shapes.contiguousStrides(shape);
        Ref.forEachIndex(ss, o -> {
            long flat = 0;
            for (int i = 0; i < o.length; i++) flat += (i == d ? (long) index.at(o) : o[i]) * st[i];
            want[(int) flat] = src.at(o);
        });
        assertArrayEquals(want, got.toDoubleArray(), 0.0, "scatter");
        if (dtype == DType.BOOL) return;
        // scatterAdd: repeated targets accumulate
        Ref dupIndex = Ref.build(ss, o -> r.nextInt((int) shape[d]));
        Tensor dup = Tensor.of(dupIndex.data).reshape(ss).to(DType.INT64);
        Tensor added = tensorOf(self, dtype).scatterAdd(d, dup, tensorOf(src, dtype));
        double[] wantAdd = self.data.clone();
        Ref.forEachIndex(ss, o -> {
            long flat = 0;
            for (int i = 0; i < o.length; i++) flat += (i == d ? (long) dupIndex.at(o) : o[i]) * st[i];
            wantAdd[(int) flat] += src.at(o);
        });
        assertArrayEquals(wantAdd, added.toDoubleArray(), 1e-9, "scatterAdd");
    }

    static Ref uniqueAlongDim(long[] shape, int d, long range, Random r) {
        double[] out = new double[(int) Ref.numel(shape)];
        long[] st = Shapes.contiguousStrides(shape);
        long[] lineShape = shape.clone();
        lineShape[d] = 1;
        Ref.forEachIndex(lineShape, o -> {
            List<Long> perm = new ArrayList<>();
            for (long i = 0; i < range; i++) perm.add(i);
            Collections.shuffle(perm, r);
            long base = 0;
            for (int i = 0; i < o.length; i++) base += o[i] * st[i];
            for (int k = 0; k < shape[d]; k++) out[(int) (base + k * st[d])] = perm.get(k);
        });
        return new Ref(shape, out);
    }

    @Property(tries = 200)
    void maskedSelectAndBoolIndexingTakeTheTrueElementsInOrder(
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 4) Integer> dims,
            @ForAll @IntRange(max = 4) int drop, @ForAll @IntRange(max = 15) int ones, @ForAll("dtypes") DType dtype, @ForAll long seed) {
        long[] shape = toShape(dims);
        long[] ms = BroadcastPropertiesTest.operandShape(shape, drop, ones);
        Random r = new Random(seed);
        Ref mask = Ref.build(ms, o -> r.nextInt(3) == 0 ? 0 : 1);
        Ref ref = values(shape, dtype);
        Tensor m = tensorOf(mask, DType.BOOL);
        Tensor got = tensorOf(ref, dtype).maskedSelect(m);
        List<Double> want = new ArrayList<>();
        Ref.forEachIndex(shape, o -> {
            if (mask.atBroadcast(o) != 0) want.add(ref.at(o));
        });
        assertArrayEquals(new long[] {want.size()}, got.shape());
        assertArrayEquals(want.stream().mapToDouble(Double::doubleValue).toArray(), got.toDoubleArray(), 0.0);
        // x[mask] with a mask of x's full shape is the same selection
        if (Arrays.equals(ms, shape)) assertArrayEquals(got.toDoubleArray(), tensorOf(ref, dtype).index(m).toDoubleArray(), 0.0);
    }
}
