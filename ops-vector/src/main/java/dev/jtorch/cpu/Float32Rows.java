package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.FloatVector.fromMemorySegment;

/**
 * Vector API loops over contiguous float32 rows (element offsets, element counts). Each op gets its own loop
 * with a constant operator, because the Vector API only compiles to SIMD instructions when the operator is
 * a constant at the call site; the scalar loop after it finishes the tail and is the reference
 * ({@link ScalarOps}) the vector part agrees with.
 */
final class Float32Rows {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final LaneFolds<Float> FOLDS = LaneFolds.of(SPECIES);
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Elements summed in float lanes before the partial sum moves to a double, bounding rounding error. */
    private static final long SUM_BLOCK = 1024;
    /** Elements the exponential ops stage at a time: a multiple of every lane count, small enough to stay in L1. */
    private static final int STAGED_CHUNK = 1024;
    private static final ThreadLocal<float[]> STAGED = ThreadBuffers.floats();
    /** tanh below |x| = 0.625: x (1 + x^2 P(x^2)), Cephes' tanhf coefficients, P4 the constant term. */
    private static final float TANH_NEAR = 0.625f;
    private static final float TANH_P0 = -5.70498872745e-3f, TANH_P1 = 2.06390887954e-2f, TANH_P2 = -5.37397155531e-2f,
            TANH_P3 = 1.33314422036e-1f, TANH_P4 = -3.33332819422e-1f;
    /** log: Cephes' logf coefficients, P0 the highest power; ln 2 in FloatVectorMath's two parts. */
    private static final float LOG_P0 = 7.0376836292e-2f, LOG_P1 = -1.1514610310e-1f, LOG_P2 = 1.1676998740e-1f,
            LOG_P3 = -1.2420140846e-1f, LOG_P4 = 1.4249322787e-1f, LOG_P5 = -1.6668057665e-1f, LOG_P6 = 2.0000714765e-1f,
            LOG_P7 = -2.4999993993e-1f, LOG_P8 = 3.3333331174e-1f;
    private static final float SQRT_HALF = 0.707106781186547524f;
    private static final int MIN_NORMAL_BITS = 0x00800000, INFINITY_BITS = 0x7f800000, MANTISSA_BITS = 0x007fffff,
            HALF_BITS = 0x3f000000;

    private Float32Rows() {}

