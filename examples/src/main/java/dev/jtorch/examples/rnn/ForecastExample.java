package dev.jtorch.examples.rnn;

import dev.jtorch.Torch;
import dev.jtorch.nn.MSELoss;
import dev.jtorch.nn.Module;
import dev.jtorch.optim.Adam;
import dev.jtorch.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The seed's multi-step forecasters: 30 values of sin(x) + 0.5 sin(3x) + 0.2 cos(5x) predict the next 10;
 * Adam lr 0.005, full-batch epochs on the first 80% of the windows, tested on the rest. Writes the weights,
 * the loss curve and the forecast over the test stretch (PNG and CSV).
 *
 * <p>The data: x = 0.05 i for i &lt; 1000 (x from 0 to 49.95, as {@code np.arange(0, 50, 0.05)}, about
 * {@code np.linspace(0, 50, 1000)}), a window starting at every point (961), the first 769 train, the last 192
 * test. The seed notebook does not say how it sampled x; its figures (final training loss 0.0028 LSTM, 0.0031
 * GRU after 100 epochs) fit this step and not 0.1. With x = 0.1 i (1000 points, x to 100) the same models and
 * hyper-parameters end at 0.0045 to 0.011 (LSTM) and 0.0066 to 0.022 (GRU) over seeds, in jtorch and alike in
 * libtorch 2.7.1 itself (torch::lstm / torch::gru trained from the same initial weights), so the gap there is the
 * data, not the implementation: one-step gradients match libtorch to 1e-5 and Adam matches a double reference.
 * With x = 0.05 i libtorch ends at 0.0022 to 0.0030 (LSTM) and 0.0035 to 0.0048 (GRU) over seeds 0 to 2. A window
 * then spans 1.5 in x (a quarter of the slow sine's period, 1.2 periods of the fastest term) and the horizon 0.5.
 */
public final class ForecastExample {
    public static final int INPUT_STEPS = 30, HORIZON = 10, POINTS = 1000;
    public static final double STEP = 0.05;

    private ForecastExample() {}

    public record Result(double finalTrainLoss, double trainMseEval, double testMse, double seconds) {}

    static double signal(double x) { return Math.sin(x) + 0.5 * Math.sin(3 * x) + 0.2 * Math.cos(5 * x); }

    /** Windows starting at every point: inputs [W, 30, 1], targets [W, 10]. */
    record Windows(Tensor inputs, Tensor targets) {
        static Windows of(double[] series) {
            int w = series.length - INPUT_STEPS - HORIZON + 1;
            float[] x = new float[w * INPUT_STEPS], y = new float[w * HORIZON];
            for (int i = 0; i < w; i++) {
                for (int t = 0; t < INPUT_STEPS; t++) x[i * INPUT_STEPS + t] = (float) series[i + t];
                for (int t = 0; t < HORIZON; t++) y[i * HORIZON + t] = (float) series[i + INPUT_STEPS + t];
            }
            return new Windows(Tensor.of(x).view(w, INPUT_STEPS, 1), Tensor.of(y).view(w, HORIZON));
        }
    }

    /** @param name file prefix ("lstm_forecast") */
    public static Result run(String name, String title, Module model, int epochs, Path out) throws Exception {
        long start = System.nanoTime();
        double[] series = new double[POINTS];
        for (int i = 0; i < POINTS; i++) series[i] = signal(i * STEP);
        Windows all = Windows.of(series);
        int windows = (int) all.inputs().size(0), train = (int) Math.round(windows * 0.8);
        Tensor trainX = all.inputs().narrow(0, 0, train), trainY = all.targets().narrow(0, 0, train);
        System.out.println(model);
        System.out.printf(Locale.ROOT, "%d training windows (full batch), %d test windows%n", train, windows - train);

        var criterion = new MSELoss();
        var optimizer = new Adam(model.parameters(), 0.005);
        double[] lossCurve = new double[epochs];
        for (int epoch = 1; epoch <= epochs; epoch++) {
            model.train();
            try (var scope = Torch.scope()) {
                optimizer.zeroGrad();
                Tensor loss = criterion.forward(model.forward(trainX), trainY);
                loss.backward();
                optimizer.step();
                lossCurve[epoch - 1] = loss.item();
            }
            if (epoch == 1 || epoch % 10 == 0) {
                System.out.printf(Locale.ROOT, "epoch %3d/%d  train loss %.5f  (%.1f s)%n", epoch, epochs, lossCurve[epoch - 1], (System.nanoTime() - start) / 1e9);
            }
        }
        double finalLoss = lossCurve[epochs - 1];

        model.eval();
        double testMse, trainMseEval;
        double[] forecast = new double[POINTS];
        java.util.Arrays.fill(forecast, Double.NaN);
        int firstTestPoint = train + INPUT_STEPS; // the first value no training target contained
        try (var g = Torch.noGrad()) {
            Tensor testX = all.inputs().narrow(0, train, windows - train), testY = all.targets().narrow(0, train, windows - train);
            testMse = criterion.forward(model.forward(testX), testY).item();
            trainMseEval = criterion.forward(model.forward(trainX), trainY).item(); // without dropout's noise
            // the test stretch forecast in consecutive blocks of 10, each from the 30 true values before it
            for (int at = firstTestPoint; at + HORIZON <= POINTS; at += HORIZON) {
                double[] block = model.forward(all.inputs().narrow(0, at - INPUT_STEPS, 1)).toDoubleArray();
                System.arraycopy(block, 0, forecast, at, HORIZON);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "final train loss %.5f (%s 0.005; training mode, dropout on), train MSE in eval mode %.5f, test MSE %.5f, %.1f s%n",
                finalLoss, finalLoss <= 0.005 ? "<=" : "NOT <=", trainMseEval, testMse, seconds);

        Files.createDirectories(out);
        Path weights = out.resolve(name + ".safetensors");
        Torch.save(model.stateDict(), weights);
        int from = firstTestPoint - INPUT_STEPS, count = POINTS - from;
        double[] x = new double[count], truth = new double[count], predicted = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = (from + i) * STEP;
            truth[i] = series[from + i];
            predicted[i] = forecast[from + i];
        }
        Map<String, double[]> lines = new LinkedHashMap<>();
        lines.put("true", truth);
        lines.put("predicted (10 steps from the previous 30)", predicted);
        Plots.lines(out.resolve(name + ".png"), String.format(Locale.ROOT, "%s on the test stretch (test MSE %.4f)", title, testMse), "x", "sin(x) + 0.5 sin(3x) + 0.2 cos(5x)", x, lines);
        Map<String, double[]> columns = new LinkedHashMap<>();
        columns.put("true", truth);
        columns.put("predicted", predicted);
        Plots.csv(out.resolve(name + ".csv"), "x", x, columns);
        double[] epochAxis = new double[epochs];
        for (int i = 0; i < epochs; i++) epochAxis[i] = i + 1;
        Plots.lines(out.resolve(name + "_loss.png"), title + " training loss (MSE, training mode)", "epoch", "loss (log scale)", epochAxis, Map.of("train loss", lossCurve), true);
        Plots.csv(out.resolve(name + "_loss.csv"), "epoch", epochAxis, Map.of("train_loss", lossCurve));
        System.out.println("saved " + weights + ", " + out.resolve(name + ".png") + ", " + out.resolve(name + ".csv") + ", " + out.resolve(name + "_loss.png"));
        return new Result(finalLoss, trainMseEval, testMse, seconds);
    }

    public static Result lstm(int epochs, Path out, long seed) throws Exception {
        Torch.manualSeed(seed);
        return run("lstm_forecast", "MultiStepLSTM", new MultiStepLSTM(64, 2, 0.2, HORIZON), epochs, out);
    }

    public static Result gru(int epochs, Path out, long seed) throws Exception {
        Torch.manualSeed(seed);
        return run("gru_forecast", "SimpleGRU", new SimpleGRU(64, 2, 0.2, HORIZON), epochs, out);
    }
}
