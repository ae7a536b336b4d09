package dev.jtorch.cuda;

import dev.jtorch.bindings.cublas.Cublas;

/**
 * How a row-major [rows, cols] matrix view with element strides (rowStride, colStride) reads as a cuBLAS
 * (column-major) operand of its transpose [cols, rows]: a row-major matrix with leading dimension ld is
 * the column-major transpose as it stands (op N), and a column-major one (a transposed view) needs op T.
 * Null when the view is neither (it is copied to contiguous first).
 */
record GemmOperand(int op, long ld) {

    static GemmOperand of(long rows, long cols, long rowStride, long colStride) {
        if ((colStride == 1 || cols == 1) && (rows == 1 || rowStride >= Math.max(1, cols))) {
            return new GemmOperand(Cublas.CUBLAS_OP_N, rows == 1 ? Math.max(1, cols) : rowStride);
        }
        if ((rowStride == 1 || rows == 1) && (cols == 1 || colStride >= Math.max(1, rows))) {
            return new GemmOperand(Cublas.CUBLAS_OP_T, cols == 1 ? Math.max(1, rows) : colStride);
        }
        return null;
    }

    boolean fitsInt() { return ld <= Integer.MAX_VALUE; }
}
