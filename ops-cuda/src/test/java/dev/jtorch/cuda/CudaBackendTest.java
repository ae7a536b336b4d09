package dev.jtorch.cuda;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Recurrent;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each backend primitive on cuda:0 against the CPU backend on the same random data, through the Tensor
 * API (so broadcasting, views and dtype rules are the ones users hit). Tolerances: float32 1e-5 relative
 * and absolute for elementwise ops, 1e-4 for reductions and products (different summation order; TF32 is
 * off), float64 1e-12; integers and bools exactly. Skipped where no GPU answers.
 */
class CudaBackendTest {
    private static final Device GPU = Device.CUDA;
    private GradMode.Guard noGrad;

    @BeforeEach void gpu() {
        GpuRequired.assumeGpu();
        noGrad = GradMode.noGrad();
    }

    @AfterEach void close() { if (noGrad != null) noGrad.close(); }

    private static Tensor rand(long... shape) { return Tensor.rand(shape, DType.FLOAT32, Device.CPU, new Generator(shape.length * 31L + shape[0])).mul(4).sub(2); }

    /** f on the CPU and on the GPU (inputs moved there), compared on the CPU. */
    private static void same(double tol, Function<Tensor[], Tensor> f, Tensor... cpuInputs) {
        Tensor[] gpuInputs = new Tensor[cpuInputs.length];
        for (int i = 0; i < cpuInputs.length; i++) gpuInputs[i] = cpuInputs[i].to(GPU);
        Tensor expected = f.apply(cpuInputs), actual = f.apply(gpuInputs);
        assertEquals(GPU, actual.device());
        Tensor back = actual.to(Device.CPU);
        assertArrayEquals(expected.shape(), back.shape());
        assertEquals(expected.dtype(), back.dtype());
        if (expected.dtype().isFloatingPoint()) {
            assertTrue(back.allclose(expected, tol, tol), () -> "max difference " + back.sub(expected).abs().max().item());
        } else {
            assertArrayEquals(expected.toLongArray(), back.toLongArray());
        }
    }

    @ParameterizedTest @ValueSource(ints = {1, 7, 17, 1023, 100_003})
    void copyRoundTripOddSizes(int n) {
        Tensor x = rand(n);
        assertArrayEquals(x.toFloatArray(), x.to(GPU).toFloatArray());
        Tensor i = Tensor.arange(n);
        assertArrayEquals(i.toLongArray(), i.to(GPU).to(Device.CPU).toLongArray());
    }

    @ParameterizedTest @EnumSource(UnaryOp.class)
    void unaryOps(UnaryOp op) {
        same(1e-5, t -> switch (op) {
            case NEG -> t[0].neg(); case ABS -> t[0].abs(); case EXP -> t[0].exp(); case LOG -> t[0].abs().log();
            case SQRT -> t[0].abs().sqrt(); case SIN -> t[0].sin(); case COS -> t[0].cos(); case TANH -> t[0].tanh();
            case SIGMOID -> t[0].sigmoid(); case RELU -> t[0].relu(); case ERF -> t[0].erf(); case SIGN -> t[0].sign();
            case LOGICAL_NOT -> t[0].gt(0).logicalNot();
        }, rand(17, 33).transpose(0, 1));   // non-contiguous input
    }

    @ParameterizedTest @EnumSource(BinaryOp.class)
    void binaryOpsWithBroadcast(BinaryOp op) {
        Function<Tensor[], Tensor> f = t -> {
            Tensor a = t[0], b = t[1];
            return switch (op) {
                case ADD -> a.add(b); case SUB -> a.sub(b); case MUL -> a.mul(b); case DIV -> a.div(b);
                case POW -> a.abs().pow(b); case MAXIMUM -> a.maximum(b); case MINIMUM -> a.minimum(b);
                case EQ -> a.eq(a.maximum(b)); case NE -> a.ne(b); case LT -> a.lt(b); case LE -> a.le(b);
                case GT -> a.gt(b); case GE -> a.ge(b); case LOGICAL_AND -> a.gt(0).logicalAnd(b.gt(0));
                case LOGICAL_OR -> a.gt(0).logicalOr(b.gt(0));
            };
        };
        same(1e-5, f, rand(5, 1, 7), rand(3, 1));
        same(1e-5, f, rand(6, 9).narrow(1, 2, 5), rand(5));
    }

