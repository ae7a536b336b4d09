package dev.jtorch.data;

import dev.jtorch.tensor.Tensor;

/** One (input, target) item of a supervised dataset, such as an image and its class label. */
public record Sample(Tensor input, Tensor target) {}
