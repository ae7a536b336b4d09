package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.*;

class IndexKernelsTest {
    // a [4, 6] logical source viewed transposed out of a [6, 4] storage
    private static final long[] SHAPE = {4, 6}, STRIDES = {1, 4};

    private static double[] storage(DType t) { return asStored(t, t == DType.BOOL ? new double[24] : smallInts(24, 3)); }

    @ParameterizedTest
    @EnumSource(DType.class)
    void indexSelectAlongEachDimOfATransposedView(DType t) {
        double[] st = storage(t);
        if (t == DType.BOOL) for (int i = 0; i < 24; i += 3) st[i] = 1;
        Tensor src = tensor(t, new long[]{24}, st).asStrided(SHAPE, STRIDES, 0);
        double[] x = view(st, SHAPE, STRIDES, 0);
        long[] idx = {3, 0, 3, 1, 2};
        for (int dim = 0; dim < 2; dim++) {
            long[] outShape = SHAPE.clone();
            outShape[dim] = idx.length;
            Tensor out = empty(t, outShape);
            CPU.indexSelect(src, dim, longs(new long[]{idx.length}, idx), out);
            double[] expected = new double[(int) numel(outShape)];
            for (int i = 0; i < outShape[0]; i++) for (int j = 0; j < outShape[1]; j++) {
                int si = dim == 0 ? (int) idx[i] : i, sj = dim == 1 ? (int) idx[j] : j;
                expected[(int) (i * outShape[1] + j)] = x[si * 6 + sj];
            }
            assertClose(expected, values(out), 0, 0, "indexSelect dim " + dim + " " + t);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64", "INT32"})
    void indexAddAccumulatesRepeatedIndices(DType t) {
        long[] idx = {2, 0, 2, 2};
        for (int dim = 0; dim < 2; dim++) {
            long[] dstShape = {3, 5}, srcShape = dstShape.clone();
            srcShape[dim] = idx.length;
            double[] d0 = smallInts(15, 5), s0 = smallInts((int) numel(srcShape), 6);
            Tensor dst = tensor(t, dstShape, d0);
            Tensor src = tensor(t, srcShape, s0);
            CPU.indexAdd(dst, dim, longs(new long[]{idx.length}, idx), src);
            double[] expected = d0.clone();
            for (int i = 0; i < srcShape[0]; i++) for (int j = 0; j < srcShape[1]; j++) {
                int di = dim == 0 ? (int) idx[i] : i, dj = dim == 1 ? (int) idx[j] : j;
                expected[di * 5 + dj] += s0[(int) (i * srcShape[1] + j)];
            }
            assertClose(expected, values(dst), 1e-6, 0, "indexAdd dim " + dim + " " + t);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64", "INT32", "BOOL"})
    void gatherAndScatterAlongEachDim(DType t) {
        double[] st = storage(t);
        if (t == DType.BOOL) for (int i = 0; i < 24; i += 5) st[i] = 1;
        Tensor src = tensor(t, new long[]{24}, st).asStrided(SHAPE, STRIDES, 0);
        double[] x = view(st, SHAPE, STRIDES, 0);
        for (int dim = 0; dim < 2; dim++) {
            long[] ixShape = {3, 4};
            long size = SHAPE[dim];
            long[] idx = new long[12];
            for (int i = 0; i < 12; i++) idx[i] = (i * 7 + 3) % size;
            Tensor index = longs(ixShape, idx);
            Tensor out = empty(t, ixShape);
            CPU.gather(src, dim, index, out);
            double[] expected = new double[12];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) {
                int v = (int) idx[i * 4 + j];
                expected[i * 4 + j] = dim == 0 ? x[v * 6 + j] : x[i * 6 + v];
            }
            assertClose(expected, values(out), 0, 0, "gather dim " + dim + " " + t);

            for (boolean accumulate : new boolean[]{false, true}) {
                if (accumulate && t == DType.BOOL) continue;
                double[] d0 = asStored(t, smallInts(24, 8));
                Tensor dst = tensor(t, SHAPE, d0);
                double[] upd = asStored(t, smallInts(12, 9));
                Tensor updates = tensor(t, ixShape, upd);
                CPU.scatter(dst, dim, index, updates, accumulate);
                double[] exp = d0.clone();
                for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) {
                    int v = (int) idx[i * 4 + j];
                    int at = dim == 0 ? v * 6 + j : i * 6 + v;
                    exp[at] = accumulate ? exp[at] + upd[i * 4 + j] : upd[i * 4 + j];
                }
                if (!accumulate) {
                    // with repeated targets the last write wins, as on the calling thread in order
                    assertClose(exp, values(dst), 0, 0, "scatter dim " + dim + " " + t);
                } else {
                    assertClose(exp, values(dst), 1e-6, 0, "scatter-add dim " + dim + " " + t);
                }
            }
        }
    }

    @Test
    void scatterOfABroadcastScalarFills() {
        Tensor dst = tensor(DType.FLOAT32, new long[]{2, 3}, 0, 0, 0, 0, 0, 0);
        Tensor one = tensor(DType.FLOAT32, new long[]{1}, 1).asStrided(new long[]{2, 1}, new long[]{0, 0}, 0);
        CPU.scatter(dst, 1, longs(new long[]{2, 1}, 2, 0), one, false);
        assertArrayEquals(new double[]{0, 0, 1, 1, 0, 0}, values(dst));
    }

    @Test
    void outOfRangeIndicesThrowNamingIndexAndSize() {
        Tensor src = tensor(DType.FLOAT32, new long[]{5, 2}, new double[10]);
        var e = assertThrows(IndexOutOfBoundsException.class,
                () -> CPU.indexSelect(src, 0, longs(new long[]{2}, 1, 7), empty(DType.FLOAT32, 2, 2)));
        assertEquals("index 7 is out of bounds for dimension 0 with size 5", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
                () -> CPU.gather(src, 1, longs(new long[]{1, 1}, -1), empty(DType.FLOAT32, 1, 1)));
        Tensor dst = tensor(DType.FLOAT32, new long[]{5, 2}, new double[10]);
        var s = assertThrows(IndexOutOfBoundsException.class,
                () -> CPU.scatter(dst, 1, longs(new long[]{1, 2}, 0, 2), tensor(DType.FLOAT32, new long[]{1, 2}, 4, 4), false));
        assertEquals("index 2 is out of bounds for dimension 1 with size 2", s.getMessage());
        for (double v : values(dst)) assertEquals(0, v, "nothing written before the bad index was found");
        assertThrows(IndexOutOfBoundsException.class,
                () -> CPU.indexAdd(dst, 0, longs(new long[]{1}, 5), tensor(DType.FLOAT32, new long[]{1, 2}, 1, 1)));
    }

    @Test
    void flatNonzeroListsRowMajorPositions() {
        double[] m = new double[1023];
        for (int i = 0; i < m.length; i += 17) m[i] = 1;
        m[1022] = 1;
        Tensor mask = tensor(DType.BOOL, new long[]{1023}, m);
        long[] got = longValues(CPU.flatNonzero(mask));
        long[] expected = java.util.stream.IntStream.range(0, 1023).filter(i -> m[i] != 0).asLongStream().toArray();
        assertArrayEquals(expected, got);
        // a view with an offset: positions count from the view's first element
        Tensor view = mask.asStrided(new long[]{3, 5}, new long[]{5, 1}, 17);
        assertArrayEquals(new long[]{0}, longValues(CPU.flatNonzero(view)));
        Tensor none = CPU.flatNonzero(tensor(DType.BOOL, new long[]{4}, 0, 0, 0, 0));
        assertEquals(0, none.numel());
        assertEquals(DType.INT64, none.dtype());
    }
}
