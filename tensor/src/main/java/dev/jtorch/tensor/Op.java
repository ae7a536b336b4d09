package dev.jtorch.tensor;

/**
 * Every differentiable primitive {@link Tensor} records, with the attributes it records beside its inputs.
 * Everything else (mean, softmax, std, clamp, stack, ...) is composed of these, so its gradient comes free.
 * Each constant's derivative is declared once, in the autograd module's {@code Derivatives}; the switch
 * there is exhaustive, so a new constant here does not compile until its derivative exists.
 */
public enum Op {
    // elementwise, two operands broadcast to the output
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
    /** inputs a, b; attrs: cond (bool tensor). */
    WHERE,
    // elementwise, one operand
    NEG, ABS, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID, RELU, ERF,
    /** attrs: target dtype. */
    TO_DTYPE,
    CLONE,
    // reductions
    /** attrs: int[] reduced dims, boolean keepdim. */
    SUM,
    /** attrs: int[] reduced dims, boolean keepdim. */
    PROD,
    /** attrs: int dim, boolean keepdim, Tensor indices. */
    MAX_DIM,
    /** attrs: int dim, boolean keepdim, Tensor indices. */
    MIN_DIM,
    /** max over all elements; gradient split evenly between ties, as PyTorch. */
    MAX_ALL,
    MIN_ALL,
    // linear algebra
    /** inputs a [B,M,K], b [B,K,N]. */
    BMM,
    /** inputs bias [N], a [M,K], b [K,N]: a @ b + bias, a linear layer's product with its bias fused. */
    ADDMM,
    // views
    RESHAPE,
    /** attrs: int[] permutation. */
    PERMUTE,
    EXPAND,
    /** attrs: int dim, long start, long step. */
    SLICE,
    // joins and indexing
    /** attrs: int dim. */
    CAT,
    /** attrs: int dim, Tensor index. */
    INDEX_SELECT,
    /** attrs: int dim, Tensor index. */
    GATHER,
    /** inputs self, src; attrs: int dim, Tensor index. */
    SCATTER,
    // windows
    // normalisation along one dimension, fused (one kernel instead of five temporaries)
    /** attrs: int dim. */
    SOFTMAX,
    /** attrs: int dim. */
    LOG_SOFTMAX,
    /** attrs: Window2d. */
    IM2COL,
    /** inputs input [N,C,H,W], weight [O,C/groups,kH,kW] and optionally bias [O]; attrs: Window2d, int groups. */
    CONV2D,
    /** attrs: Window2d, Tensor indices. */
    MAX_POOL2D,
    /** attrs: Window2d. */
    AVG_POOL2D,
    // recurrent cells, fused (one pass over the gates instead of ~10 kernels and their temporaries)
    /** inputs inputGates [B,4H], hiddenGates [B,4H] (gate order i, f, g, o), c [B,H]; output [2,B,H]: h' then c'. */
    LSTM_CELL,
    /**
     * A whole LSTM layer in one direction: inputs inputGates [T,B,4H], weightHh [4H,H], h0 [B,H], c0 [B,H]; output
     * [2,T,B,H]: every step's h then every step's c; attrs: boolean reverse, Tensor hiddenGates [T,B,4H] (each step's
     * h W_hh^T, kept for the backward pass).
     */
    LSTM_LAYER,
    /** inputs inputGates [B,3H], hiddenGates [B,3H] (gate order r, z, n), h [B,H]; output h' [B,H]. */
    GRU_CELL
}
