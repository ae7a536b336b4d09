package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.HostAllocator;
import dev.jtorch.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads and writes single elements of any dtype at an element index, widened to double (floating types)
 * or long (integer and bool types) so the generic kernels need one loop per dtype family instead of one per
 * dtype. Writes narrow as C and PyTorch casts do: float to int truncates toward zero, anything to bool is
 * {@code x != 0}.
 */
final class ElementAccess {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;

    private ElementAccess() {}

    /** The host memory behind a CPU tensor's storage (indexed by element from the storage's start). */
    static MemorySegment segment(Tensor t) {
        return ((HostAllocator.HostBlock) t.storage().block()).segment();
    }

    static double getDouble(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FLOAT32 -> s.getAtIndex(F32, i);
            case FLOAT64 -> s.getAtIndex(F64, i);
            case INT64 -> s.getAtIndex(I64, i);
            case INT32 -> s.getAtIndex(I32, i);
            case BOOL -> s.get(U8, i) != 0 ? 1.0 : 0.0;
        };
    }

    static long getLong(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FLOAT32 -> (long) s.getAtIndex(F32, i);
            case FLOAT64 -> (long) s.getAtIndex(F64, i);
            case INT64 -> s.getAtIndex(I64, i);
            case INT32 -> s.getAtIndex(I32, i);
            case BOOL -> s.get(U8, i) != 0 ? 1L : 0L;
        };
    }

    /** Whether the element is nonzero, as a cast to bool sees it (NaN is true). */
    static boolean getBool(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FLOAT32 -> s.getAtIndex(F32, i) != 0;
            case FLOAT64 -> s.getAtIndex(F64, i) != 0;
            case INT64 -> s.getAtIndex(I64, i) != 0;
            case INT32 -> s.getAtIndex(I32, i) != 0;
            case BOOL -> s.get(U8, i) != 0;
        };
    }

    static void setDouble(MemorySegment s, DType t, long i, double v) {
        switch (t) {
            case FLOAT32 -> s.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> s.setAtIndex(F64, i, v);
            case INT64 -> s.setAtIndex(I64, i, (long) v);
            case INT32 -> s.setAtIndex(I32, i, (int) v);
            case BOOL -> s.set(U8, i, v != 0 ? (byte) 1 : (byte) 0);
        }
    }

    static void setLong(MemorySegment s, DType t, long i, long v) {
        switch (t) {
            case FLOAT32 -> s.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> s.setAtIndex(F64, i, (double) v);
            case INT64 -> s.setAtIndex(I64, i, v);
            case INT32 -> s.setAtIndex(I32, i, (int) v);
            case BOOL -> s.set(U8, i, v != 0 ? (byte) 1 : (byte) 0);
        }
    }

    static void setBool(MemorySegment s, DType t, long i, boolean v) {
        setLong(s, t, i, v ? 1 : 0);
    }

    /** Copies one element's bits between two tensors of the same dtype (no conversion, NaN payloads kept). */
    static void copyBits(MemorySegment src, long si, MemorySegment dst, long di, int byteSize) {
        switch (byteSize) {
            case 8 -> dst.setAtIndex(I64, di, src.getAtIndex(I64, si));
            case 4 -> dst.setAtIndex(I32, di, src.getAtIndex(I32, si));
            case 1 -> dst.set(U8, di, src.get(U8, si));
            default -> throw new IllegalArgumentException("unsupported element size " + byteSize);
        }
    }

    /** dst[di] = src[si] converted from srcType to dstType with the cast rules above. */
    static void convert(MemorySegment src, DType srcType, long si, MemorySegment dst, DType dstType, long di) {
        if (dstType == DType.BOOL) setBool(dst, dstType, di, getBool(src, srcType, si));
        else if (srcType.isFloatingPoint()) setDouble(dst, dstType, di, getDouble(src, srcType, si));
        else setLong(dst, dstType, di, getLong(src, srcType, si));
    }
}
