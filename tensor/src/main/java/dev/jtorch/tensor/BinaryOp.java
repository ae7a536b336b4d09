package dev.jtorch.tensor;

/** Elementwise primitives of two operands of one dtype; comparisons and logical ops write bool. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
    EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR;

    public boolean writesBool() { return ordinal() >= EQ.ordinal(); }
}
