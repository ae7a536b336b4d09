package dev.jtorch.examples.rnn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;

/**
 * The seed's SineDataset: windows of a noisy sine (step 0.1 rad, Gaussian noise), each window's next value as
 * the target. Split in time: the first windows train, the last ones test, so the test is on unseen stretch.
 *
 * @param trainX [N, seqLen, 1]  @param trainY [N, 1]  (test alike)
 */
public record SineDataset(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY) {
    public static SineDataset generate(int points, int seqLen, double noise, double trainFraction, long seed) {
        Tensor eps = Tensor.randn(new long[] {points}, DType.FLOAT64, Device.CPU, new Generator(seed));
        double[] n = eps.toDoubleArray(), series = new double[points];
        for (int i = 0; i < points; i++) series[i] = Math.sin(0.1 * i) + noise * n[i];
        int windows = points - seqLen, train = (int) Math.round(windows * trainFraction);
        float[] x = new float[windows * seqLen], y = new float[windows];
        for (int w = 0; w < windows; w++) {
            for (int t = 0; t < seqLen; t++) x[w * seqLen + t] = (float) series[w + t];
            y[w] = (float) series[w + seqLen];
        }
        Tensor all = Tensor.of(x).view(windows, seqLen, 1), target = Tensor.of(y).view(windows, 1);
        return new SineDataset(all.narrow(0, 0, train), target.narrow(0, 0, train),
                all.narrow(0, train, windows - train), target.narrow(0, train, windows - train));
    }
}
