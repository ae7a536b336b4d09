package dev.jtorch.tensor;

/** Elementwise primitives of one operand; the output has the input's dtype ({@code LOGICAL_NOT}: bool). */
public enum UnaryOp { NEG, ABS, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID, RELU, ERF, SIGN, LOGICAL_NOT }
