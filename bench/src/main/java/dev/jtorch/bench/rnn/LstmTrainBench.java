package dev.jtorch.bench.rnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import dev.jtorch.Torch;
import dev.jtorch.bench.peers.LibtorchPeer;
import dev.jtorch.nn.F;
import dev.jtorch.nn.LSTM;
import dev.jtorch.nn.Losses;
import dev.jtorch.nn.RnnOptions;
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
 * One training step's forward and backward of the examples' forecasting model ({@code MultiStepLSTM}: a 2-layer
 * LSTM, hidden 64, over a batch of 64 windows of 30 steps of one feature, batch-first, then fc to the 10-step
 * horizon), MSE loss against a fixed target, in jtorch and in libtorch (DJL's {@code lstm} op, which runs
 * {@code torch::lstm}) with the same weights, inputs and intra-op thread count in the same run. No optimizer
 * step and no dropout (the example trains with dropout 0.2 between the layers; left out so both sides do the
 * same deterministic work). The setup checks that both compute the same loss and weight gradient.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"})
public class LstmTrainBench {
    static final int BATCH = 64, STEPS = 30, INPUT = 1, HIDDEN = 64, LAYERS = 2, HORIZON = 10;
    private static final String[] LSTM_PARAMS = {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"};

    @Param({"2"})
    public int threads;

    private LSTM lstm;
    private Tensor fcWeight, fcBias, x, target;

    private NDManager manager;
    private NDList ndLstmParams;
    private NDArray ndFcWeight, ndFcBias, nx, ntarget;

    @Setup(Level.Trial)
    public void setup() {
        Torch.setNumThreads(threads);
        LibtorchPeer.init(threads);
        manager = LibtorchPeer.newManager();
        lstm = new LSTM(INPUT, HIDDEN, RnnOptions.defaults().numLayers(LAYERS).batchFirst(true));
        ndLstmParams = new NDList();
        Map<String, Tensor> state = new HashMap<>();
        long seed = 10;
        double bound = 1 / Math.sqrt(HIDDEN);
        for (int l = 0; l < LAYERS; l++) {
            for (String name : LSTM_PARAMS) {
                long[] shape = name.startsWith("weight") ? new long[] {4L * HIDDEN, name.equals("weight_ih_l") && l == 0 ? INPUT : HIDDEN} : new long[] {4L * HIDDEN};
                float[] v = uniform(seed++, count(shape), bound);
                state.put(name + l, Tensor.of(v).reshape(shape));
                ndLstmParams.add(trainable(v, shape));
            }
        }
        lstm.loadStateDict(state);
        float[] fw = uniform(seed++, HORIZON * HIDDEN, bound), fb = uniform(seed++, HORIZON, bound);
        fcWeight = Tensor.of(fw).reshape(HORIZON, HIDDEN).requiresGrad(true);
        fcBias = Tensor.of(fb).requiresGrad(true);
        ndFcWeight = trainable(fw, HORIZON, HIDDEN);
        ndFcBias = trainable(fb, HORIZON);
        float[] xv = LibtorchPeer.randn(1, BATCH * STEPS * INPUT), tv = LibtorchPeer.randn(2, BATCH * HORIZON);
        x = Tensor.of(xv).reshape(BATCH, STEPS, INPUT);
        target = Tensor.of(tv).reshape(BATCH, HORIZON);
        nx = LibtorchPeer.array(manager, xv, BATCH, STEPS, INPUT);
        ntarget = LibtorchPeer.array(manager, tv, BATCH, HORIZON);
        checkAgreement();
    }

    private NDArray trainable(float[] v, long... shape) {
        NDArray a = LibtorchPeer.array(manager, v, shape);
        a.setRequiresGradient(true);
        return a;
    }

    private static float[] uniform(long seed, int n, double bound) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        return v;
    }

    private static int count(long[] shape) {
        long c = 1;
        for (long d : shape) c *= d;
        return Math.toIntExact(c);
    }

    /** The forecast of the last step's top-layer output, as {@code MultiStepLSTM.forward}. */
    private Tensor jtorchLoss() {
        Tensor out = lstm.forward(x);
        Tensor forecast = F.linear(out.select(1, STEPS - 1), fcWeight, fcBias);
        return Losses.mseLoss(forecast, target);
    }

    private NDArray libtorchLoss(NDManager step) {
        NDList state = new NDList(step.zeros(new Shape(LAYERS, BATCH, HIDDEN)), step.zeros(new Shape(LAYERS, BATCH, HIDDEN)));
        NDList out = nx.getNDArrayInternal().lstm(nx, state, ndLstmParams, true, LAYERS, 0, true, false, true);
        NDArray last = out.get(0).get(new NDIndex(":, " + (STEPS - 1) + ", :"));
        NDArray forecast = Linear.linear(last, ndFcWeight, ndFcBias).singletonOrThrow();
        return forecast.sub(ntarget).square().mean();
    }

    private void zeroGrads() {
        lstm.zeroGrad();
        fcWeight.setGrad(null);
        fcBias.setGrad(null);
    }

    @Benchmark
    public float jtorch() {
        try (var scope = MemoryScope.open()) {
            zeroGrads();
            Tensor loss = jtorchLoss();
            loss.backward();
            return fcWeight.grad().toFloatArray()[0];
        }
    }

    @Benchmark
    public float libtorch() {
        try (NDManager step = manager.newSubManager(); GradientCollector gc = LibtorchPeer.init(threads).newGradientCollector()) {
            nx.tempAttach(step);
            gc.backward(libtorchLoss(step));
            return ndFcWeight.getGradient().getFloat(0, 0);
        }
    }

    /** Both sides must train the same model: loss and every weight gradient agree before anything is timed. */
    private void checkAgreement() {
        zeroGrads();
        Tensor loss = jtorchLoss();
        loss.backward();
        float jtorchLoss = (float) loss.item();
        float libtorchLoss;
        try (NDManager step = manager.newSubManager(); GradientCollector gc = LibtorchPeer.init(threads).newGradientCollector()) {
            nx.tempAttach(step);
            NDArray l = libtorchLoss(step);
            libtorchLoss = l.getFloat();
            gc.backward(l);
            requireClose("fc.weight grad", fcWeight.grad().toFloatArray(), ndFcWeight.getGradient().toFloatArray());
            for (int l0 = 0, i = 0; l0 < LAYERS; l0++) {
                for (String name : LSTM_PARAMS) {
                    requireClose(name + l0 + " grad", lstm.namedParameters().get(name + l0).grad().toFloatArray(), ndLstmParams.get(i++).getGradient().toFloatArray());
                }
            }
        }
        requireClose("loss", new float[] {jtorchLoss}, new float[] {libtorchLoss});
    }

    private static void requireClose(String what, float[] jtorch, float[] libtorch) {
        float scale = 0;
        for (float v : libtorch) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < jtorch.length; i++) {
            if (!(Math.abs(jtorch[i] - libtorch[i]) <= 1e-4f * Math.max(scale, 1e-3f))) {
                throw new IllegalStateException(what + " [" + i + "]: jtorch " + jtorch[i] + ", libtorch " + libtorch[i]);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }
}
