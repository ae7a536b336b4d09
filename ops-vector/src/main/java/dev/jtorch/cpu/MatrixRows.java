package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.jtorch.cpu.ElementAccess.getDouble;
import static dev.jtorch.cpu.ElementAccess.segment;
import static dev.jtorch.cpu.ElementAccess.setDouble;

/**
 * A 2-d operand of a row kernel, [rows, columns] with any strides: where element (row, col) lives, and
 * plain double access to it for the reference loops. {@link #unitColumns()} tells a kernel it may load a row
 * with vector loads.
 *
 * <p>Mutable on purpose: a kernel keeps a few per thread and points them at each call's operands
 * ({@link #rows}, {@link #sliceRows}), so a recurrent step, run once per time step and per layer, allocates
 * nothing.
 */
final class MatrixRows {
    private MemorySegment memory;
    private DType dtype;
    private long base, rowStride, colStride;

    /** A 2-d tensor's rows, in a new handle. */
    static MatrixRows of(Tensor t) { return new MatrixRows().rows(t); }

    /** The rows of {@code t.select(0, index)} for a 3-d tensor, in a new handle. */
    static MatrixRows ofSlice(Tensor t, long index) { return new MatrixRows().sliceRows(t, index); }

    /** Points this handle at a 2-d tensor's rows. */
    MatrixRows rows(Tensor t) {
        return point(segment(t), t.dtype(), t.storageOffset(), t.stride(0), t.stride(1));
    }

    /** Points this handle at the rows of {@code t.select(0, index)} for a 3-d tensor, without making the view. */
    MatrixRows sliceRows(Tensor t, long index) {
        return point(segment(t), t.dtype(), t.storageOffset() + index * t.stride(0), t.stride(1), t.stride(2));
    }

    /** Points this handle at rows {@code base + row * rowStride + col * colStride} of raw memory (element offsets). */
    MatrixRows point(MemorySegment memory, DType dtype, long base, long rowStride, long colStride) {
        this.memory = memory;
        this.dtype = dtype;
        this.base = base;
        this.rowStride = rowStride;
        this.colStride = colStride;
        return this;
    }

    MemorySegment memory() { return memory; }

    /** The element index (in the storage's elements) of (row, col). */
    long at(long row, long col) { return base + row * rowStride + col * colStride; }

    double get(long row, long col) { return getDouble(memory, dtype, at(row, col)); }

    void set(long row, long col, double value) { setDouble(memory, dtype, at(row, col), value); }

    boolean unitColumns() { return colStride == 1; }
}
