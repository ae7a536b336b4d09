package dev.jtorch.bench.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.jtorch.bench.peers.LibtorchPeer;
import dev.jtorch.nn.F;
import dev.jtorch.Torch;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * conv2d forward, and forward + backward (input, weight and bias gradients of {@code sum(conv(x) * g)}), at layer
 * shapes of LeNet-5 (batch 64), AlexNet and ResNet-50 (batch 4), for jtorch and libtorch (DJL) in the same run with
 * the same thread count. Both sides see the same float32 values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class Conv2dBench {

    /** A layer: batch, in and out channels, square input, kernel, stride, padding. */
    record Layer(int n, int c, int o, int size, int k, int stride, int pad) {
        static Layer of(String name) {
            return switch (name) {
                case "lenet5.conv1" -> new Layer(64, 1, 6, 32, 5, 1, 0);
                case "lenet5.conv2" -> new Layer(64, 6, 16, 14, 5, 1, 0);
                case "lenet5.conv3" -> new Layer(64, 16, 120, 5, 5, 1, 0);
                case "alexnet.conv1" -> new Layer(4, 3, 64, 224, 11, 4, 2);
                case "alexnet.conv3" -> new Layer(4, 192, 384, 13, 3, 1, 1);
                case "resnet50.conv1" -> new Layer(4, 3, 64, 224, 7, 2, 3);
                case "resnet50.layer1.3x3" -> new Layer(4, 64, 64, 56, 3, 1, 1);
                case "resnet50.layer1.1x1" -> new Layer(4, 64, 256, 56, 1, 1, 0);
                case "resnet50.layer2.3x3s2" -> new Layer(4, 128, 128, 56, 3, 2, 1);
                case "resnet50.layer4.3x3" -> new Layer(4, 512, 512, 7, 3, 1, 1);
                default -> throw new IllegalArgumentException("unknown layer " + name);
            };
        }
        int out() { return (size + 2 * pad - k) / stride + 1; }
    }

    @Param({"lenet5.conv1", "lenet5.conv2", "lenet5.conv3", "alexnet.conv1", "alexnet.conv3",
            "resnet50.conv1", "resnet50.layer1.3x3", "resnet50.layer1.1x1", "resnet50.layer2.3x3s2", "resnet50.layer4.3x3"})
    public String layer;

    @Param({"2"})
    public int threads;

    private Layer l;
    private Tensor x, w, b, g;
    private NDManager manager;
    private NDArray nx, nw, nb, ng;

    @Setup(Level.Trial)
    public void setup() {
        l = Layer.of(layer);
        Torch.setNumThreads(threads);
        LibtorchPeer.init(threads);
        long[] xs = {l.n, l.c, l.size, l.size}, ws = {l.o, l.c, l.k, l.k}, gs = {l.n, l.o, l.out(), l.out()};
        float[] xv = LibtorchPeer.randn(1, count(xs)), wv = LibtorchPeer.randn(2, count(ws)), bv = LibtorchPeer.randn(3, l.o), gv = LibtorchPeer.randn(4, count(gs));
        x = Tensor.of(xv).reshape(xs).requiresGrad(true);
        w = Tensor.of(wv).reshape(ws).requiresGrad(true);
        b = Tensor.of(bv).requiresGrad(true);
        g = Tensor.of(gv).reshape(gs);
        manager = LibtorchPeer.newManager();
        nx = LibtorchPeer.array(manager, xv, xs);
        nw = LibtorchPeer.array(manager, wv, ws);
        nb = LibtorchPeer.array(manager, bv, l.o);
        ng = LibtorchPeer.array(manager, gv, gs);
        nx.setRequiresGradient(true);
        nw.setRequiresGradient(true);
        nb.setRequiresGradient(true);
    }

    private static int count(long[] shape) {
        long c = 1;
        for (long d : shape) c *= d;
        return Math.toIntExact(c);
    }

    @Benchmark
    public long jtorchForward() {
        try (var noGrad = GradMode.noGrad(); var scope = MemoryScope.open()) {
            return F.conv2d(x, w, b, l.stride, l.pad).numel();
        }
    }

    @Benchmark
    public long libtorchForward() {
        try (NDManager step = manager.newSubManager()) {
            nx.tempAttach(step);
            return Conv2d.conv2d(nx, nw, nb, new Shape(l.stride, l.stride), new Shape(l.pad, l.pad), new Shape(1, 1), 1).singletonOrThrow().size();
        }
    }

    @Benchmark
    public long jtorchForwardBackward() {
        try (var scope = MemoryScope.open()) {
            x.setGrad(null);
            w.setGrad(null);
            b.setGrad(null);
            F.conv2d(x, w, b, l.stride, l.pad).mul(g).sum().backward();
            return w.grad().numel();
        }
    }

    @Benchmark
    public long libtorchForwardBackward() {
        try (NDManager step = manager.newSubManager(); GradientCollector gc = LibtorchPeer.init(threads).newGradientCollector()) {
            nx.tempAttach(step);
            NDArray y = Conv2d.conv2d(nx, nw, nb, new Shape(l.stride, l.stride), new Shape(l.pad, l.pad), new Shape(1, 1), 1).singletonOrThrow();
            gc.backward(y.mul(ng).sum());
            return nw.getGradient().size();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }
}
