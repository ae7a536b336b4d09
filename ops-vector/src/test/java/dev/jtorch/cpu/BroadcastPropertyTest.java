package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static dev.jtorch.cpu.TestTensors.*;

/**
 * Binary ops and copies on random broadcastable shapes and random views (permuted storage, broadcast
 * dims, offsets), against index arithmetic done directly on the Java arrays.
 */
class BroadcastPropertyTest {

    /** One operand: which output dims it broadcasts, and the storage order of the dims it keeps. */
    record Operand(boolean[] broadcast, int[] order, int offset) {}

    record Scenario(long[] shape, Operand a, Operand b, BinaryOp op, DType dtype) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<long[]> shapes = Arbitraries.longs().between(1, 6).array(long[].class).ofMinSize(0).ofMaxSize(4);
        return shapes.flatMap(shape -> {
            int r = shape.length;
            Arbitrary<Operand> operand = Combinators.combine(
                    Arbitraries.of(true, false).array(boolean[].class).ofSize(r),
                    Arbitraries.shuffle(range(r)),
                    Arbitraries.integers().between(0, 3)
            ).as((bc, order, off) -> new Operand(bc, order.stream().mapToInt(Integer::intValue).toArray(), off));
            return Combinators.combine(operand, operand,
                    Arbitraries.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.MAXIMUM, BinaryOp.LT, BinaryOp.EQ),
                    Arbitraries.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32)
            ).as((a, b, op, t) -> new Scenario(shape, a, b, op, t));
        });
    }

    private static List<Integer> range(int r) {
        return java.util.stream.IntStream.range(0, r).boxed().toList();
    }

    /** Storage holding the operand's kept dims in a permuted order, and the strides that view it as {@code shape}. */
    private record Built(Tensor view, double[] logical) {}

    private static Built build(long[] shape, Operand o, DType t, long seed) {
        int r = shape.length;
        long[] strides = new long[r];
        long acc = 1;
        for (int i = r - 1; i >= 0; i--) {          // innermost storage dim = last in order
            int d = o.order()[i];
            if (o.broadcast()[d]) continue;
            strides[d] = acc;
            acc *= shape[d];
        }
        int size = (int) acc + o.offset();
        double[] storage = asStored(t, smallInts(size, seed));
        Tensor base = tensor(t, new long[]{size}, storage);
        return new Built(base.asStrided(shape, strides, o.offset()), view(storage, shape, strides, o.offset()));
    }

    @Property(tries = 150)
    void binaryOnRandomViewsMatchesReference(@ForAll("scenarios") Scenario s) {
        Built a = build(s.shape(), s.a(), s.dtype(), 1), b = build(s.shape(), s.b(), s.dtype(), 2);
        Tensor out = empty(s.op().writesBool() ? DType.BOOL : s.dtype(), s.shape());
        CPU.binary(s.op(), a.view(), b.view(), out);
        double[] expected = new double[a.logical().length];
        for (int i = 0; i < expected.length; i++) expected[i] = Reference.binary(s.op(), s.dtype(), a.logical()[i], b.logical()[i]);
        assertClose(expected, values(out), 0, 0, s.op() + " " + s.dtype() + " " + java.util.Arrays.toString(s.shape()));
    }

    @Property(tries = 100)
    void copyOfRandomViewsMatchesReference(@ForAll("scenarios") Scenario s) {
        Built a = build(s.shape(), s.a(), s.dtype(), 3);
        Tensor out = empty(DType.FLOAT64, s.shape());
        CPU.copy(a.view(), out);
        assertClose(a.logical(), values(out), 0, 0, "copy " + java.util.Arrays.toString(s.shape()));
    }
}
