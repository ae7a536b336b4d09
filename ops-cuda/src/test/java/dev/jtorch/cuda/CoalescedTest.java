package dev.jtorch.cuda;

import dev.jtorch.bindings.cublas.Cublas;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The host-side decisions behind a launch: dimension merging, and how a matrix view reads as a cuBLAS operand. */
class CoalescedTest {
    @Test void contiguousOperandsMergeToOneDimension() {
        Coalesced c = Coalesced.of(new long[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {12, 4, 1});
        assertArrayEquals(new long[] {24}, c.shape());
        assertArrayEquals(new long[] {1}, c.strides(0));
        assertArrayEquals(new long[] {1}, c.strides(1));
    }

    @Test void broadcastOperandKeepsItsDimensions() {
        // out [2,3,4] contiguous, a bias [4] broadcast through stride 0 in the first two dimensions
        Coalesced c = Coalesced.of(new long[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {0, 0, 1});
        assertArrayEquals(new long[] {6, 4}, c.shape());
        assertArrayEquals(new long[] {4, 1}, c.strides(0));
        assertArrayEquals(new long[] {0, 1}, c.strides(1));
    }

    @Test void transposedViewDoesNotMerge() {
        Coalesced c = Coalesced.of(new long[] {3, 5}, new long[] {5, 1}, new long[] {1, 3});
        assertArrayEquals(new long[] {3, 5}, c.shape());
        assertArrayEquals(new long[] {1, 3}, c.strides(1));
    }

    @Test void sizeOneDimensionsDropAndScalarsBecomeOneElement() {
        Coalesced c = Coalesced.of(new long[] {1, 7, 1}, new long[] {99, 2, 99});
        assertArrayEquals(new long[] {7}, c.shape());
        assertArrayEquals(new long[] {2}, c.strides(0));
        Coalesced scalar = Coalesced.of(new long[0], new long[0]);
        assertArrayEquals(new long[] {1}, scalar.shape());
    }

    @Test void gemmOperandLayouts() {
        GemmOperand rowMajor = GemmOperand.of(4, 3, 3, 1);
        assertEquals(Cublas.CUBLAS_OP_N, rowMajor.op());
        assertEquals(3, rowMajor.ld());
        GemmOperand padded = GemmOperand.of(4, 3, 8, 1);   // a narrowed view of a wider matrix
        assertEquals(8, padded.ld());
        GemmOperand transposed = GemmOperand.of(4, 3, 1, 4);   // b.t() of a contiguous [3,4]
        assertEquals(Cublas.CUBLAS_OP_T, transposed.op());
        assertEquals(4, transposed.ld());
        GemmOperand row = GemmOperand.of(1, 5, 0, 1);
        assertEquals(Cublas.CUBLAS_OP_N, row.op());
        assertEquals(5, row.ld());
        assertNull(GemmOperand.of(4, 3, 6, 2), "every other column: copied first");
    }
}
