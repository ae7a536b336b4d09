package dev.jtorch.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Inference latency of ONNX Runtime (CPU) on the models of {@link OnnxModels}, batch {@link #batch}, with
 * {@link #threads} intra-op threads: the peer of jtorch's own inference latency on the same models and weights
 * ({@code OnnxModels.*(SEED)} gives the parameters under PyTorch names). Input shapes: mlp {@code [N, 784]},
 * lenet5 {@code [N, 1, 28, 28]}, lstm {@code [30, N, 1]}: the examples' forecasting model ({@code MultiStepLSTM}:
 * {@value #LSTM_LAYERS} stacked layers of hidden {@value #LSTM_HIDDEN} over {@value #LSTM_STEPS} steps of one feature,
 * fc to {@value #LSTM_HORIZON} outputs), sequence-first.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class OnnxRuntimeLatencyBench {
    public static final long SEED = 42;
    public static final int LSTM_STEPS = 30, LSTM_INPUT = 1, LSTM_HIDDEN = 64, LSTM_LAYERS = 2, LSTM_HORIZON = 10;

    @Param({"mlp", "lenet5", "lstm"})
    public String model;

    @Param({"1"})
    public int batch;

    @Param({"2"})
    public int threads;

    private OrtSession session;
    private OnnxTensor input;
    private String inputName;

    /** The benchmark's model by name, with the benchmark's fixed seed and sizes. */
    public static OnnxModels.Model model(String name) {
        return switch (name) {
            case "mlp" -> OnnxModels.mlp(SEED);
            case "lenet5" -> OnnxModels.lenet5(SEED);
            case "lstm" -> OnnxModels.forecastLstm(SEED, LSTM_INPUT, LSTM_HIDDEN, LSTM_LAYERS, LSTM_HORIZON);
            default -> throw new IllegalArgumentException("unknown model " + name);
        };
    }

    /** The input shape for {@code name} at batch {@code n}. */
    public static long[] inputShape(String name, int n) {
        return switch (name) {
            case "mlp" -> new long[] {n, 784};
            case "lenet5" -> new long[] {n, 1, 28, 28};
            case "lstm" -> new long[] {LSTM_STEPS, n, LSTM_INPUT};
            default -> throw new IllegalArgumentException("unknown model " + name);
        };
    }

    @Setup(Level.Trial)
    public void setup() throws OrtException {
        session = OnnxRuntimePeer.session(model(model).bytes(), threads);
        long[] shape = inputShape(model, batch);
        long count = 1;
        for (long d : shape) count *= d;
        input = OnnxRuntimePeer.tensor(LibtorchPeer.randn(7, Math.toIntExact(count)), shape);
        inputName = session.getInputNames().iterator().next();
    }

    @Benchmark
    public float infer() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        input.close();
        session.close();
    }
}
