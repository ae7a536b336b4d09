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
 * Bindings to {@code cudnn_cnn.h} (libcudnn_cnn.so.9): convolution descriptors, algorithm search and the
 * three convolution passes plus the bias gradient. The {@code Find} functions run every algorithm on the GPU
 * (slow, once per shape); the {@code _v7} getters only ask cuDNN's heuristics. Results are
 * {@link CudnnAlgoPerf} structs.
 */
public final class CudnnCnn {
    private CudnnCnn() {}

    /** {@code cudnnConvolutionFwdAlgo_t} */
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1,
            CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2, CUDNN_CONVOLUTION_FWD_ALGO_DIRECT = 3, CUDNN_CONVOLUTION_FWD_ALGO_FFT = 4,
            CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING = 5, CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD = 6,
            CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED = 7, CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8;

    /** {@code cudnnConvolutionBwdDataAlgo_t} */
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0, CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1,
            CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT = 2, CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING = 3,
            CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD = 4, CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED = 5,
            CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6;

    /** {@code cudnnConvolutionBwdFilterAlgo_t} */
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1,
            CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT = 2, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 = 3,
            CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD = 4, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED = 5,
            CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING = 6, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7;

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle cudnnCreateConvolutionDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_CNN, "cudnnCreateConvolutionDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t *convDesc)} */
    public static int cudnnCreateConvolutionDescriptor(MemorySegment convDesc) {
        try { return (int) cudnnCreateConvolutionDescriptor$MH.invokeExact(convDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyConvolutionDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_CNN, "cudnnDestroyConvolutionDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t convDesc)} */
    public static int cudnnDestroyConvolutionDescriptor(MemorySegment convDesc) {
        try { return (int) cudnnDestroyConvolutionDescriptor$MH.invokeExact(convDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetConvolution2dDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_CNN, "cudnnSetConvolution2dDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT));

    /** {@code cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t convDesc, int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, cudnnConvolutionMode_t mode, cudnnDataType_t computeType)} */
    public static int cudnnSetConvolution2dDescriptor(MemorySegment convDesc, int pad_h, int pad_w, int u, int v, int dilation_h, int dilation_w, int mode, int computeType) {
        try { return (int) cudnnSetConvolution2dDescriptor$MH.invokeExact(convDesc, pad_h, pad_w, u, v, dilation_h, dilation_w, mode, computeType); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetConvolutionNdDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_CNN, "cudnnSetConvolutionNdDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_INT));

    /** {@code cudnnStatus_t cudnnSetConvolutionNdDescriptor(cudnnConvolutionDescriptor_t convDesc, int arrayLength, const int padA[], const int filterStrideA[], const int dilationA[], cudnnConvolutionMode_t mode, cudnnDataType_t computeType)} */
    public static int cudnnSetConvolutionNdDescriptor(MemorySegment convDesc, int arrayLength, MemorySegment padA, MemorySegment filterStrideA, MemorySegment dilationA, int mode, int computeType) {
        try { return (int) cudnnSetConvolutionNdDescriptor$MH.invokeExact(convDesc, arrayLength, padA, filterStrideA, dilationA, mode, computeType); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetConvolutionMathType$MH = BINDER.bindCritical(NativeLibrary.CUDNN_CNN, "cudnnSetConvolutionMathType",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** {@code cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t convDesc, cudnnMathType_t mathType)} */
    public static int cudnnSetConvolutionMathType(MemorySegment convDesc, int mathType) {
        try { return (int) cudnnSetConvolutionMathType$MH.invokeExact(convDesc, mathType); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetConvolutionGroupCount$MH = BINDER.bindCritical(NativeLibrary.CUDNN_CNN, "cudnnSetConvolutionGroupCount",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT));

    /** {@code cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t convDesc, int groupCount)} */
    public static int cudnnSetConvolutionGroupCount(MemorySegment convDesc, int groupCount) {
        try { return (int) cudnnSetConvolutionGroupCount$MH.invokeExact(convDesc, groupCount); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionNdForwardOutputDim$MH = BINDER.bindCritical(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionNdForwardOutputDim",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetConvolutionNdForwardOutputDim(const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t inputTensorDesc, const cudnnFilterDescriptor_t filterDesc, int nbDims, int tensorOuputDimA[])} */
    public static int cudnnGetConvolutionNdForwardOutputDim(MemorySegment convDesc, MemorySegment inputTensorDesc, MemorySegment filterDesc, int nbDims, MemorySegment tensorOuputDimA) {
        try { return (int) cudnnGetConvolutionNdForwardOutputDim$MH.invokeExact(convDesc, inputTensorDesc, filterDesc, nbDims, tensorOuputDimA); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionForwardAlgorithmMaxCount$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionForwardAlgorithmMaxCount",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetConvolutionForwardAlgorithmMaxCount(cudnnHandle_t handle, int *count)} */
    public static int cudnnGetConvolutionForwardAlgorithmMaxCount(MemorySegment handle, MemorySegment count) {
        try { return (int) cudnnGetConvolutionForwardAlgorithmMaxCount$MH.invokeExact(handle, count); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionForwardAlgorithm_v7$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionForwardAlgorithm_v7",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc, const cudnnFilterDescriptor_t filterDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t destDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults)}
     *
     * <p>{@code perfResults}: an array of {@code requestedAlgoCount} {@link CudnnAlgoPerf#LAYOUT} structs, best first.
     */
    public static int cudnnGetConvolutionForwardAlgorithm_v7(MemorySegment handle, MemorySegment srcDesc, MemorySegment filterDesc, MemorySegment convDesc, MemorySegment destDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try { return (int) cudnnGetConvolutionForwardAlgorithm_v7$MH.invokeExact(handle, srcDesc, filterDesc, convDesc, destDesc, requestedAlgoCount, returnedAlgoCount, perfResults); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnFindConvolutionForwardAlgorithm$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnFindConvolutionForwardAlgorithm",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults)}
     *
     * <p>{@code perfResults}: an array of {@code requestedAlgoCount} {@link CudnnAlgoPerf#LAYOUT} structs, best first.
     * <p>Allocates and runs on the GPU; synchronizes.
     */
    public static int cudnnFindConvolutionForwardAlgorithm(MemorySegment handle, MemorySegment xDesc, MemorySegment wDesc, MemorySegment convDesc, MemorySegment yDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try { return (int) cudnnFindConvolutionForwardAlgorithm$MH.invokeExact(handle, xDesc, wDesc, convDesc, yDesc, requestedAlgoCount, returnedAlgoCount, perfResults); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionForwardWorkspaceSize$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionForwardWorkspaceSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc, cudnnConvolutionFwdAlgo_t algo, size_t *sizeInBytes)} */
    public static int cudnnGetConvolutionForwardWorkspaceSize(MemorySegment handle, MemorySegment xDesc, MemorySegment wDesc, MemorySegment convDesc, MemorySegment yDesc, int algo, MemorySegment sizeInBytes) {
        try { return (int) cudnnGetConvolutionForwardWorkspaceSize$MH.invokeExact(handle, xDesc, wDesc, convDesc, yDesc, algo, sizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnConvolutionForward$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnConvolutionForward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_SIZE_T, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const cudnnTensorDescriptor_t yDesc, void *y)} */
    public static int cudnnConvolutionForward(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment wDesc, MemorySegment w, MemorySegment convDesc, int algo, MemorySegment workSpace, long workSpaceSizeInBytes, MemorySegment beta, MemorySegment yDesc, MemorySegment y) {
        try { return (int) cudnnConvolutionForward$MH.invokeExact(handle, alpha, xDesc, x, wDesc, w, convDesc, algo, workSpace, workSpaceSizeInBytes, beta, yDesc, y); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionBackwardDataAlgorithmMaxCount$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionBackwardDataAlgorithmMaxCount",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithmMaxCount(cudnnHandle_t handle, int *count)} */
    public static int cudnnGetConvolutionBackwardDataAlgorithmMaxCount(MemorySegment handle, MemorySegment count) {
        try { return (int) cudnnGetConvolutionBackwardDataAlgorithmMaxCount$MH.invokeExact(handle, count); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionBackwardDataAlgorithm_v7$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionBackwardDataAlgorithm_v7",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t handle, const cudnnFilterDescriptor_t filterDesc, const cudnnTensorDescriptor_t diffDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t *perfResults)}
     *
     * <p>{@code perfResults}: an array of {@code requestedAlgoCount} {@link CudnnAlgoPerf#LAYOUT} structs, best first.
     */
    public static int cudnnGetConvolutionBackwardDataAlgorithm_v7(MemorySegment handle, MemorySegment filterDesc, MemorySegment diffDesc, MemorySegment convDesc, MemorySegment gradDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try { return (int) cudnnGetConvolutionBackwardDataAlgorithm_v7$MH.invokeExact(handle, filterDesc, diffDesc, convDesc, gradDesc, requestedAlgoCount, returnedAlgoCount, perfResults); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnFindConvolutionBackwardDataAlgorithm$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnFindConvolutionBackwardDataAlgorithm",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t *perfResults)}
     *
     * <p>{@code perfResults}: an array of {@code requestedAlgoCount} {@link CudnnAlgoPerf#LAYOUT} structs, best first.
     * <p>Allocates and runs on the GPU; synchronizes.
     */
    public static int cudnnFindConvolutionBackwardDataAlgorithm(MemorySegment handle, MemorySegment wDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment dxDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try { return (int) cudnnFindConvolutionBackwardDataAlgorithm$MH.invokeExact(handle, wDesc, dyDesc, convDesc, dxDesc, requestedAlgoCount, returnedAlgoCount, perfResults); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionBackwardDataWorkspaceSize$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionBackwardDataWorkspaceSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(cudnnHandle_t handle, const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc, cudnnConvolutionBwdDataAlgo_t algo, size_t *sizeInBytes)} */
    public static int cudnnGetConvolutionBackwardDataWorkspaceSize(MemorySegment handle, MemorySegment wDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment dxDesc, int algo, MemorySegment sizeInBytes) {
        try { return (int) cudnnGetConvolutionBackwardDataWorkspaceSize$MH.invokeExact(handle, wDesc, dyDesc, convDesc, dxDesc, algo, sizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnConvolutionBackwardData$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnConvolutionBackwardData",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_SIZE_T, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void *alpha, const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdDataAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx)} */
    public static int cudnnConvolutionBackwardData(MemorySegment handle, MemorySegment alpha, MemorySegment wDesc, MemorySegment w, MemorySegment dyDesc, MemorySegment dy, MemorySegment convDesc, int algo, MemorySegment workSpace, long workSpaceSizeInBytes, MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try { return (int) cudnnConvolutionBackwardData$MH.invokeExact(handle, alpha, wDesc, w, dyDesc, dy, convDesc, algo, workSpace, workSpaceSizeInBytes, beta, dxDesc, dx); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionBackwardFilterAlgorithmMaxCount$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(cudnnHandle_t handle, int *count)} */
    public static int cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(MemorySegment handle, MemorySegment count) {
        try { return (int) cudnnGetConvolutionBackwardFilterAlgorithmMaxCount$MH.invokeExact(handle, count); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionBackwardFilterAlgorithm_v7$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionBackwardFilterAlgorithm_v7",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t handle, const cudnnTensorDescriptor_t srcDesc, const cudnnTensorDescriptor_t diffDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t *perfResults)}
     *
     * <p>{@code perfResults}: an array of {@code requestedAlgoCount} {@link CudnnAlgoPerf#LAYOUT} structs, best first.
     */
    public static int cudnnGetConvolutionBackwardFilterAlgorithm_v7(MemorySegment handle, MemorySegment srcDesc, MemorySegment diffDesc, MemorySegment convDesc, MemorySegment gradDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try { return (int) cudnnGetConvolutionBackwardFilterAlgorithm_v7$MH.invokeExact(handle, srcDesc, diffDesc, convDesc, gradDesc, requestedAlgoCount, returnedAlgoCount, perfResults); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnFindConvolutionBackwardFilterAlgorithm$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnFindConvolutionBackwardFilterAlgorithm",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc, const int requestedAlgoCount, int *returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t *perfResults)}
     *
     * <p>{@code perfResults}: an array of {@code requestedAlgoCount} {@link CudnnAlgoPerf#LAYOUT} structs, best first.
     * <p>Allocates and runs on the GPU; synchronizes.
     */
    public static int cudnnFindConvolutionBackwardFilterAlgorithm(MemorySegment handle, MemorySegment xDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment dwDesc, int requestedAlgoCount, MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        try { return (int) cudnnFindConvolutionBackwardFilterAlgorithm$MH.invokeExact(handle, xDesc, dyDesc, convDesc, dwDesc, requestedAlgoCount, returnedAlgoCount, perfResults); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetConvolutionBackwardFilterWorkspaceSize$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnGetConvolutionBackwardFilterWorkspaceSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnnHandle_t handle, const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc, const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc, cudnnConvolutionBwdFilterAlgo_t algo, size_t *sizeInBytes)} */
    public static int cudnnGetConvolutionBackwardFilterWorkspaceSize(MemorySegment handle, MemorySegment xDesc, MemorySegment dyDesc, MemorySegment convDesc, MemorySegment gradDesc, int algo, MemorySegment sizeInBytes) {
        try { return (int) cudnnGetConvolutionBackwardFilterWorkspaceSize$MH.invokeExact(handle, xDesc, dyDesc, convDesc, gradDesc, algo, sizeInBytes); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnConvolutionBackwardFilter$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnConvolutionBackwardFilter",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_SIZE_T, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc, const void *dy, const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionBwdFilterAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes, const void *beta, const cudnnFilterDescriptor_t dwDesc, void *dw)} */
    public static int cudnnConvolutionBackwardFilter(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment dyDesc, MemorySegment dy, MemorySegment convDesc, int algo, MemorySegment workSpace, long workSpaceSizeInBytes, MemorySegment beta, MemorySegment dwDesc, MemorySegment dw) {
        try { return (int) cudnnConvolutionBackwardFilter$MH.invokeExact(handle, alpha, xDesc, x, dyDesc, dy, convDesc, algo, workSpace, workSpaceSizeInBytes, beta, dwDesc, dw); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnConvolutionBackwardBias$MH = BINDER.bind(NativeLibrary.CUDNN_CNN, "cudnnConvolutionBackwardBias",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnConvolutionBackwardBias(cudnnHandle_t handle, const void *alpha, const cudnnTensorDescriptor_t dyDesc, const void *dy, const void *beta, const cudnnTensorDescriptor_t dbDesc, void *db)} */
    public static int cudnnConvolutionBackwardBias(MemorySegment handle, MemorySegment alpha, MemorySegment dyDesc, MemorySegment dy, MemorySegment beta, MemorySegment dbDesc, MemorySegment db) {
        try { return (int) cudnnConvolutionBackwardBias$MH.invokeExact(handle, alpha, dyDesc, dy, beta, dbDesc, db); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
