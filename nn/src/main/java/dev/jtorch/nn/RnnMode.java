package dev.jtorch.nn;

/** Which recurrence a layer runs, and so how many gate blocks its weights stack (PyTorch's {@code mode}). */
enum RnnMode {
    RNN_TANH(1), RNN_RELU(1), LSTM(4), GRU(3);

    /** Gate blocks in {@code weight_ih}: the rows are {@code gates * hidden_size}. */
    final int gates;

    RnnMode(int gates) { this.gates = gates; }
}
