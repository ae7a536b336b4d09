package dev.jtorch.bindings.cudnn;

import dev.jtorch.bindings.Binder;
import dev.jtorch.bindings.NativeLibrary;
import dev.jtorch.bindings.NativeSymbol;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static dev.jtorch.bindings.CTypes.*;

/**
 * Bindings to {@code cudnn_ops.h} (libcudnn_ops.so.9): tensor, filter, pooling, activation and dropout
 * descriptors, and the non-convolution layers (pooling, activation, softmax, batch normalization, dropout).
 * Descriptor calls only touch host memory and never block, so they are critical downcalls; the layer calls
 * enqueue work on the handle's stream.
 */
public final class CudnnOps {
    private CudnnOps() {}

    /** {@code cudnnSoftmaxAlgorithm_t} */
    public static final int CUDNN_SOFTMAX_FAST = 0, CUDNN_SOFTMAX_ACCURATE = 1, CUDNN_SOFTMAX_LOG = 2;

    /** {@code cudnnSoftmaxMode_t} */
    public static final int CUDNN_SOFTMAX_MODE_INSTANCE = 0, CUDNN_SOFTMAX_MODE_CHANNEL = 1;

    /** {@code cudnnPoolingMode_t} */
    public static final int CUDNN_POOLING_MAX = 0, CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 1,
            CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 2, CUDNN_POOLING_MAX_DETERMINISTIC = 3;

    /** {@code cudnnBatchNormMode_t} */
    public static final int CUDNN_BATCHNORM_PER_ACTIVATION = 0, CUDNN_BATCHNORM_SPATIAL = 1,
            CUDNN_BATCHNORM_SPATIAL_PERSISTENT = 2;

