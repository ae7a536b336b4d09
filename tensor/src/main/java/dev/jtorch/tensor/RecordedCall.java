package dev.jtorch.tensor;

/** One backend call of a captured graph: its name (for messages and tests) and the call, bound to its tensors. */
record RecordedCall(String op, Runnable call) {}
