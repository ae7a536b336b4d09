package dev.jtorch.tensor;

/** What a random fill draws: uniform on [a, b), normal(mean a, std b), Bernoulli(p = a), integers in [a, b). */
public enum Distribution { UNIFORM, NORMAL, BERNOULLI, INTEGER }