    /** {@code cudnnDeterminism_t} */
    public static final int CUDNN_NON_DETERMINISTIC = 0, CUDNN_DETERMINISTIC = 1;

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle cudnnCreateTensorDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnCreateTensorDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t *tensorDesc)} */
    public static int cudnnCreateTensorDescriptor(MemorySegment tensorDesc) {
        try { return (int) cudnnCreateTensorDescriptor$MH.invokeExact(tensorDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetTensor4dDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnSetTensor4dDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT));

    /** {@code cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnTensorFormat_t format, cudnnDataType_t dataType, int n, int c, int h, int w)} */
    public static int cudnnSetTensor4dDescriptor(MemorySegment tensorDesc, int format, int dataType, int n, int c, int h, int w) {
        try { return (int) cudnnSetTensor4dDescriptor$MH.invokeExact(tensorDesc, format, dataType, n, c, h, w); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetTensorNdDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnSetTensorNdDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnDataType_t dataType, int nbDims, const int dimA[], const int strideA[])}
     *
     * <p>cuDNN wants at least 4 dimensions: pad smaller tensors with trailing 1s.
     */
    public static int cudnnSetTensorNdDescriptor(MemorySegment tensorDesc, int dataType, int nbDims, MemorySegment dimA, MemorySegment strideA) {
        try { return (int) cudnnSetTensorNdDescriptor$MH.invokeExact(tensorDesc, dataType, nbDims, dimA, strideA); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyTensorDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnDestroyTensorDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t tensorDesc)} */
    public static int cudnnDestroyTensorDescriptor(MemorySegment tensorDesc) {
        try { return (int) cudnnDestroyTensorDescriptor$MH.invokeExact(tensorDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetTensor$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnSetTensor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnSetTensor(cudnnHandle_t handle, const cudnnTensorDescriptor_t yDesc, void *y, const void *valuePtr)} */
    public static int cudnnSetTensor(MemorySegment handle, MemorySegment yDesc, MemorySegment y, MemorySegment valuePtr) {
        try { return (int) cudnnSetTensor$MH.invokeExact(handle, yDesc, y, valuePtr); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnAddTensor$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnAddTensor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnAddTensor(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t aDesc, const void *A, const void *beta, const cudnnTensorDescriptor_t cDesc, void *C)}
     *
     * <p>C = alpha * A + beta * C, A broadcast over C: the bias add after a convolution.
     */
    public static int cudnnAddTensor(MemorySegment handle, MemorySegment alpha, MemorySegment aDesc, MemorySegment A, MemorySegment beta, MemorySegment cDesc, MemorySegment C) {
        try { return (int) cudnnAddTensor$MH.invokeExact(handle, alpha, aDesc, A, beta, cDesc, C); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnCreateFilterDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnCreateFilterDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t *filterDesc)} */
    public static int cudnnCreateFilterDescriptor(MemorySegment filterDesc) {
        try { return (int) cudnnCreateFilterDescriptor$MH.invokeExact(filterDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetFilter4dDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnSetFilter4dDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT));

    /** {@code cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t filterDesc, cudnnDataType_t dataType, cudnnTensorFormat_t format, int k, int c, int h, int w)} */
    public static int cudnnSetFilter4dDescriptor(MemorySegment filterDesc, int dataType, int format, int k, int c, int h, int w) {
        try { return (int) cudnnSetFilter4dDescriptor$MH.invokeExact(filterDesc, dataType, format, k, c, h, w); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetFilterNdDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnSetFilterNdDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnSetFilterNdDescriptor(cudnnFilterDescriptor_t filterDesc, cudnnDataType_t dataType, cudnnTensorFormat_t format, int nbDims, const int filterDimA[])} */
    public static int cudnnSetFilterNdDescriptor(MemorySegment filterDesc, int dataType, int format, int nbDims, MemorySegment filterDimA) {
        try { return (int) cudnnSetFilterNdDescriptor$MH.invokeExact(filterDesc, dataType, format, nbDims, filterDimA); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyFilterDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnDestroyFilterDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t filterDesc)} */
    public static int cudnnDestroyFilterDescriptor(MemorySegment filterDesc) {
        try { return (int) cudnnDestroyFilterDescriptor$MH.invokeExact(filterDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnCreatePoolingDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnCreatePoolingDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t *poolingDesc)} */
    public static int cudnnCreatePoolingDescriptor(MemorySegment poolingDesc) {
        try { return (int) cudnnCreatePoolingDescriptor$MH.invokeExact(poolingDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetPooling2dDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnSetPooling2dDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT));

    /** {@code cudnnStatus_t cudnnSetPooling2dDescriptor(cudnnPoolingDescriptor_t poolingDesc, cudnnPoolingMode_t mode, cudnnNanPropagation_t maxpoolingNanOpt, int windowHeight, int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride)} */
    public static int cudnnSetPooling2dDescriptor(MemorySegment poolingDesc, int mode, int maxpoolingNanOpt, int windowHeight, int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride) {
        try { return (int) cudnnSetPooling2dDescriptor$MH.invokeExact(poolingDesc, mode, maxpoolingNanOpt, windowHeight, windowWidth, verticalPadding, horizontalPadding, verticalStride, horizontalStride); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetPoolingNdDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnSetPoolingNdDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnSetPoolingNdDescriptor(cudnnPoolingDescriptor_t poolingDesc, const cudnnPoolingMode_t mode, const cudnnNanPropagation_t maxpoolingNanOpt, int nbDims, const int windowDimA[], const int paddingA[], const int strideA[])} */
    public static int cudnnSetPoolingNdDescriptor(MemorySegment poolingDesc, int mode, int maxpoolingNanOpt, int nbDims, MemorySegment windowDimA, MemorySegment paddingA, MemorySegment strideA) {
        try { return (int) cudnnSetPoolingNdDescriptor$MH.invokeExact(poolingDesc, mode, maxpoolingNanOpt, nbDims, windowDimA, paddingA, strideA); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyPoolingDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnDestroyPoolingDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t poolingDesc)} */
    public static int cudnnDestroyPoolingDescriptor(MemorySegment poolingDesc) {
        try { return (int) cudnnDestroyPoolingDescriptor$MH.invokeExact(poolingDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnPoolingForward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnPoolingForward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnPoolingForward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnPoolingForward(MemorySegment handle, MemorySegment poolingDesc, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try { return (int) cudnnPoolingForward$MH.invokeExact(handle, poolingDesc, alpha, xDesc, x, beta, yDesc, y); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnPoolingBackward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnPoolingBackward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnPoolingBackward(cudnnHandle_t handle, const cudnnPoolingDescriptor_t poolingDesc, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnPoolingBackward(MemorySegment handle, MemorySegment poolingDesc, MemorySegment alpha, MemorySegment yDesc, MemorySegment y, MemorySegment dyDesc, MemorySegment dy, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try { return (int) cudnnPoolingBackward$MH.invokeExact(handle, poolingDesc, alpha, yDesc, y, dyDesc, dy, xDesc, x, beta, dxDesc, dx); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnCreateActivationDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnCreateActivationDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t *activationDesc)} */
    public static int cudnnCreateActivationDescriptor(MemorySegment activationDesc) {
        try { return (int) cudnnCreateActivationDescriptor$MH.invokeExact(activationDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetActivationDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnSetActivationDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_DOUBLE));

    /** {@code cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t activationDesc, cudnnActivationMode_t mode, cudnnNanPropagation_t reluNanOpt, double coef)} */
    public static int cudnnSetActivationDescriptor(MemorySegment activationDesc, int mode, int reluNanOpt, double coef) {
        try { return (int) cudnnSetActivationDescriptor$MH.invokeExact(activationDesc, mode, reluNanOpt, coef); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyActivationDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnDestroyActivationDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t activationDesc)} */
    public static int cudnnDestroyActivationDescriptor(MemorySegment activationDesc) {
        try { return (int) cudnnDestroyActivationDescriptor$MH.invokeExact(activationDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnActivationForward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnActivationForward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnActivationForward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnActivationForward(MemorySegment handle, MemorySegment activationDesc, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try { return (int) cudnnActivationForward$MH.invokeExact(handle, activationDesc, alpha, xDesc, x, beta, yDesc, y); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnActivationBackward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnActivationBackward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnActivationBackward(cudnnHandle_t handle, cudnnActivationDescriptor_t activationDesc, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnActivationBackward(MemorySegment handle, MemorySegment activationDesc, MemorySegment alpha, MemorySegment yDesc, MemorySegment y, MemorySegment dyDesc, MemorySegment dy, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try { return (int) cudnnActivationBackward$MH.invokeExact(handle, activationDesc, alpha, yDesc, y, dyDesc, dy, xDesc, x, beta, dxDesc, dx); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSoftmaxForward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnSoftmaxForward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnSoftmaxForward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnSoftmaxForward(MemorySegment handle, int algo, int mode, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try { return (int) cudnnSoftmaxForward$MH.invokeExact(handle, algo, mode, alpha, xDesc, x, beta, yDesc, y); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSoftmaxBackward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnSoftmaxBackward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnSoftmaxBackward(cudnnHandle_t handle, cudnnSoftmaxAlgorithm_t algo, cudnnSoftmaxMode_t mode, const void *alpha, const cudnnTensorDescriptor_t yDesc, const void *y, const cudnnTensorDescriptor_t dyDesc, const void *dy, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnSoftmaxBackward(MemorySegment handle, int algo, int mode, MemorySegment alpha, MemorySegment yDesc, MemorySegment y, MemorySegment dyDesc, MemorySegment dy, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try { return (int) cudnnSoftmaxBackward$MH.invokeExact(handle, algo, mode, alpha, yDesc, y, dyDesc, dy, beta, dxDesc, dx); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDeriveBNTensorDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnDeriveBNTensorDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT));

    /** {@code cudnnStatus_t cudnnDeriveBNTensorDescriptor(cudnnTensorDescriptor_t derivedBnDesc, const cudnnTensorDescriptor_t xDesc, cudnnBatchNormMode_t mode)} */
    public static int cudnnDeriveBNTensorDescriptor(MemorySegment derivedBnDesc, MemorySegment xDesc, int mode) {
        try { return (int) cudnnDeriveBNTensorDescriptor$MH.invokeExact(derivedBnDesc, xDesc, mode); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnBatchNormalizationForwardTraining$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnBatchNormalizationForwardTraining",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_DOUBLE, C_POINTER, C_POINTER, C_DOUBLE, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnBatchNormalizationForwardTraining(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void *alpha, const void *beta, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t yDesc, void *y, const cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc, const void *bnScale, const void *bnBias, double exponentialAverageFactor, void *resultRunningMean, void *resultRunningVariance, double epsilon, void *resultSaveMean, void *resultSaveInvVariance)}
     *
     * <p>{@code exponentialAverageFactor} is PyTorch's momentum; cuDNN keeps the unbiased running variance, as PyTorch does.
     */
    public static int cudnnBatchNormalizationForwardTraining(MemorySegment handle, int mode, MemorySegment alpha, MemorySegment beta, MemorySegment xDesc, MemorySegment x, MemorySegment yDesc, MemorySegment y, MemorySegment bnScaleBiasMeanVarDesc, MemorySegment bnScale, MemorySegment bnBias, double exponentialAverageFactor, MemorySegment resultRunningMean, MemorySegment resultRunningVariance, double epsilon, MemorySegment resultSaveMean, MemorySegment resultSaveInvVariance) {
        try { return (int) cudnnBatchNormalizationForwardTraining$MH.invokeExact(handle, mode, alpha, beta, xDesc, x, yDesc, y, bnScaleBiasMeanVarDesc, bnScale, bnBias, exponentialAverageFactor, resultRunningMean, resultRunningVariance, epsilon, resultSaveMean, resultSaveInvVariance); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnBatchNormalizationForwardInference$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnBatchNormalizationForwardInference",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_DOUBLE));

    /** {@code cudnnStatus_t cudnnBatchNormalizationForwardInference(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void *alpha, const void *beta, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t yDesc, void *y, const cudnnTensorDescriptor_t bnScaleBiasMeanVarDesc, const void *bnScale, const void *bnBias, const void *estimatedMean, const void *estimatedVariance, double epsilon)} */
    public static int cudnnBatchNormalizationForwardInference(MemorySegment handle, int mode, MemorySegment alpha, MemorySegment beta, MemorySegment xDesc, MemorySegment x, MemorySegment yDesc, MemorySegment y, MemorySegment bnScaleBiasMeanVarDesc, MemorySegment bnScale, MemorySegment bnBias, MemorySegment estimatedMean, MemorySegment estimatedVariance, double epsilon) {
        try { return (int) cudnnBatchNormalizationForwardInference$MH.invokeExact(handle, mode, alpha, beta, xDesc, x, yDesc, y, bnScaleBiasMeanVarDesc, bnScale, bnBias, estimatedMean, estimatedVariance, epsilon); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnBatchNormalizationBackward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnBatchNormalizationBackward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_DOUBLE, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnBatchNormalizationBackward(cudnnHandle_t handle, cudnnBatchNormMode_t mode, const void *alphaDataDiff, const void *betaDataDiff, const void *alphaParamDiff, const void *betaParamDiff, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnTensorDescriptor_t dxDesc, void *dx, const cudnnTensorDescriptor_t dBnScaleBiasDesc, const void *bnScale, void *dBnScaleResult, void *dBnBiasResult, double epsilon, const void *savedMean, const void *savedInvVariance)} */
    public static int cudnnBatchNormalizationBackward(MemorySegment handle, int mode, MemorySegment alphaDataDiff, MemorySegment betaDataDiff, MemorySegment alphaParamDiff, MemorySegment betaParamDiff, MemorySegment xDesc, MemorySegment x, MemorySegment dyDesc, MemorySegment dy, MemorySegment dxDesc, MemorySegment dx, MemorySegment dBnScaleBiasDesc, MemorySegment bnScale, MemorySegment dBnScaleResult, MemorySegment dBnBiasResult, double epsilon, MemorySegment savedMean, MemorySegment savedInvVariance) {
        try { return (int) cudnnBatchNormalizationBackward$MH.invokeExact(handle, mode, alphaDataDiff, betaDataDiff, alphaParamDiff, betaParamDiff, xDesc, x, dyDesc, dy, dxDesc, dx, dBnScaleBiasDesc, bnScale, dBnScaleResult, dBnBiasResult, epsilon, savedMean, savedInvVariance); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnCreateDropoutDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnCreateDropoutDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreateDropoutDescriptor(cudnnDropoutDescriptor_t *dropoutDesc)} */
    public static int cudnnCreateDropoutDescriptor(MemorySegment dropoutDesc) {
        try { return (int) cudnnCreateDropoutDescriptor$MH.invokeExact(dropoutDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyDropoutDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnDestroyDropoutDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyDropoutDescriptor(cudnnDropoutDescriptor_t dropoutDesc)} */
    public static int cudnnDestroyDropoutDescriptor(MemorySegment dropoutDesc) {
        try { return (int) cudnnDestroyDropoutDescriptor$MH.invokeExact(dropoutDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDropoutGetStatesSize$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnDropoutGetStatesSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnDropoutGetStatesSize(cudnnHandle_t handle, size_t *sizeInBytes)} */
    public static int cudnnDropoutGetStatesSize(MemorySegment handle, MemorySegment sizeInBytes) {
        try { return (int) cudnnDropoutGetStatesSize$MH.invokeExact(handle, sizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDropoutGetReserveSpaceSize$MH = BINDER.bindCritical(NativeLibrary.CUDNN_OPS, "cudnnDropoutGetReserveSpaceSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnDropoutGetReserveSpaceSize(cudnnTensorDescriptor_t xdesc, size_t *sizeInBytes)} */
    public static int cudnnDropoutGetReserveSpaceSize(MemorySegment xdesc, MemorySegment sizeInBytes) {
        try { return (int) cudnnDropoutGetReserveSpaceSize$MH.invokeExact(xdesc, sizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetDropoutDescriptor$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnSetDropoutDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_FLOAT, C_POINTER, C_SIZE_T, C_LONG_LONG));

    /**
     * {@code cudnnStatus_t cudnnSetDropoutDescriptor(cudnnDropoutDescriptor_t dropoutDesc, cudnnHandle_t handle, float dropout, void *states, size_t stateSizeInBytes, unsigned long long seed)}
     *
     * <p>Not critical: with non-null {@code states} it launches a kernel that seeds the random states.
     */
    public static int cudnnSetDropoutDescriptor(MemorySegment dropoutDesc, MemorySegment handle, float dropout, MemorySegment states, long stateSizeInBytes, long seed) {
        try { return (int) cudnnSetDropoutDescriptor$MH.invokeExact(dropoutDesc, handle, dropout, states, stateSizeInBytes, seed); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDropoutForward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnDropoutForward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T));

    /** {@code cudnnStatus_t cudnnDropoutForward(cudnnHandle_t handle, const cudnnDropoutDescriptor_t dropoutDesc, const cudnnTensorDescriptor_t xdesc, const void *x, const cudnnTensorDescriptor_t ydesc, void *y, void *reserveSpace, size_t reserveSpaceSizeInBytes)} */
    public static int cudnnDropoutForward(MemorySegment handle, MemorySegment dropoutDesc, MemorySegment xdesc, MemorySegment x, MemorySegment ydesc, MemorySegment y, MemorySegment reserveSpace, long reserveSpaceSizeInBytes) {
        try { return (int) cudnnDropoutForward$MH.invokeExact(handle, dropoutDesc, xdesc, x, ydesc, y, reserveSpace, reserveSpaceSizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDropoutBackward$MH = BINDER.bind(NativeLibrary.CUDNN_OPS, "cudnnDropoutBackward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T));

    /** {@code cudnnStatus_t cudnnDropoutBackward(cudnnHandle_t handle, const cudnnDropoutDescriptor_t dropoutDesc, const cudnnTensorDescriptor_t dydesc, const void *dy, const cudnnTensorDescriptor_t dxdesc, void *dx, void *reserveSpace, size_t reserveSpaceSizeInBytes)} */
    public static int cudnnDropoutBackward(MemorySegment handle, MemorySegment dropoutDesc, MemorySegment dydesc, MemorySegment dy, MemorySegment dxdesc, MemorySegment dx, MemorySegment reserveSpace, long reserveSpaceSizeInBytes) {
        try { return (int) cudnnDropoutBackward$MH.invokeExact(handle, dropoutDesc, dydesc, dy, dxdesc, dx, reserveSpace, reserveSpaceSizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
