package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Distribution;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static dev.jtorch.cpu.ElementAccess.*;

/**
 * Random fills. The tensor is cut into fixed blocks of the row-major order, each drawing from its own
 * stream split off the generator in block order, so a seeded fill gives the same numbers whatever the thread
 * count, while large fills (dropout masks, initialisation) still run in parallel.
 */
final class RandomKernels {
    private static final long BLOCK = 1 << 16;

    private RandomKernels() {}

    static void random(Tensor dst, Distribution dist, double a, double b, Generator generator) {
        long numel = dst.numel();
        if (numel == 0) return;
        if (dist == Distribution.INTEGER && (long) b <= (long) a) {
            throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from=" + (long) a + " >= to=" + (long) b);
        }
        if (dist == Distribution.BERNOULLI && !(a >= 0 && a <= 1)) {
            throw new IllegalArgumentException("bernoulli_ expects p to be in [0, 1], but got p=" + a);
        }
        StridedIndexer walk = StridedIndexer.of(dst.shape(), new long[]{dst.storageOffset()}, dst.strides());
        MemorySegment d = segment(dst);
        DType t = dst.dtype();
        long ds = walk.rowStride(0);
        int blocks = Math.toIntExact((numel + BLOCK - 1) / BLOCK);
        SplittableRandom root = generator.split();
        SplittableRandom[] streams = new SplittableRandom[blocks];
        for (int i = 0; i < blocks; i++) streams[i] = root.split();
        IntraOpPool.parallelFor(blocks, 1, (first, last) -> {
            for (long blk = first; blk < last; blk++) {
                SplittableRandom rng = streams[(int) blk];
                long start = blk * BLOCK, end = Math.min(numel, start + BLOCK);
                walk.forEachRow(start, end, (off, n) -> {
                    for (long j = 0; j < n; j++) draw(rng, dist, a, b, d, t, off[0] + j * ds);
                });
            }
        });
    }

    private static void draw(SplittableRandom rng, Distribution dist, double a, double b, MemorySegment d, DType t, long at) {
        switch (dist) {
            case UNIFORM -> {
                double u = a + (b - a) * rng.nextDouble();
                // rounding to float32 can land on b itself; [a, b) is half-open
                if (t == DType.FLOAT32 && (float) u >= (float) b && a < b) u = Math.nextDown((float) b);
                setDouble(d, t, at, u);
            }
            case NORMAL -> setDouble(d, t, at, a + b * rng.nextGaussian());
            case BERNOULLI -> setLong(d, t, at, rng.nextDouble() < a ? 1 : 0);
            case INTEGER -> setLong(d, t, at, rng.nextLong((long) a, (long) b));
        }
    }
}
