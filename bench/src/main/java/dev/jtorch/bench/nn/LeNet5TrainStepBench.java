package dev.jtorch.bench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import dev.jtorch.Torch;
import dev.jtorch.bench.peers.LibtorchPeer;
import dev.jtorch.nn.CrossEntropyLoss;
import dev.jtorch.nn.F;
import dev.jtorch.optim.SGD;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One training step of LeNet-5 (the main job's model: 32x32 input, conv 1-6-16-120 with ReLU and 2x2 average
 * pools, fc 120-84-10) at batch {@link #batch}: forward, cross-entropy, backward, SGD update. jtorch through its
 * {@code nn} API; libtorch through DJL with the same weights, data and update, at the same thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class LeNet5TrainStepBench {
    static final double LR = 0.01;

    @Param({"64"})
    public int batch;

    @Param({"2"})
    public int threads;

    /** name -> shape, in forward order (PyTorch state_dict names of the main job's LeNet5). */
    static final Map<String, long[]> SHAPES = new LinkedHashMap<>();
    static {
        SHAPES.put("conv1.weight", new long[] {6, 1, 5, 5});
        SHAPES.put("conv1.bias", new long[] {6});
        SHAPES.put("conv2.weight", new long[] {16, 6, 5, 5});
        SHAPES.put("conv2.bias", new long[] {16});
        SHAPES.put("conv3.weight", new long[] {120, 16, 5, 5});
        SHAPES.put("conv3.bias", new long[] {120});
        SHAPES.put("fc1.weight", new long[] {84, 120});
        SHAPES.put("fc1.bias", new long[] {84});
        SHAPES.put("fc2.weight", new long[] {10, 84});
        SHAPES.put("fc2.bias", new long[] {10});
    }

    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private SGD sgd;
    private final CrossEntropyLoss criterion = new CrossEntropyLoss();
    private Tensor x, y;

    private NDManager manager;
    private final Map<String, NDArray> nd = new LinkedHashMap<>();
    private NDArray nx, oneHot;

    @Setup(Level.Trial)
    public void setup() {
        Torch.setNumThreads(threads);
        LibtorchPeer.init(threads);
        manager = LibtorchPeer.newManager();
        long seed = 10;
        for (var e : SHAPES.entrySet()) {
            int count = count(e.getValue());
            float[] v = LibtorchPeer.randn(seed++, count);
            float scale = (float) (1 / Math.sqrt(count / e.getValue()[0]));
            for (int i = 0; i < v.length; i++) v[i] *= scale;
            params.put(e.getKey(), Tensor.of(v).reshape(e.getValue()).requiresGrad(true));
            NDArray a = LibtorchPeer.array(manager, v, e.getValue());
            a.setRequiresGradient(true);
            nd.put(e.getKey(), a);
        }
        sgd = new SGD(List.copyOf(params.values()), LR);
        long[] xs = {batch, 1, 32, 32};
        float[] xv = LibtorchPeer.randn(1, count(xs));
        x = Tensor.of(xv).reshape(xs);
        nx = LibtorchPeer.array(manager, xv, xs);
        long[] labels = new long[batch];
        float[] hot = new float[batch * 10];
        for (int i = 0; i < batch; i++) {
            labels[i] = (i * 7) % 10;
            hot[i * 10 + (int) labels[i]] = 1;
        }
        y = Tensor.of(labels);
        oneHot = LibtorchPeer.array(manager, hot, batch, 10);
    }

    private static int count(long[] shape) {
        long c = 1;
        for (long d : shape) c *= d;
        return Math.toIntExact(c);
    }

    private Tensor p(String name) { return params.get(name); }

    Tensor jtorchForward(Tensor in) {
        Tensor h = F.avgPool2d(F.relu(F.conv2d(in, p("conv1.weight"), p("conv1.bias"))), 2);
        h = F.avgPool2d(F.relu(F.conv2d(h, p("conv2.weight"), p("conv2.bias"))), 2);
        h = F.relu(F.conv2d(h, p("conv3.weight"), p("conv3.bias"))).view(in.size(0), -1);
        return F.linear(F.relu(F.linear(h, p("fc1.weight"), p("fc1.bias"))), p("fc2.weight"), p("fc2.bias"));
    }

    @Benchmark
    public double jtorch() {
        try (var scope = MemoryScope.open()) {
            sgd.zeroGrad();
            Tensor loss = criterion.forward(jtorchForward(x), y);
            loss.backward();
            sgd.step();
            return loss.item();
        }
    }

    NDArray libtorchForward(NDArray in) {
        Shape k2 = new Shape(2, 2), none = new Shape(0, 0);
        NDArray h = Activation.relu(Conv2d.conv2d(in, nd.get("conv1.weight"), nd.get("conv1.bias")).singletonOrThrow());
        h = Pool.avgPool2d(h, k2, k2, none, false, true);
        h = Activation.relu(Conv2d.conv2d(h, nd.get("conv2.weight"), nd.get("conv2.bias")).singletonOrThrow());
        h = Pool.avgPool2d(h, k2, k2, none, false, true);
        h = Activation.relu(Conv2d.conv2d(h, nd.get("conv3.weight"), nd.get("conv3.bias")).singletonOrThrow()).reshape(in.getShape().get(0), -1);
        h = Activation.relu(Linear.linear(h, nd.get("fc1.weight"), nd.get("fc1.bias")).singletonOrThrow());
        return Linear.linear(h, nd.get("fc2.weight"), nd.get("fc2.bias")).singletonOrThrow();
    }

    @Benchmark
    public double libtorch() {
        double value;
        try (NDManager step = manager.newSubManager()) {
            nx.tempAttach(step);
            oneHot.tempAttach(step);
            try (GradientCollector gc = LibtorchPeer.init(threads).newGradientCollector()) {
                NDArray loss = libtorchForward(nx).logSoftmax(1).mul(oneHot).sum().neg().div(batch);
                gc.backward(loss);
                value = loss.getFloat();
            }
            for (NDArray a : nd.values()) {
                NDArray update = a.getGradient().mul(LR);
                a.subi(update);
                update.close();
            }
        }
        return value;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }
}