    @Test void integerArithmeticAndCasts() {
        Tensor a = Tensor.arange(-20, 21, 1).reshape(41, 1), b = Tensor.arange(0, 5, 1);
        same(0, t -> t[0].add(t[1]).mul(t[0]).pow(t[1]), a, b);
        same(0, t -> t[0].to(DType.INT32).abs().to(DType.FLOAT64), a);
        same(0, t -> t[0].toFloat().mul(0.37).to(DType.INT64), a);   // float to int truncates
    }

    @Test void whereAndFill() {
        same(1e-6, t -> Tensor.where(t[0].gt(0), t[0], t[1]), rand(8, 9), rand(9));
        same(0, t -> t[0].zerosLike().fill_(3.5), rand(4, 4).t());
        same(0, t -> Tensor.full(new long[] {3}, 9007199254740993.0, DType.INT64, t[0].device()), rand(1));
    }

    @Test void reductions() {
        Tensor x = rand(13, 1025, 3);
        same(1e-4, t -> t[0].sum(1, false), x);
        same(1e-4, t -> t[0].sum(new int[] {0, 2}, true), x);
        same(1e-4, t -> t[0].sum(), x);
        same(1e-4, t -> t[0].mean(0), x.transpose(0, 2));
        same(1e-6, t -> t[0].max(1, false).values(), x);
        same(0, t -> t[0].max(1, false).indices(), x);
        same(0, t -> t[0].min(0, true).indices(), x.transpose(0, 1));
        same(0, t -> t[0].gt(0).sum(), x);
        same(1e-4, t -> t[0].prod(2, false), rand(7, 3, 5));
    }

    @Test void softmaxAndLogSoftmaxAlongEachDimension() {
        Tensor x = rand(4, 37, 6);
        for (int dim = 0; dim < 3; dim++) {
            int d = dim;
            same(1e-5, t -> t[0].softmax(d), x);
            same(1e-5, t -> t[0].logSoftmax(d), x);
        }
    }

    @Test void matmulShapesAndLayouts() {
        same(1e-4, t -> t[0].matmul(t[1]), rand(17, 33), rand(33, 7));
        same(1e-4, t -> t[0].matmul(t[1].t()), rand(17, 33), rand(7, 33));          // transposed operand
        same(1e-4, t -> t[0].t().matmul(t[1]), rand(33, 17), rand(33, 1));
        same(1e-4, t -> t[0].matmul(t[1]), rand(5, 17, 33), rand(33, 9));           // broadcast weight
        same(1e-4, t -> t[0].matmul(t[1]), rand(2, 5, 7, 3), rand(1, 5, 3, 4));    // broadcast batch
        same(1e-4, t -> t[0].narrow(1, 1, 9).matmul(t[1]), rand(6, 12), rand(9, 4));
        same(1e-10, t -> t[0].toDouble().matmul(t[1].toDouble()), rand(1023, 7), rand(7, 1));
        same(0, t -> t[0].matmul(t[1]), Tensor.arange(12).reshape(3, 4), Tensor.arange(8).reshape(4, 2));
    }

    @Test void indexing() {
        Tensor x = rand(7, 9), idx = Tensor.of(6L, 0L, 6L, 3L);
        same(0, t -> t[0].indexSelect(0, t[1]), x, idx);
        same(0, t -> t[0].t().indexSelect(1, t[1]), x, idx);
        same(1e-6, t -> {   // repeated index 6 accumulates
            Tensor dst = t[0].zerosLike();
            dst.backend().indexAdd(dst, 0, t[1], t[0].indexSelect(0, t[1]));
            return dst;
        }, x, idx);
        Tensor gi = Tensor.of(new long[][] {{0, 8, 8}, {1, 1, 2}});
        same(0, t -> t[0].gather(1, t[1]), x.narrow(0, 0, 2), gi);
        same(1e-6, t -> t[0].zerosLike().scatterAdd(1, t[1], t[0].gather(1, t[1])), x.narrow(0, 0, 2), gi);
        same(0, t -> t[0].gt(0.5).nonzero(), rand(33, 65));
        same(0, t -> t[0].gt(10).nonzero(), rand(3, 3));
    }

