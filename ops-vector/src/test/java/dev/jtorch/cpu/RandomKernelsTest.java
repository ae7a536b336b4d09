package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Distribution;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.*;

class RandomKernelsTest {
    private static final int N = 150_000;   // several blocks, so the parallel split is exercised

    private static double[] draw(DType t, Distribution d, double a, double b, long seed) {
        Tensor x = empty(t, N);
        CPU.random(x, d, a, b, new Generator(seed));
        return values(x);
    }

    @Test
    void sameSeedSameNumbersWhateverTheThreadCount() {
        int threads = IntraOpPool.numThreads();
        double[] first;
        try {
            IntraOpPool.setNumThreads(4); // more threads than a small runner has cores: the comparison is never 1 against 1
            first = draw(DType.FLOAT32, Distribution.NORMAL, 0, 1, 7);
            IntraOpPool.setNumThreads(1);
            assertArrayEquals(first, draw(DType.FLOAT32, Distribution.NORMAL, 0, 1, 7));
        } finally {
            IntraOpPool.setNumThreads(threads);
        }
        assertFalse(java.util.Arrays.equals(first, draw(DType.FLOAT32, Distribution.NORMAL, 0, 1, 8)));
    }

    @Test
    void uniformStaysInTheHalfOpenRange() {
        for (DType t : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            double[] u = draw(t, Distribution.UNIFORM, -2, 3, 1);
            double mean = 0;
            for (double v : u) {
                assertTrue(v >= -2 && v < 3, "uniform value " + v);
                mean += v / N;
            }
            assertEquals(0.5, mean, 0.03);
        }
    }

    @Test
    void normalHasTheRequestedMeanAndStd() {
        double[] x = draw(DType.FLOAT64, Distribution.NORMAL, 3, 2, 2);
        double mean = 0, sq = 0;
        for (double v : x) mean += v / N;
        for (double v : x) sq += (v - mean) * (v - mean) / N;
        assertEquals(3, mean, 0.03);
        assertEquals(2, Math.sqrt(sq), 0.03);
    }

    @Test
    void bernoulliWritesOnesWithProbabilityP() {
        for (DType t : new DType[]{DType.FLOAT32, DType.BOOL, DType.INT64}) {
            double[] x = draw(t, Distribution.BERNOULLI, 0.3, 0, 3);
            double mean = 0;
            for (double v : x) {
                assertTrue(v == 0 || v == 1);
                mean += v / N;
            }
            assertEquals(0.3, mean, 0.01, t.toString());
        }
    }

    @Test
    void integersCoverTheHalfOpenRange() {
        for (DType t : new DType[]{DType.INT64, DType.INT32, DType.FLOAT32}) {
            double[] x = draw(t, Distribution.INTEGER, -3, 5, 4);
            boolean[] seen = new boolean[8];
            for (double v : x) {
                assertTrue(v >= -3 && v < 5 && v == Math.rint(v), "integer " + v);
                seen[(int) v + 3] = true;
            }
            for (boolean s : seen) assertTrue(s);
        }
        assertThrows(IllegalArgumentException.class, () -> CPU.random(empty(DType.INT64, 3), Distribution.INTEGER, 5, 5, new Generator(1)));
    }

    @Test
    void fillsOnlyTheElementsOfAStridedView() {
        Tensor base = tensor(DType.FLOAT32, new long[]{40}, new double[40]);
        Tensor view = base.asStrided(new long[]{4, 5}, new long[]{1, 8}, 0);   // every other column of a [5, 8] block
        CPU.random(view, Distribution.UNIFORM, 1, 2, new Generator(5));
        double[] all = values(base);
        for (int i = 0; i < 40; i++) {
            boolean inView = i % 8 < 4;
            assertEquals(inView, all[i] != 0, "element " + i);
        }
    }
}
