package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.jtorch.cpu.SteadyStateAllocation.assertAllocatesNothing;

/**
 * The float32 row loops allocate nothing once compiled, every op and layout warmed up together as a training step
 * mixes them: a vector left in a call C2 did not inline is boxed, a heap object per vector.
 */
class ElementwiseAllocationTest {
    /** Shared, as tensors' memory is (see GemmAllocationTest.random). */
    private static final Arena ARENA = Arena.ofShared();

    private static final BinaryOp[] VECTOR_BINARY = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM};
    private static final UnaryOp[] VECTOR_UNARY = {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.SQRT, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID};

    @Test
    void binaryAndUnaryRowsInEveryLayout() {
        int n = 1003;   // a tail past the last whole vector
        MemorySegment a = ARENA.allocate(4L * n, 64), b = ARENA.allocate(4L * n, 64), d = ARENA.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) {
            a.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.5f + i % 7);
            b.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1.5f + i % 5);
        }
        assertAllocatesNothing("Float32Rows.binary and unary", () -> {
            for (BinaryOp op : VECTOR_BINARY) {
                Float32Rows.binary(op, a, 0, 1, b, 0, 1, d, 0, n);
                Float32Rows.binary(op, a, 3, 0, b, 0, 1, d, 0, n);
                Float32Rows.binary(op, a, 0, 1, b, 3, 0, d, 0, n);
            }
            for (UnaryOp op : VECTOR_UNARY) Float32Rows.unary(op, a, 0, d, 0, n);
        });
    }

    /** Column sums (a bias's gradient): 17 rows of 59 columns, whole vector bands and a tail, single-threaded. */
    @Test
    void columnSums() {
        int rows = 17, cols = 59;
        MemorySegment src = ARENA.allocate(4L * rows * cols, 64), dst = ARENA.allocate(4L * cols, 64);
        for (int i = 0; i < rows * cols; i++) src.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.25f * (i % 11));
        assertAllocatesNothing("Float32ColumnSums.sum", () -> Float32ColumnSums.sum(src, 0, rows, cols, dst, 0));
    }
}
