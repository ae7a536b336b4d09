package dev.jtorch.bench.latency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jtorch.Torch;
import dev.jtorch.bench.peers.LibtorchPeer;
import dev.jtorch.bench.peers.OnnxModels;
import dev.jtorch.bench.peers.OnnxRuntimeLatencyBench;
import dev.jtorch.bench.peers.OnnxRuntimePeer;
import dev.jtorch.nn.F;
import dev.jtorch.nn.LSTM;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.CapturedGraph;
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

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Single-sample inference latency of the models of {@link OnnxModels} (MLP 784-256-10, LeNet-5 on 28x28, the
 * examples' forecasting LSTM: 2 layers of hidden {@value OnnxRuntimeLatencyBench#LSTM_HIDDEN} over 30 steps of one
 * feature + fc to 10), the same weights and input in jtorch, libtorch (DJL) and ONNX Runtime, at the same intra-op
 * thread count; the setup checks that the three compute the same output before anything is timed. jtorch runs each call under no-grad in a
 * {@link MemoryScope}, so every intermediate tensor's memory goes back to the allocator when the call returns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class InferenceLatencyBench {
    @Param({"mlp", "lenet5", "lstm"})
    public String model;

    @Param({"1"})
    public int batch;

    @Param({"2"})
    public int threads;

    private final Map<String, Tensor> p = new HashMap<>();
    private LSTM lstm;
    private Tensor x;
    /** The jtorch forward captured once on {@link #x}; {@link #jtorchGraph()} replays it. */
    private CapturedGraph graph;

    private NDManager manager;
    private final Map<String, NDArray> nd = new HashMap<>();
    private NDArray nx;

    private OrtSession session;
    private OnnxTensor ortInput;
    private String ortInputName;

    @Setup(Level.Trial)
    public void setup() throws OrtException {
        Torch.setNumThreads(threads);
        LibtorchPeer.init(threads);
        OnnxModels.Model m = OnnxRuntimeLatencyBench.model(model);
        manager = LibtorchPeer.newManager();
        for (var e : m.params().entrySet()) {
            long[] shape = m.shapes().get(e.getKey());
            p.put(e.getKey(), Tensor.of(e.getValue()).reshape(shape));
            nd.put(e.getKey(), LibtorchPeer.array(manager, e.getValue(), shape));
        }
        if (model.equals("lstm")) {
            lstm = new LSTM(OnnxRuntimeLatencyBench.LSTM_INPUT, OnnxRuntimeLatencyBench.LSTM_HIDDEN,
                    RnnOptions.defaults().numLayers(OnnxRuntimeLatencyBench.LSTM_LAYERS));
            Map<String, Tensor> state = new HashMap<>();
            for (var e : p.entrySet()) if (e.getKey().startsWith("lstm.")) state.put(e.getKey().substring("lstm.".length()), e.getValue());
            lstm.loadStateDict(state);
            lstm.eval();
        }
        long[] shape = OnnxRuntimeLatencyBench.inputShape(model, batch);
        long count = 1;
        for (long d : shape) count *= d;
        float[] xv = LibtorchPeer.randn(7, Math.toIntExact(count));
        x = Tensor.of(xv).reshape(shape);
        nx = LibtorchPeer.array(manager, xv, shape);
        session = OnnxRuntimePeer.session(m.bytes(), threads);
        ortInput = OnnxRuntimePeer.tensor(xv, shape);
        ortInputName = session.getInputNames().iterator().next();
        checkAgreement();
        graph = CapturedGraph.capture(() -> jtorchForward(x));
        try (var noGrad = GradMode.noGrad()) {
            requireClose(graph.output().toFloatArray(), jtorchForward(x).toFloatArray(), "eager jtorch");
        }
    }

    /** The three runtimes must compute the same model: compares their outputs once, before timing. */
    private void checkAgreement() throws OrtException {
        float[] expected;
        try (var noGrad = GradMode.noGrad()) {
            expected = jtorchForward(x).toFloatArray();
        }
        float[] fromLibtorch;
        try (NDManager step = manager.newSubManager()) {
            nx.tempAttach(step);
            fromLibtorch = libtorchForward(nx).toFloatArray();
        }
        float[] fromOrt;
        try (OrtSession.Result r = session.run(Map.of(ortInputName, ortInput))) {
            java.nio.FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            fromOrt = new float[b.remaining()];
            b.get(fromOrt);
        }
        requireClose(expected, fromLibtorch, "libtorch");
        requireClose(expected, fromOrt, "ONNX Runtime");
    }

    private void requireClose(float[] jtorch, float[] peer, String peerName) {
        if (jtorch.length != peer.length) {
            throw new IllegalStateException(model + ": jtorch gives " + jtorch.length + " outputs, " + peerName + " " + peer.length);
        }
        for (int i = 0; i < jtorch.length; i++) {
            if (!(Math.abs(jtorch[i] - peer[i]) <= 1e-4 + 1e-3 * Math.abs(peer[i]))) {
                throw new IllegalStateException(model + ": output " + i + " is " + jtorch[i] + " in jtorch but " + peer[i] + " in " + peerName);
            }
        }
    }

    Tensor jtorchForward(Tensor in) {
        return switch (model) {
            case "mlp" -> F.linear(F.relu(F.linear(in, p.get("fc1.weight"), p.get("fc1.bias"))), p.get("fc2.weight"), p.get("fc2.bias"));
            case "lenet5" -> {
                Tensor h = F.maxPool2d(F.relu(F.conv2d(in, p.get("conv1.weight"), p.get("conv1.bias"), 1, 2)), 2);
                h = F.maxPool2d(F.relu(F.conv2d(h, p.get("conv2.weight"), p.get("conv2.bias"), 1, 0)), 2).flatten(1, -1);
                h = F.relu(F.linear(h, p.get("fc1.weight"), p.get("fc1.bias")));
                h = F.relu(F.linear(h, p.get("fc2.weight"), p.get("fc2.bias")));
                yield F.linear(h, p.get("fc3.weight"), p.get("fc3.bias"));
            }
            case "lstm" -> F.linear(lstm.forward(in, null, null).hN().select(0, -1), p.get("fc.weight"), p.get("fc.bias"));
            default -> throw new IllegalArgumentException(model);
        };
    }

    @Benchmark
    public long jtorch() {
        try (var noGrad = GradMode.noGrad(); var scope = MemoryScope.open()) {
            return jtorchForward(x).numel();
        }
    }

    /** The same forward replayed from a {@link CapturedGraph}: no tensors, shapes or autograd checks per call. */
    @Benchmark
    public long jtorchGraph() {
        graph.replay();
        return graph.output().numel();
    }

    NDArray libtorchForward(NDArray in) {
        return switch (model) {
            case "mlp" -> Linear.linear(Activation.relu(Linear.linear(in, nd.get("fc1.weight"), nd.get("fc1.bias")).singletonOrThrow()),
                    nd.get("fc2.weight"), nd.get("fc2.bias")).singletonOrThrow();
            case "lenet5" -> {
                Shape k2 = new Shape(2, 2), none = new Shape(0, 0), one = new Shape(1, 1);
                NDArray h = Conv2d.conv2d(in, nd.get("conv1.weight"), nd.get("conv1.bias"), one, new Shape(2, 2), one, 1).singletonOrThrow();
                h = Pool.maxPool2d(Activation.relu(h), k2, k2, none, false);
                h = Conv2d.conv2d(h, nd.get("conv2.weight"), nd.get("conv2.bias")).singletonOrThrow();
                h = Pool.maxPool2d(Activation.relu(h), k2, k2, none, false);
                h = h.reshape(in.getShape().get(0), -1);
                h = Activation.relu(Linear.linear(h, nd.get("fc1.weight"), nd.get("fc1.bias")).singletonOrThrow());
                h = Activation.relu(Linear.linear(h, nd.get("fc2.weight"), nd.get("fc2.bias")).singletonOrThrow());
                yield Linear.linear(h, nd.get("fc3.weight"), nd.get("fc3.bias")).singletonOrThrow();
            }
            case "lstm" -> {
                long n = in.getShape().get(1), hidden = OnnxRuntimeLatencyBench.LSTM_HIDDEN;
                int layers = OnnxRuntimeLatencyBench.LSTM_LAYERS;
                NDManager m = in.getManager();
                NDList state = new NDList(m.zeros(new Shape(layers, n, hidden)), m.zeros(new Shape(layers, n, hidden)));
                NDList params = new NDList();
                for (int l = 0; l < layers; l++) {
                    for (String k : new String[] {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"}) params.add(nd.get("lstm." + k + l));
                }
                NDList out = in.getNDArrayInternal().lstm(in, state, params, true, layers, 0, false, false, false);
                yield Linear.linear(out.get(1).get(layers - 1), nd.get("fc.weight"), nd.get("fc.bias")).singletonOrThrow();
            }
            default -> throw new IllegalArgumentException(model);
        };
    }

    @Benchmark
    public float libtorch() {
        try (NDManager step = manager.newSubManager()) {
            nx.tempAttach(step);
            return libtorchForward(nx).getFloat(0, 0);
        }
    }

    @Benchmark
    public float onnxRuntime() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(ortInputName, ortInput))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        graph.close();
        ortInput.close();
        session.close();
        manager.close();
    }
}