    @Test void windows() {
        Tensor x = rand(2, 3, 11, 13);
        same(1e-6, t -> dev.jtorch.nn.F.maxPool2d(t[0], 3, 2, 1), x);
        same(1e-6, t -> dev.jtorch.nn.F.avgPool2d(t[0], 3, 2, 1), x);
        same(1e-4, t -> dev.jtorch.nn.F.conv2d(t[0], t[1], t[2], 1, 1), x, rand(4, 3, 3, 3), rand(4));
    }

    @Test void randomIsSeededAndHasTheRightMoments() {
        Tensor a = Tensor.rand(new long[] {1 << 20}, DType.FLOAT32, GPU, new Generator(3));
        Tensor b = Tensor.rand(new long[] {1 << 20}, DType.FLOAT32, GPU, new Generator(3));
        assertTrue(a.equal(b), "same seed, same draws");
        assertEquals(0.5, a.mean().item(), 2e-3);
        assertTrue(a.min().item() >= 0 && a.max().item() < 1);
        Tensor n = Tensor.randn(new long[] {1 << 20}, DType.FLOAT64, GPU, new Generator(4));
        assertEquals(0, n.mean().item(), 5e-3);
        assertEquals(1, n.std().item(), 5e-3);
        Tensor k = Tensor.empty(new long[] {100_000}, DType.INT64, GPU);
        k.backend().random(k, dev.jtorch.tensor.Distribution.INTEGER, 3, 9, new Generator(5));
        assertEquals(3, k.min().item());
        assertEquals(8, k.max().item());
    }

    @Test void mixingDevicesNamesBoth() {
        Tensor cpu = Tensor.ones(3), gpu = Tensor.ones(3).to(GPU);
        var e = assertThrows(IllegalArgumentException.class, () -> cpu.add(gpu));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("cuda:0"), e.getMessage());
    }
    /** The fused cells (forward and gradient, written by the backend) and a whole LSTM layer, on odd sizes. */
    @Test void fusedRecurrentCells() {
        int batch = 7, hidden = 17;
        Tensor ig = rand(batch, 4 * hidden), hg = rand(batch, 4 * hidden), c = rand(batch, hidden), gradOut = rand(2, batch, hidden);
        same(1e-5, t -> Recurrent.lstmCell(t[0], t[1], t[2]), ig, hg, c);
        same(1e-5, t -> {
            Tensor gradGates = Tensor.empty(t[0].shape(), t[0].dtype(), t[0].device()), gradC = Tensor.empty(t[2].shape(), t[2].dtype(), t[2].device());
            t[0].backend().lstmCellBackward(t[0], t[1], t[2], t[3], gradGates, gradC);
            return Tensor.cat(1, gradGates, gradC);
        }, ig, hg, c, gradOut);
        Tensor gi = rand(batch, 3 * hidden), gh = rand(batch, 3 * hidden), h = rand(batch, hidden), gradH = rand(batch, hidden);
        same(1e-5, t -> Recurrent.gruCell(t[0], t[1], t[2]), gi, gh, h);
        same(1e-5, t -> {
            Tensor gradGi = Tensor.empty(t[0].shape(), t[0].dtype(), t[0].device()), gradGh = Tensor.empty(t[1].shape(), t[1].dtype(), t[1].device());
            Tensor gradState = Tensor.empty(t[2].shape(), t[2].dtype(), t[2].device());
            t[0].backend().gruCellBackward(t[0], t[1], t[2], t[3], gradGi, gradGh, gradState);
            return Tensor.cat(1, gradGi, gradGh, gradState);
        }, gi, gh, h, gradH);
        for (boolean reverse : new boolean[] {false, true}) {
            same(1e-4, t -> Recurrent.lstmLayer(t[0], t[1], t[2], t[3], reverse), rand(5, batch, 4 * hidden), rand(4 * hidden, hidden).mul(0.25), h, c);
        }
    }
}
