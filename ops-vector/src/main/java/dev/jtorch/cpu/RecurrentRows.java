package dev.jtorch.cpu;

/**
 * The vector form of one batch row of each {@link RecurrentKernels} equation, for one element type. Every
 * operand's columns are unit-stride. Each method covers the row up to its last full vector and returns how
 * many columns it did; the caller finishes the row with the plain per-element equations.
 */
interface RecurrentRows {
    /**
     * One LSTM step of row b; with {@code gates} not null, also the activated gates (sigmoid i, f, o, tanh g) to it,
     * which may be {@code hiddenGates} itself: the row's pre-activations are all read before any gate is written.
     */
    int lstm(MatrixRows inputGates, MatrixRows hiddenGates, MatrixRows c, MatrixRows hNext, MatrixRows cNext, MatrixRows gates,
             long b, int hidden);

    int lstmBackward(MatrixRows inputGates, MatrixRows hiddenGates, MatrixRows c, MatrixRows gradHNext, MatrixRows gradCNext,
                     MatrixRows gradGates, MatrixRows gradC, long b, int hidden);

    /** The gradient of one LSTM step of row b from its activated gates and c' (a layer's forward kept both). */
    int lstmBackwardFromGates(MatrixRows gates, MatrixRows c, MatrixRows cNext, MatrixRows gradHNext, MatrixRows gradCNext,
                              MatrixRows gradGates, MatrixRows gradC, long b, int hidden);

    int gru(MatrixRows inputGates, MatrixRows hiddenGates, MatrixRows h, MatrixRows hNext, long b, int hidden);

    int gruBackward(MatrixRows inputGates, MatrixRows hiddenGates, MatrixRows h, MatrixRows gradHNext,
                    MatrixRows gradInputGates, MatrixRows gradHiddenGates, MatrixRows gradH, long b, int hidden);
}
