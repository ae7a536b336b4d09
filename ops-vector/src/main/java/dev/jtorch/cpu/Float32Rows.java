package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API loops over contiguous float32 rows (element offsets, element counts). Each op gets its own loop
 * with a constant operator, because the Vector API only compiles to SIMD instructions when the operator is
 * a constant at the call site; the scalar loop after it finishes the tail and is the reference
 * ({@link ScalarOps}) the vector part agrees with.
 */
final class Float32Rows {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Elements summed in float lanes before the partial sum moves to a double, bounding rounding error. */
    private static final long SUM_BLOCK = 1024;

    private Float32Rows() {}

    static boolean vectorizes(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM -> true;
            default -> false;
        };
    }

    static boolean vectorizes(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID -> true;
            default -> false;
        };
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(SPECIES, s, i * Float.BYTES, ORDER);
    }

    private static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i * Float.BYTES, ORDER);
    }

    private static long bound(long n) { return n - n % LANES; }

    /** d[off, off + n) = v: one broadcast vector stored across the row, a scalar tail. */
    static void fill(MemorySegment d, long off, long n, float v) {
        FloatVector x = FloatVector.broadcast(SPECIES, v);
        long i = 0, end = bound(n);
        for (; i < end; i += LANES) store(x, d, off + i);
        for (; i < n; i++) d.setAtIndex(F32, off + i, v);
    }

    /**
     * d[i] = a[i*as] op b[i*bs] for i in [0, n); as and bs are 0 (broadcast scalar) or 1 (contiguous). Each layout
     * has a method of its own: with all three in one, C2 ran out of inlining budget and left load() and store()
     * calls standing, each boxing its vector (JFR: the MUL loops allocated in an LSTM training step).
     */
    static void binary(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                       MemorySegment d, long dOff, long n) {
        long i = 0;
        if (as == 1 && bs == 1) i = bothRows(op, a, ao, b, bo, d, dOff, bound(n));
        else if (as == 0 && bs == 1) i = scalarThenRow(op, a.getAtIndex(F32, ao), b, bo, d, dOff, bound(n));
        else if (as == 1 && bs == 0) i = rowThenScalar(op, a, ao, b.getAtIndex(F32, bo), d, dOff, bound(n));
        for (; i < n; i++) {
            double x = a.getAtIndex(F32, ao + i * as), y = b.getAtIndex(F32, bo + i * bs);
            d.setAtIndex(F32, dOff + i, (float) ScalarOps.binary(op, x, y));
        }
    }

    /** d = a op b over [0, end) for the six vector ops; returns how far it got (0 for the others). */
    private static long bothRows(BinaryOp op, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment d, long dOff, long end) {
        long i = 0;
        switch (op) {
            case ADD -> { for (; i < end; i += LANES) store(load(a, ao + i).add(load(b, bo + i)), d, dOff + i); }
            case SUB -> { for (; i < end; i += LANES) store(load(a, ao + i).sub(load(b, bo + i)), d, dOff + i); }
            case MUL -> { for (; i < end; i += LANES) store(load(a, ao + i).mul(load(b, bo + i)), d, dOff + i); }
            case DIV -> { for (; i < end; i += LANES) store(load(a, ao + i).div(load(b, bo + i)), d, dOff + i); }
            case MAXIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).max(load(b, bo + i)), d, dOff + i); }
            case MINIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).min(load(b, bo + i)), d, dOff + i); }
            default -> { }
        }
        return i;
    }

    /** d = x op b, x one value. */
    private static long scalarThenRow(BinaryOp op, float scalar, MemorySegment b, long bo, MemorySegment d, long dOff, long end) {
        FloatVector x = FloatVector.broadcast(SPECIES, scalar);
        long i = 0;
        switch (op) {
            case ADD -> { for (; i < end; i += LANES) store(x.add(load(b, bo + i)), d, dOff + i); }
            case SUB -> { for (; i < end; i += LANES) store(x.sub(load(b, bo + i)), d, dOff + i); }
            case MUL -> { for (; i < end; i += LANES) store(x.mul(load(b, bo + i)), d, dOff + i); }
            case DIV -> { for (; i < end; i += LANES) store(x.div(load(b, bo + i)), d, dOff + i); }
            case MAXIMUM -> { for (; i < end; i += LANES) store(x.max(load(b, bo + i)), d, dOff + i); }
            case MINIMUM -> { for (; i < end; i += LANES) store(x.min(load(b, bo + i)), d, dOff + i); }
            default -> { }
        }
        return i;
    }

    /** d = a op y, y one value. */
    private static long rowThenScalar(BinaryOp op, MemorySegment a, long ao, float scalar, MemorySegment d, long dOff, long end) {
        FloatVector y = FloatVector.broadcast(SPECIES, scalar);
        long i = 0;
        switch (op) {
            case ADD -> { for (; i < end; i += LANES) store(load(a, ao + i).add(y), d, dOff + i); }
            case SUB -> { for (; i < end; i += LANES) store(load(a, ao + i).sub(y), d, dOff + i); }
            case MUL -> { for (; i < end; i += LANES) store(load(a, ao + i).mul(y), d, dOff + i); }
            case DIV -> { for (; i < end; i += LANES) store(load(a, ao + i).div(y), d, dOff + i); }
            case MAXIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).max(y), d, dOff + i); }
            case MINIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).min(y), d, dOff + i); }
            default -> { }
        }
        return i;
    }

    /** d[i] = op(s[i]) for i in [0, n), both contiguous. */
    static void unary(UnaryOp op, MemorySegment s, long so, MemorySegment d, long dOff, long n) {
        long i = 0, end = bound(n);
        switch (op) {
            case NEG -> { for (; i < end; i += LANES) store(load(s, so + i).neg(), d, dOff + i); }
            case ABS -> { for (; i < end; i += LANES) store(load(s, so + i).abs(), d, dOff + i); }
            // max keeps NaN, so relu(NaN) = NaN
            case RELU -> { for (; i < end; i += LANES) store(load(s, so + i).max(0f), d, dOff + i); }
            case EXP -> { for (; i < end; i += LANES) store(load(s, so + i).lanewise(VectorOperators.EXP), d, dOff + i); }
            case LOG -> { for (; i < end; i += LANES) store(load(s, so + i).lanewise(VectorOperators.LOG), d, dOff + i); }
            case SQRT -> { for (; i < end; i += LANES) store(load(s, so + i).sqrt(), d, dOff + i); }
            case SIN -> { for (; i < end; i += LANES) store(load(s, so + i).lanewise(VectorOperators.SIN), d, dOff + i); }
            case COS -> { for (; i < end; i += LANES) store(load(s, so + i).lanewise(VectorOperators.COS), d, dOff + i); }
            case TANH -> { for (; i < end; i += LANES) store(load(s, so + i).lanewise(VectorOperators.TANH), d, dOff + i); }
            case SIGMOID -> {
                FloatVector one = FloatVector.broadcast(SPECIES, 1f);
                for (; i < end; i += LANES) {
                    FloatVector e = load(s, so + i).neg().lanewise(VectorOperators.EXP);
                    store(one.div(one.add(e)), d, dOff + i);
                }
            }
            default -> { }
        }
        for (; i < n; i++) d.setAtIndex(F32, dOff + i, (float) ScalarOps.unary(op, (double) s.getAtIndex(F32, so + i)));
    }

    /** The sum of n contiguous elements: float lanes within blocks, blocks added in double. */
    static double sum(MemorySegment s, long off, long n) {
        double total = 0;
        long i = 0;
        while (n - i >= LANES) {
            long blockEnd = i + bound(Math.min(SUM_BLOCK, n - i));
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = FloatVector.zero(SPECIES);
            for (; i + 2L * LANES <= blockEnd; i += 2L * LANES) {
                acc0 = acc0.add(load(s, off + i));
                acc1 = acc1.add(load(s, off + i + LANES));
            }
            for (; i < blockEnd; i += LANES) acc0 = acc0.add(load(s, off + i));
            total += acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) total += s.getAtIndex(F32, off + i);
        return total;
    }
}
