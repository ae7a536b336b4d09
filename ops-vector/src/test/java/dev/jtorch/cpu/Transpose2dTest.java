package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.jtorch.cpu.TestTensors.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Copying a transposed view into a contiguous tensor, through the blocked path and around its edges. */
class Transpose2dTest {

    @Test
    void transposedViewsCopyExactly() {
        long[][] shapes = {{1, 7}, {7, 1}, {2, 2}, {7, 17}, {17, 7}, {17, 1023}, {33, 16}};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32}) {
            for (long[] rc : shapes) {
                for (long pad : new long[] {0, 3}) {
                    long rows = rc[0], cols = rc[1], ld = rows + pad;
                    // a row-major [cols, ld] matrix; its [cols, rows] slice, transposed, is the [rows, cols] source
                    double[] base = new double[(int) (cols * ld)];
                    for (int i = 0; i < base.length; i++) base[i] = t.isFloatingPoint() ? i * 0.5 - 7 : i - 7;
                    Tensor stored = tensor(t, new long[] {cols, ld}, base);
                    Tensor src = stored.narrow(1, 0, rows).t();
                    Tensor dst = empty(t, rows, cols);
                    CPU.copy(src, dst);
                    double[] want = new double[(int) (rows * cols)];
                    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) want[(int) (r * cols + c)] = base[(int) (c * ld + r)];
                    assertArrayEquals(want, values(dst), 0, t + " " + rows + "x" + cols + " pad " + pad);
                }
            }
        }
    }
}
