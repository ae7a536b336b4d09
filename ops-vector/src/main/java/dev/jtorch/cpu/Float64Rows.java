package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API loops over contiguous float64 rows (element offsets, element counts). Each op gets its own loop
 * with a constant operator, because the Vector API only compiles to SIMD instructions when the operator is
 * a constant at the call site; the scalar loop after it finishes the tail and is the reference
 * ({@link ScalarOps}) the vector part agrees with.
 */
final class Float64Rows {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final LaneFolds<Double> FOLDS = LaneFolds.of(SPECIES);
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;

    private Float64Rows() {}

    private static DoubleVector load(MemorySegment s, long i) {
        return DoubleVector.fromMemorySegment(SPECIES, s, i * Double.BYTES, ORDER);
    }

    private static void store(DoubleVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i * Double.BYTES, ORDER);
    }

    private static long bound(long n) { return n - n % LANES; }

    /** d[off, off + n) = v: one broadcast vector stored across the row, a scalar tail. */
    static void fill(MemorySegment d, long off, long n, double v) {
        DoubleVector x = DoubleVector.broadcast(SPECIES, v);
        long i = 0, end = bound(n);
        for (; i < end; i += LANES) store(x, d, off + i);
        for (; i < n; i++) d.setAtIndex(F64, off + i, v);
    }

    /** d[i] = a[i*as] op b[i*bs] for i in [0, n); as and bs are 0 (broadcast scalar) or 1 (contiguous). */
    static void binary(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                       MemorySegment d, long dOff, long n) {
        long i = 0, end = bound(n);
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> { for (; i < end; i += LANES) store(load(a, ao + i).add(load(b, bo + i)), d, dOff + i); }
                case SUB -> { for (; i < end; i += LANES) store(load(a, ao + i).sub(load(b, bo + i)), d, dOff + i); }
                case MUL -> { for (; i < end; i += LANES) store(load(a, ao + i).mul(load(b, bo + i)), d, dOff + i); }
                case DIV -> { for (; i < end; i += LANES) store(load(a, ao + i).div(load(b, bo + i)), d, dOff + i); }
                case MAXIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).max(load(b, bo + i)), d, dOff + i); }
                case MINIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).min(load(b, bo + i)), d, dOff + i); }
                default -> { }
            }
        } else if (as == 0 && bs == 1) {
            DoubleVector x = DoubleVector.broadcast(SPECIES, a.getAtIndex(F64, ao));
            switch (op) {
                case ADD -> { for (; i < end; i += LANES) store(x.add(load(b, bo + i)), d, dOff + i); }
                case SUB -> { for (; i < end; i += LANES) store(x.sub(load(b, bo + i)), d, dOff + i); }
                case MUL -> { for (; i < end; i += LANES) store(x.mul(load(b, bo + i)), d, dOff + i); }
                case DIV -> { for (; i < end; i += LANES) store(x.div(load(b, bo + i)), d, dOff + i); }
                case MAXIMUM -> { for (; i < end; i += LANES) store(x.max(load(b, bo + i)), d, dOff + i); }
                case MINIMUM -> { for (; i < end; i += LANES) store(x.min(load(b, bo + i)), d, dOff + i); }
                default -> { }
            }
        } else if (as == 1 && bs == 0) {
            DoubleVector y = DoubleVector.broadcast(SPECIES, b.getAtIndex(F64, bo));
            switch (op) {
                case ADD -> { for (; i < end; i += LANES) store(load(a, ao + i).add(y), d, dOff + i); }
                case SUB -> { for (; i < end; i += LANES) store(load(a, ao + i).sub(y), d, dOff + i); }
                case MUL -> { for (; i < end; i += LANES) store(load(a, ao + i).mul(y), d, dOff + i); }
                case DIV -> { for (; i < end; i += LANES) store(load(a, ao + i).div(y), d, dOff + i); }
                case MAXIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).max(y), d, dOff + i); }
                case MINIMUM -> { for (; i < end; i += LANES) store(load(a, ao + i).min(y), d, dOff + i); }
                default -> { }
            }
        }
        for (; i < n; i++) {
            double x = a.getAtIndex(F64, ao + i * as), y = b.getAtIndex(F64, bo + i * bs);
            d.setAtIndex(F64, dOff + i, ScalarOps.binary(op, x, y));
        }
    }

    /** d[i] = op(s[i]) for i in [0, n), both contiguous. */
    static void unary(UnaryOp op, MemorySegment s, long so, MemorySegment d, long dOff, long n) {
        long i = 0, end = bound(n);
        switch (op) {
            case NEG -> { for (; i < end; i += LANES) store(load(s, so + i).neg(), d, dOff + i); }
            case ABS -> { for (; i < end; i += LANES) store(load(s, so + i).abs(), d, dOff + i); }
            // max keeps NaN, so relu(NaN) = NaN
            case RELU -> { for (; i < end; i += LANES) store(load(s, so + i).max(0.0), d, dOff + i); }
            case SQRT -> { for (; i < end; i += LANES) store(load(s, so + i).sqrt(), d, dOff + i); }
            // EXP, LOG, SIN, COS, TANH and SIGMOID take the scalar loop: the Vector API's transcendental operators
            // round differently in the JIT's intrinsics and in the interpreter (Float32Rows.exponential)
            default -> { }
        }
        for (; i < n; i++) d.setAtIndex(F64, dOff + i, ScalarOps.unary(op, s.getAtIndex(F64, so + i)));
    }

    /** The sum of n contiguous elements, in two lane-wise accumulators. */
    static double sum(MemorySegment s, long off, long n) {
        long i = 0, end = bound(n);
        DoubleVector acc0 = DoubleVector.zero(SPECIES), acc1 = DoubleVector.zero(SPECIES);
        for (; i + 2L * LANES <= end; i += 2L * LANES) {
            acc0 = acc0.add(load(s, off + i));
            acc1 = acc1.add(load(s, off + i + LANES));
        }
        for (; i < end; i += LANES) acc0 = acc0.add(load(s, off + i));
        DoubleVector sum = acc0.add(acc1);
        for (int w = LANES / 2; w > 0; w >>= 1) sum = sum.add(sum.rearrange(FOLDS.swap(w))); // one fixed order (LaneFolds)
        double total = sum.lane(0);
        for (; i < n; i++) total += s.getAtIndex(F64, off + i);
        return total;
    }
}
