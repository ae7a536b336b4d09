package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;

/**
 * The functional API, as {@code torch.nn.functional}: stateless operations that layers call with their
 * parameters. Int-or-tuple arguments take one value for every spatial dimension or one for all.
 */
public final class F {
    private F() {}

    // =====================================================================================================
    // Linear and convolution
    // =====================================================================================================

    /** {@code input @ weight^T + bias}; weight is [out_features, in_features], bias may be null. */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        // a batch of rows and a bias of out_features: one product with the bias added in it, as torch's addmm
        if (input.dim() == 2 && bias != null && bias.dim() == 1) return bias.addmm(input, weight.t());
        Tensor out = input.matmul(weight.t());
        return bias == null ? out : out.add(bias);
    }

    public static Tensor linear(Tensor input, Tensor weight) { return linear(input, weight, null); }

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, Padding padding, int[] dilation, int groups) {
        return Convolution.conv(2, input, weight, bias, stride, padding, dilation, groups);
    }

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv2d(input, weight, bias, stride, Padding.of(padding), dilation, groups);
    }

    /** {@code padding} is "same" or "valid". */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, String padding) {
        return conv2d(input, weight, bias, new int[] {stride}, Padding.parse(padding), new int[] {1}, 1);
    }

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(input, weight, bias, new int[] {stride}, Padding.of(padding), new int[] {1}, 1);
    }

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) { return conv2d(input, weight, bias, 1, 0); }
    public static Tensor conv2d(Tensor input, Tensor weight) { return conv2d(input, weight, null, 1, 0); }

    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, Padding padding, int dilation, int groups) {
        return Convolution.conv(1, input, weight, bias, new int[] {stride}, padding, new int[] {dilation}, groups);
    }

    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv1d(input, weight, bias, stride, Padding.of(padding), dilation, groups);
    }

    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias) { return conv1d(input, weight, bias, 1, 0, 1, 1); }
    public static Tensor conv1d(Tensor input, Tensor weight) { return conv1d(input, weight, null); }

    // =====================================================================================================
    // Pooling
    // =====================================================================================================

    /** Stride null or empty means the kernel size, as PyTorch's {@code stride=None}. */
    public static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return Pooling.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    public static Tensor maxPool2d(Tensor input, int kernelSize, int stride, int padding) {
        return maxPool2d(input, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1}, false);
    }

    public static Tensor maxPool2d(Tensor input, int kernelSize, int stride) { return maxPool2d(input, kernelSize, stride, 0); }
    public static Tensor maxPool2d(Tensor input, int kernelSize) { return maxPool2d(input, kernelSize, kernelSize, 0); }

    public static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        return Pooling.avgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad);
    }

    public static Tensor avgPool2d(Tensor input, int kernelSize, int stride, int padding) {
        return avgPool2d(input, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, false, true);
    }

    public static Tensor avgPool2d(Tensor input, int kernelSize, int stride) { return avgPool2d(input, kernelSize, stride, 0); }
    public static Tensor avgPool2d(Tensor input, int kernelSize) { return avgPool2d(input, kernelSize, kernelSize, 0); }

    /** {@code outputSize}: one size for both dimensions, or (H, W). */
    public static Tensor adaptiveAvgPool2d(Tensor input, int... outputSize) { return Pooling.adaptiveAvgPool2d(input, outputSize); }

    // =====================================================================================================
    // Normalisation and dropout
    // =====================================================================================================

    /**
     * As {@code F.batch_norm}: with {@code training}, batch statistics normalise and the running statistics
     * (when given) are updated in place; otherwise the running statistics normalise. Any of the last four
     * tensors may be null.
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return Normalization.batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Evaluation-mode batch norm with PyTorch's defaults ({@code training=False, eps=1e-5}). */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar) {
        return batchNorm(input, runningMean, runningVar, null, null, false, 0.1, 1e-5);
    }

    public static Tensor layerNorm(Tensor input, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(input, normalizedShape, weight, bias, eps);
    }

    public static Tensor layerNorm(Tensor input, long... normalizedShape) { return layerNorm(input, normalizedShape, null, null, 1e-5); }

    /**
     * Zeroes each element with probability {@code p} and scales the rest by {@code 1/(1-p)}, in training only.
     * The mask comes from the default generator, so a seeded run drops the same elements.
     */
    public static Tensor dropout(Tensor input, double p, boolean training, boolean inplace) {
        Dropout.checkProbability(p);
        if (!training || p == 0) return input;
        Tensor mask = Tensor.empty(input.shape(), input.dtype(), input.device());
        if (p == 1) mask.zero_();
        else mask.bernoulli_(1 - p).div_(1 - p);
        return inplace ? input.mul_(mask) : input.mul(mask);
    }

    /** As {@code F.dropout(input, p)}, whose {@code training} defaults to true. */
    public static Tensor dropout(Tensor input, double p, boolean training) { return dropout(input, p, training, false); }
    public static Tensor dropout(Tensor input, double p) { return dropout(input, p, true, false); }

    // =====================================================================================================
    // Activations
    // =====================================================================================================

    public static Tensor relu(Tensor input) { return input.relu(); }
    public static Tensor relu(Tensor input, boolean inplace) { return inplace ? input.relu_() : input.relu(); }

    /** {@code x} where positive, {@code negativeSlope * x} elsewhere (the slope is the gradient at 0, as PyTorch). */
    public static Tensor leakyRelu(Tensor input, double negativeSlope) {
        return Tensor.where(input.gt(0), input, input.mul(negativeSlope));
    }

    public static Tensor leakyRelu(Tensor input) { return leakyRelu(input, 0.01); }

    public static Tensor leakyRelu(Tensor input, double negativeSlope, boolean inplace) {
        Tensor out = leakyRelu(input, negativeSlope);
        return inplace ? input.copy_(out) : out;
    }

    private static final double SQRT_HALF = Math.sqrt(0.5), SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    /** Exact GELU, {@code x * Phi(x)} with the normal CDF through erf. */
    public static Tensor gelu(Tensor input) { return gelu(input, "none"); }

    /** {@code approximate}: "none" (exact, erf) or "tanh". */
    public static Tensor gelu(Tensor input, String approximate) {
        return switch (approximate) {
            case "none" -> input.mul(input.mul(SQRT_HALF).erf().add(1)).mul(0.5);
            case "tanh" -> {
                Tensor inner = input.add(input.mul(input).mul(input).mul(0.044715)).mul(SQRT_2_OVER_PI);
                yield input.mul(inner.tanh().add(1)).mul(0.5);
            }
            default -> throw new IllegalArgumentException("approximate argument must be either none or tanh, got '" + approximate + "'");
        };
    }

    public static Tensor sigmoid(Tensor input) { return input.sigmoid(); }
    public static Tensor tanh(Tensor input) { return input.tanh(); }

    /** Softmax along {@code dim}, shifted by the maximum so large inputs do not overflow; one fused primitive. */
    public static Tensor softmax(Tensor input, int dim) { return input.softmax(dim); }

    /** {@code x - logsumexp(x)} along {@code dim}: stable where log(softmax) would underflow to -inf; one fused primitive. */
    public static Tensor logSoftmax(Tensor input, int dim) { return input.logSoftmax(dim); }

    // =====================================================================================================
    // Shape
    // =====================================================================================================

    public static Tensor flatten(Tensor input, int startDim, int endDim) { return input.flatten(startDim, endDim); }
    public static Tensor flatten(Tensor input) { return input.flatten(0, -1); }

    // =====================================================================================================
    // Loss functions: the implementations live in Losses, these are torch.nn.functional's names for them
    // =====================================================================================================

    public static Tensor mseLoss(Tensor input, Tensor target) { return Losses.mseLoss(input, target); }
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) { return Losses.mseLoss(input, target, reduction); }
    public static Tensor l1Loss(Tensor input, Tensor target) { return Losses.l1Loss(input, target); }
    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) { return Losses.smoothL1Loss(input, target, reduction, beta); }
    public static Tensor huberLoss(Tensor input, Tensor target, Reduction reduction, double delta) { return Losses.huberLoss(input, target, reduction, delta); }
    public static Tensor crossEntropy(Tensor input, Tensor target) { return Losses.crossEntropy(input, target); }
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction, double labelSmoothing) {
        return Losses.crossEntropy(input, target, weight, ignoreIndex, reduction, labelSmoothing);
    }
    public static Tensor nllLoss(Tensor input, Tensor target) { return Losses.nllLoss(input, target); }
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) { return Losses.binaryCrossEntropy(input, target); }
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) { return Losses.binaryCrossEntropyWithLogits(input, target); }
    public static Tensor klDiv(Tensor input, Tensor target, Reduction reduction, boolean logTarget) { return Losses.klDiv(input, target, reduction, logTarget); }
}