    static boolean vectorizes(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM -> true;
            default -> false;
        };
    }

    static boolean vectorizes(UnaryOp op) {
        return switch (op) {
            // not SIN or COS: the Vector API's operators for them round differently compiled and interpreted,
            // and a scalar loop over whole rows here made unary's vector loops box (ElementwiseAllocationTest)
            case NEG, ABS, RELU, EXP, LOG, SQRT, TANH, SIGMOID -> true;
            default -> false;
        };
    }

    /** Bytes per vector: the loops below step byte offsets. */
    private static final long STEP = (long) LANES * Float.BYTES;

    private static long bound(long n) { return n - n % LANES; }

    // The loops load and store through the Vector API directly, with no helper of ours between: in a deep call chain
    // (autograd, backend, kernel) C2 ran out of inlining depth or budget and left a load() or store() call standing,
    // which boxed every vector (JFR: the binary loops allocated in an LSTM training step; ElementwiseAllocationTest).

    /** d[off, off + n) = v: one broadcast vector stored across the row, a scalar tail. */
    static void fill(MemorySegment d, long off, long n, float v) {
        FloatVector x = FloatVector.broadcast(SPECIES, v);
        long i = 0, end = bound(n);
        for (long dt = off * Float.BYTES; i < end; i += LANES, dt += STEP) x.intoMemorySegment(d, dt, ORDER);
        for (; i < n; i++) d.setAtIndex(F32, off + i, v);
    }

    /**
     * d[i] = a[i*as] op b[i*bs] for i in [0, n); as and bs are 0 (broadcast scalar) or 1 (contiguous). Each layout
     * has a method of its own: all three in one was more than C2 would inline.
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
        long i = 0, at = ao * Float.BYTES, bt = bo * Float.BYTES, dt = dOff * Float.BYTES;
        switch (op) {
            case ADD -> { for (; i < end; i += LANES, at += STEP, bt += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).add(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case SUB -> { for (; i < end; i += LANES, at += STEP, bt += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).sub(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case MUL -> { for (; i < end; i += LANES, at += STEP, bt += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).mul(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case DIV -> { for (; i < end; i += LANES, at += STEP, bt += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).div(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case MAXIMUM -> { for (; i < end; i += LANES, at += STEP, bt += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).max(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case MINIMUM -> { for (; i < end; i += LANES, at += STEP, bt += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).min(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            default -> { }
        }
        return i;
    }

    /** d = x op b, x one value. */
    private static long scalarThenRow(BinaryOp op, float scalar, MemorySegment b, long bo, MemorySegment d, long dOff, long end) {
        FloatVector x = FloatVector.broadcast(SPECIES, scalar);
        long i = 0, bt = bo * Float.BYTES, dt = dOff * Float.BYTES;
        switch (op) {
            case ADD -> { for (; i < end; i += LANES, bt += STEP, dt += STEP) x.add(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case SUB -> { for (; i < end; i += LANES, bt += STEP, dt += STEP) x.sub(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case MUL -> { for (; i < end; i += LANES, bt += STEP, dt += STEP) x.mul(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case DIV -> { for (; i < end; i += LANES, bt += STEP, dt += STEP) x.div(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case MAXIMUM -> { for (; i < end; i += LANES, bt += STEP, dt += STEP) x.max(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            case MINIMUM -> { for (; i < end; i += LANES, bt += STEP, dt += STEP) x.min(fromMemorySegment(SPECIES, b, bt, ORDER)).intoMemorySegment(d, dt, ORDER); }
            default -> { }
        }
        return i;
    }

    /** d = a op y, y one value. */
    private static long rowThenScalar(BinaryOp op, MemorySegment a, long ao, float scalar, MemorySegment d, long dOff, long end) {
        FloatVector y = FloatVector.broadcast(SPECIES, scalar);
        long i = 0, at = ao * Float.BYTES, dt = dOff * Float.BYTES;
        switch (op) {
            case ADD -> { for (; i < end; i += LANES, at += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).add(y).intoMemorySegment(d, dt, ORDER); }
            case SUB -> { for (; i < end; i += LANES, at += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).sub(y).intoMemorySegment(d, dt, ORDER); }
            case MUL -> { for (; i < end; i += LANES, at += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).mul(y).intoMemorySegment(d, dt, ORDER); }
            case DIV -> { for (; i < end; i += LANES, at += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).div(y).intoMemorySegment(d, dt, ORDER); }
            case MAXIMUM -> { for (; i < end; i += LANES, at += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).max(y).intoMemorySegment(d, dt, ORDER); }
            case MINIMUM -> { for (; i < end; i += LANES, at += STEP, dt += STEP) fromMemorySegment(SPECIES, a, at, ORDER).min(y).intoMemorySegment(d, dt, ORDER); }
            default -> { }
        }
        return i;
    }

    /** d[i] = op(s[i]) for i in [0, n), both contiguous. */
    static void unary(UnaryOp op, MemorySegment s, long so, MemorySegment d, long dOff, long n) {
        long i = 0, end = bound(n), st = so * Float.BYTES, dt = dOff * Float.BYTES;
        switch (op) {
            case NEG -> { for (; i < end; i += LANES, st += STEP, dt += STEP) fromMemorySegment(SPECIES, s, st, ORDER).neg().intoMemorySegment(d, dt, ORDER); }
            case ABS -> { for (; i < end; i += LANES, st += STEP, dt += STEP) fromMemorySegment(SPECIES, s, st, ORDER).abs().intoMemorySegment(d, dt, ORDER); }
            // max keeps NaN, so relu(NaN) = NaN
            case RELU -> { for (; i < end; i += LANES, st += STEP, dt += STEP) fromMemorySegment(SPECIES, s, st, ORDER).max(0f).intoMemorySegment(d, dt, ORDER); }
            case SQRT -> { for (; i < end; i += LANES, st += STEP, dt += STEP) fromMemorySegment(SPECIES, s, st, ORDER).sqrt().intoMemorySegment(d, dt, ORDER); }
            case EXP, TANH, SIGMOID -> i = exponential(op, s, st, d, dt, end);
            case LOG -> i = logarithm(s, st, d, dt, end);
            default -> { }
        }
        for (; i < n; i++) d.setAtIndex(F32, dOff + i, (float) ScalarOps.unary(op, (double) s.getAtIndex(F32, so + i)));
    }

    /**
     * EXP, SIGMOID and TANH through {@link FloatVectorMath}'s exponential, chunk by chunk through a scratch array, st
     * and dt in bytes; returns end. Not the Vector API's transcendental operators: the JIT's intrinsics and the
     * interpreter's {@code Math} calls round those differently, so a tensor's last bits would depend on whether the
     * kernel had been compiled yet.
     * The staging copies are vector loads and stores rather than {@code MemorySegment.copy} into the array, which
     * would pass a heap segment through the JDK's segment accessors that every kernel shares (a precaution, see
     * GemmAllocationTest.random; what did box unary's loops was a scalar loop over whole rows, see vectorizes).
     */
    private static long exponential(UnaryOp op, MemorySegment s, long st, MemorySegment d, long dt, long end) {
        float[] e = ThreadBuffers.atLeast(STAGED, STAGED_CHUNK);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f), two = FloatVector.broadcast(SPECIES, 2f);
        for (long done = 0; done < end; done += STAGED_CHUNK) {
            int len = (int) Math.min(STAGED_CHUNK, end - done);
            long sAt = st + done * Float.BYTES, dAt = dt + done * Float.BYTES;
            switch (op) {
                case EXP -> { for (int j = 0; j < len; j += LANES) fromMemorySegment(SPECIES, s, sAt + (long) j * Float.BYTES, ORDER).intoArray(e, j); }
                case SIGMOID -> { for (int j = 0; j < len; j += LANES) fromMemorySegment(SPECIES, s, sAt + (long) j * Float.BYTES, ORDER).neg().intoArray(e, j); }
                default -> { for (int j = 0; j < len; j += LANES) fromMemorySegment(SPECIES, s, sAt + (long) j * Float.BYTES, ORDER).mul(-2f).intoArray(e, j); }
            }
            FloatVectorMath.expInPlace(e, 0, len);
            switch (op) {
                case EXP -> { for (int j = 0; j < len; j += LANES) FloatVector.fromArray(SPECIES, e, j).intoMemorySegment(d, dAt + (long) j * Float.BYTES, ORDER); }
                case SIGMOID -> {
                    for (int j = 0; j < len; j += LANES) {
                        one.div(one.add(FloatVector.fromArray(SPECIES, e, j))).intoMemorySegment(d, dAt + (long) j * Float.BYTES, ORDER);
                    }
                }
                default -> {
                    for (int j = 0; j < len; j += LANES) {
                        // 2 / (1 + e^-2x) - 1 loses the low bits near 0, so below 0.625 Cephes' odd polynomial
                        // x + x^3 P(x^2) takes over (as x (1 + x^2 P), which keeps tanh(-0) = -0)
                        FloatVector x = fromMemorySegment(SPECIES, s, sAt + (long) j * Float.BYTES, ORDER);
                        FloatVector far = two.div(one.add(FloatVector.fromArray(SPECIES, e, j))).sub(one);
                        FloatVector x2 = x.mul(x);
                        FloatVector p = x2.fma(TANH_P0, TANH_P1).fma(x2, FloatVector.broadcast(SPECIES, TANH_P2))
                                .fma(x2, FloatVector.broadcast(SPECIES, TANH_P3)).fma(x2, FloatVector.broadcast(SPECIES, TANH_P4));
                        FloatVector near = x.mul(p.fma(x2, one));
                        far.blend(near, x.abs().lt(TANH_NEAR)).intoMemorySegment(d, dAt + (long) j * Float.BYTES, ORDER);
                    }
                }
            }
        }
        return end;
    }

    /**
     * log x = log m + e ln 2 for x = m 2^e, m in [sqrt(1/2), sqrt(2)), log m from Cephes' {@code logf} polynomial in
     * m - 1 (ln 2 in two parts, as exp takes it), st and dt in bytes; returns end. Only positive normal floats take
     * the polynomial: a vector holding zero, a negative, a subnormal, infinity or NaN goes lane by lane through
     * {@link Math#log}, in the interpreter and compiled alike, so the bits do not depend on the JIT either way.
     */
    private static long logarithm(MemorySegment s, long st, MemorySegment d, long dt, long end) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f), zero = FloatVector.zero(SPECIES);
        long i = 0;
        for (; i < end; i += LANES, st += STEP, dt += STEP) {
            FloatVector x = fromMemorySegment(SPECIES, s, st, ORDER);
            IntVector bits = x.reinterpretAsInts();
            if (!bits.compare(VectorOperators.GE, MIN_NORMAL_BITS).and(bits.compare(VectorOperators.LT, INFINITY_BITS)).allTrue()) {
                for (int l = 0; l < LANES; l++) d.set(F32, dt + (long) l * Float.BYTES, (float) Math.log(s.get(F32, st + (long) l * Float.BYTES)));
                continue;
            }
            FloatVector m = bits.and(MANTISSA_BITS).or(HALF_BITS).reinterpretAsFloats();   // in [0.5, 1)
            FloatVector e = ((FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(126).convert(VectorOperators.I2F, 0));
            VectorMask<Float> low = m.lt(SQRT_HALF);
            FloatVector r = m.add(zero.blend(m, low)).sub(one);   // 2m - 1 below sqrt(1/2), else m - 1
            e = e.sub(zero.blend(one, low));
            FloatVector r2 = r.mul(r);
            FloatVector p = r.fma(LOG_P0, LOG_P1).fma(r, FloatVector.broadcast(SPECIES, LOG_P2))
                    .fma(r, FloatVector.broadcast(SPECIES, LOG_P3)).fma(r, FloatVector.broadcast(SPECIES, LOG_P4))
                    .fma(r, FloatVector.broadcast(SPECIES, LOG_P5)).fma(r, FloatVector.broadcast(SPECIES, LOG_P6))
                    .fma(r, FloatVector.broadcast(SPECIES, LOG_P7)).fma(r, FloatVector.broadcast(SPECIES, LOG_P8));
            FloatVector y = p.mul(r).mul(r2).add(e.mul(FloatVectorMath.LN2_LO)).add(r2.mul(-0.5f));
            r.add(y).add(e.mul(FloatVectorMath.LN2_HI)).intoMemorySegment(d, dt, ORDER);
        }
        return i;
    }

    /** The sum of n contiguous elements: float lanes within blocks, blocks added in double. */
    static double sum(MemorySegment s, long off, long n) {
        double total = 0;
        long i = 0;
        while (n - i >= LANES) {
            long blockEnd = i + bound(Math.min(SUM_BLOCK, n - i));
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = FloatVector.zero(SPECIES);
            for (; i + 2L * LANES <= blockEnd; i += 2L * LANES) {
                acc0 = acc0.add(fromMemorySegment(SPECIES, s, (off + i) * Float.BYTES, ORDER));
                acc1 = acc1.add(fromMemorySegment(SPECIES, s, (off + i + LANES) * Float.BYTES, ORDER));
            }
            for (; i < blockEnd; i += LANES) acc0 = acc0.add(fromMemorySegment(SPECIES, s, (off + i) * Float.BYTES, ORDER));
            FloatVector sum = acc0.add(acc1);
            for (int w = LANES / 2; w > 0; w >>= 1) sum = sum.add(sum.rearrange(FOLDS.swap(w))); // one fixed order (LaneFolds)
            total += sum.lane(0);
        }
        for (; i < n; i++) total += s.getAtIndex(F32, off + i);
        return total;
    }
}
