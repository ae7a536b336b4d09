package dev.jtorch.tensor;

/** Reductions over some dimensions; {@code MAX} and {@code MIN} also come with indices (argReduce). */
public enum ReduceOp { SUM, PROD, MAX, MIN }
