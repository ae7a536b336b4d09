package dev.jtorch.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StridedIndexerTest {

    private static List<Long> offsets(StridedIndexer walk, long start, long end, int operand) {
        List<Long> out = new ArrayList<>();
        long stride = walk.rowStride(operand);
        walk.forEachRow(start, end, (off, n) -> {
            for (long i = 0; i < n; i++) out.add(off[operand] + i * stride);
        });
        return out;
    }

    @Test
    void contiguousDimsMergeIntoOneRow() {
        StridedIndexer walk = StridedIndexer.of(new long[]{2, 3, 4}, new long[]{5}, new long[]{12, 4, 1});
        assertEquals(1, walk.rank());
        assertEquals(24, walk.rowLength());
        assertEquals(1, walk.rowStride(0));
    }

    @Test
    void sizeOneDimsVanishAndBroadcastsStaySeparate() {
        StridedIndexer walk = StridedIndexer.of(new long[]{3, 1, 4}, new long[]{0, 0},
                new long[]{4, 99, 1}, new long[]{0, 99, 1});
        assertEquals(2, walk.rank());
        assertEquals(0, walk.rowStride(1) - 1);
        assertEquals(List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L), offsets(walk, 0, 12, 1));
    }

    @Test
    void zeroDimWalksOneElement() {
        StridedIndexer walk = StridedIndexer.of(new long[]{}, new long[]{7}, new long[]{});
        assertEquals(1, walk.numel());
        assertEquals(List.of(7L), offsets(walk, 0, 1, 0));
    }

    @Test
    void anySubrangeWalksTheSameElementsAsTheWhole() {
        long[] shape = {3, 4, 5};
        long[] strides = {1, 15, 3};   // a permuted view
        StridedIndexer walk = StridedIndexer.of(shape, new long[]{2}, strides);
        List<Long> all = offsets(walk, 0, 60, 0);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 5; k++) expected.add(2L + i + 15L * j + 3L * k);
        assertEquals(expected, all);
        for (long start = 0; start <= 60; start += 7) {
            for (long end = start; end <= 60; end += 11) {
                assertEquals(all.subList((int) start, (int) end), offsets(walk, start, end, 0), start + ".." + end);
            }
        }
    }
}
