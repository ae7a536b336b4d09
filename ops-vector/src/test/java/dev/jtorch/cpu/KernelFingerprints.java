package dev.jtorch.cpu;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.ReduceOp;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;
import dev.jtorch.tensor.Window2d;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.jtorch.cpu.TestTensors.CPU;
import static dev.jtorch.cpu.TestTensors.empty;
import static dev.jtorch.cpu.TestTensors.tensor;
import static dev.jtorch.cpu.TestTensors.uniform;

/**
 * The bits of what the kernels with lane sums or exponentials compute on fixed inputs, one hash per case: the
 * products of a Linear at batch 1 to 4, LeNet-5's convolutions and a 3x3 one (forward and both gradients),
 * softmax rows, the exponential unary ops, sums, and the recurrent layers. {@link #main} prints them, for
 * {@link InterpreterAgreementTest} to compare between a JVM that only interprets and one that compiles early.
 */
final class KernelFingerprints {
    private KernelFingerprints() {}

    /** Prints "call case hash" lines for as many calls of {@link #compute} as the one argument says. */
    public static void main(String[] args) {
        int calls = Integer.parseInt(args[0]);
        for (int call = 0; call < calls; call++) {
            int c = call;
            compute().forEach((name, hash) -> System.out.println(c + " " + name + " " + Long.toHexString(hash)));
        }
    }

    static Map<String, Long> compute() {
        Map<String, Long> out = new LinkedHashMap<>();
        // a Linear's x @ W^T at batch 3 and 1 (the small-batch path's 2- and 1-row tiles and leftover W rows)
        for (int m : new int[] {1, 3}) {
            Tensor x = random(DType.FLOAT32, 11, 1, m, 301), w = random(DType.FLOAT32, 12, 1, 10, 301), y = empty(DType.FLOAT32, 1, m, 10);
            CPU.matmul(x, w.transpose(1, 2), y);
            out.put("linear batch " + m, hash(y));
        }
        conv(out, "lenet conv1", 2, 1, 32, 6, 5, 0);
        conv(out, "lenet conv2", 2, 6, 14, 16, 5, 0);
        conv(out, "conv 3x3", 2, 8, 9, 8, 3, 1);
        for (int n : new int[] {10, 37}) {
            for (boolean log : new boolean[] {false, true}) {
                Tensor x = random(DType.FLOAT32, 20 + n, 5, n), y = empty(DType.FLOAT32, 5, n);
                CPU.softmax(x, 1, log, y);
                out.put((log ? "log_softmax " : "softmax ") + n, hash(y));
            }
        }
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = random(dtype, 30, 1, 1003);
            for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.SIN, UnaryOp.COS}) {
                Tensor y = empty(dtype, 1, 1003);
                CPU.unary(op, x, y);
                out.put(op + " " + dtype, hash(y));
            }
            Tensor positive = empty(dtype, 1, 1003), log = empty(dtype, 1, 1003);
            CPU.unary(UnaryOp.EXP, x, positive);
            CPU.unary(UnaryOp.LOG, positive, log);
            out.put("LOG " + dtype, hash(log));
            Tensor big = random(dtype, 31, 1, 5003), sum = empty(dtype, 1, 1);
            CPU.reduce(ReduceOp.SUM, big, sum);
            out.put("sum " + dtype, hash(sum));
            recurrent(out, dtype);
        }
        return out;
    }

    private static void conv(Map<String, Long> out, String name, int batch, int channels, int size, int filters, int k, int pad) {
        Window2d win = Window2d.conv(size, size, k, k, 1, 1, pad, pad, 1, 1);
        int outSize = size + 2 * pad - k + 1;
        Tensor x = random(DType.FLOAT32, 40 + k, batch, channels, size, size), w = random(DType.FLOAT32, 41 + k, filters, channels, k, k);
        Tensor y = empty(DType.FLOAT32, batch, filters, outSize, outSize);
        CPU.conv2d(x, w, null, win, 1, y);
        Tensor dy = random(DType.FLOAT32, 42 + k, batch, filters, outSize, outSize);
        Tensor dx = empty(DType.FLOAT32, batch, channels, size, size), dw = empty(DType.FLOAT32, filters, channels, k, k);
        CPU.conv2dBackwardInput(dy, w, win, 1, dx);
        CPU.conv2dBackwardWeight(dy, x, win, 1, dw);
        out.put(name + " forward", hash(y));
        out.put(name + " input grad", hash(dx));
        out.put(name + " weight grad", hash(dw));
    }

    private static void recurrent(Map<String, Long> out, DType dtype) {
        int steps = 3, batch = 4, hidden = 19;
        LstmOperands in = LstmOperands.draw(dtype, steps, batch, hidden, 50, 1 / Math.sqrt(hidden), ComposedReference.Layout.CONTIGUOUS);
        Tensor states = empty(dtype, 2, steps, batch, hidden), gates = empty(dtype, steps, batch, 4 * hidden);
        CPU.lstmLayer(in.inputGates(), in.weightHh(), in.h0(), in.c0(), false, states, gates);
        Tensor gradOut = random(dtype, 51, 2, steps, batch, hidden);
        Tensor gradGates = empty(dtype, steps, batch, 4 * hidden), gradH0 = empty(dtype, batch, hidden), gradC0 = empty(dtype, batch, hidden);
        CPU.lstmLayerBackward(gates, in.weightHh(), in.c0(), states, false, gradOut, gradGates, gradH0, gradC0);
        out.put("lstm layer " + dtype, hash(states));
        out.put("lstm layer grad " + dtype, hash(gradGates) ^ 31 * hash(gradH0) ^ 961 * hash(gradC0));

        Tensor gi = random(dtype, 52, batch, 3 * hidden), gh = random(dtype, 53, batch, 3 * hidden), h = random(dtype, 54, batch, hidden);
        Tensor next = empty(dtype, batch, hidden);
        CPU.gruCell(gi, gh, h, next);
        Tensor gradNext = random(dtype, 55, batch, hidden);
        Tensor gradGi = empty(dtype, batch, 3 * hidden), gradGh = empty(dtype, batch, 3 * hidden), gradH = empty(dtype, batch, hidden);
        CPU.gruCellBackward(gi, gh, h, gradNext, gradGi, gradGh, gradH);
        out.put("gru cell " + dtype, hash(next));
        out.put("gru cell grad " + dtype, hash(gradGi) ^ 31 * hash(gradGh) ^ 961 * hash(gradH));
    }

    private static Tensor random(DType dtype, long seed, long... shape) {
        return tensor(dtype, shape, uniform(Math.toIntExact(TestTensors.numel(shape)), seed, -3, 3));
    }

    /**
     * FNV-1a over the elements' bits as doubles (a float widens exactly), read one by one from the contiguous
     * output: under the compiling JVM's flags a small {@code MemorySegment.copy} into a fresh heap array (what
     * {@link TestTensors#values} does) returned zeros for two of its 8-byte words in a few calls, on JDK 25.0.3.
     */
    private static long hash(Tensor t) {
        MemorySegment s = ElementAccess.segment(t);
        long h = 0xcbf29ce484222325L;
        for (long i = 0, at = t.storageOffset(); i < t.numel(); i++, at++) {
            double v = t.dtype() == DType.FLOAT32 ? s.getAtIndex(ValueLayout.JAVA_FLOAT, at) : s.getAtIndex(ValueLayout.JAVA_DOUBLE, at);
            h = (h ^ Double.doubleToRawLongBits(v)) * 0x100000001b3L;
        }
        return h;
    }
}
