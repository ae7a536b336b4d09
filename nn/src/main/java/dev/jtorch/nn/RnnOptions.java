package dev.jtorch.nn;

/**
 * The keyword arguments that {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU} share, with PyTorch's defaults:
 * {@code RnnOptions.defaults().numLayers(2).batchFirst(true).dropout(0.2)}.
 *
 * @param dropout probability of zeroing the outputs of every layer but the last, in training mode only
 */
public record RnnOptions(int numLayers, boolean bias, boolean batchFirst, double dropout, boolean bidirectional) {
    public RnnOptions {
        if (numLayers <= 0) throw new IllegalArgumentException("num_layers must be greater than or equal to 1, got " + numLayers);
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got " + PyRepr.floating(dropout));
        }
    }

    /** One layer, with bias, time-major, no dropout, one direction. */
    public static RnnOptions defaults() { return new RnnOptions(1, true, false, 0, false); }

    public RnnOptions numLayers(int value) { return new RnnOptions(value, bias, batchFirst, dropout, bidirectional); }
    public RnnOptions bias(boolean value) { return new RnnOptions(numLayers, value, batchFirst, dropout, bidirectional); }
    public RnnOptions batchFirst(boolean value) { return new RnnOptions(numLayers, bias, value, dropout, bidirectional); }
    public RnnOptions dropout(double value) { return new RnnOptions(numLayers, bias, batchFirst, value, bidirectional); }
    public RnnOptions bidirectional(boolean value) { return new RnnOptions(numLayers, bias, batchFirst, dropout, value); }

    int numDirections() { return bidirectional ? 2 : 1; }
}
