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
 * Bindings to the RNN part of {@code cudnn_adv.h} (libcudnn_adv.so.9), the v8 API: one RNN descriptor, RNN
 * data descriptors for the sequences, one weight space holding every layer's matrices and biases (located with
 * {@code cudnnGetRNNWeightParams}), and forward / backward-data / backward-weights passes.
 * LSTM gate order in the weight space is i, f, g, o (linear layer ids 0-3 input, 4-7 recurrent), as PyTorch's.
 */
public final class CudnnAdv {
    private CudnnAdv() {}

    /** {@code cudnnRNNAlgo_t} */
    public static final int CUDNN_RNN_ALGO_STANDARD = 0, CUDNN_RNN_ALGO_PERSIST_STATIC = 1,
            CUDNN_RNN_ALGO_PERSIST_DYNAMIC = 2, CUDNN_RNN_ALGO_PERSIST_STATIC_SMALL_H = 3;

    /** {@code cudnnForwardMode_t} */
    public static final int CUDNN_FWD_MODE_INFERENCE = 0, CUDNN_FWD_MODE_TRAINING = 1;

    /** {@code cudnnRNNMode_t} */
    public static final int CUDNN_RNN_RELU = 0, CUDNN_RNN_TANH = 1, CUDNN_LSTM = 2, CUDNN_GRU = 3;

    /** {@code cudnnRNNBiasMode_t}: PyTorch's layers have two bias vectors. */
    public static final int CUDNN_RNN_NO_BIAS = 0, CUDNN_RNN_SINGLE_INP_BIAS = 1, CUDNN_RNN_DOUBLE_BIAS = 2,
            CUDNN_RNN_SINGLE_REC_BIAS = 3;

    /** {@code cudnnDirectionMode_t} */
    public static final int CUDNN_UNIDIRECTIONAL = 0, CUDNN_BIDIRECTIONAL = 1;

    /** {@code cudnnRNNInputMode_t} */
    public static final int CUDNN_LINEAR_INPUT = 0, CUDNN_SKIP_INPUT = 1;

    /** {@code cudnnRNNDataLayout_t} */
    public static final int CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED = 0, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED = 1,
            CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED = 2;

    /** {@code cudnnWgradMode_t} */
    public static final int CUDNN_WGRAD_MODE_ADD = 0, CUDNN_WGRAD_MODE_SET = 1;

    /** {@code auxFlags} of {@code cudnnSetRNNDescriptor_v8}. */
    public static final int CUDNN_RNN_PADDED_IO_DISABLED = 0, CUDNN_RNN_PADDED_IO_ENABLED = 1;

    // ---- bound functions: one handle per C function, made when this class initializes ----

    private static final Binder BINDER = new Binder();

    /** The C functions this class binds, each with the library that must export it. */
    public static List<NativeSymbol> symbols() { return BINDER.symbols(); }

    private static final MethodHandle cudnnCreateRNNDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_ADV, "cudnnCreateRNNDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreateRNNDescriptor(cudnnRNNDescriptor_t *rnnDesc)} */
    public static int cudnnCreateRNNDescriptor(MemorySegment rnnDesc) {
        try { return (int) cudnnCreateRNNDescriptor$MH.invokeExact(rnnDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyRNNDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_ADV, "cudnnDestroyRNNDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyRNNDescriptor(cudnnRNNDescriptor_t rnnDesc)} */
    public static int cudnnDestroyRNNDescriptor(MemorySegment rnnDesc) {
        try { return (int) cudnnDestroyRNNDescriptor$MH.invokeExact(rnnDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetRNNDescriptor_v8$MH = BINDER.bindCritical(NativeLibrary.CUDNN_ADV, "cudnnSetRNNDescriptor_v8",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_INT));

    /** {@code cudnnStatus_t cudnnSetRNNDescriptor_v8(cudnnRNNDescriptor_t rnnDesc, cudnnRNNAlgo_t algo, cudnnRNNMode_t cellMode, cudnnRNNBiasMode_t biasMode, cudnnDirectionMode_t dirMode, cudnnRNNInputMode_t inputMode, cudnnDataType_t dataType, cudnnDataType_t mathPrec, cudnnMathType_t mathType, int32_t inputSize, int32_t hiddenSize, int32_t projSize, int32_t numLayers, cudnnDropoutDescriptor_t dropoutDesc, uint32_t auxFlags)} */
    public static int cudnnSetRNNDescriptor_v8(MemorySegment rnnDesc, int algo, int cellMode, int biasMode, int dirMode, int inputMode, int dataType, int mathPrec, int mathType, int inputSize, int hiddenSize, int projSize, int numLayers, MemorySegment dropoutDesc, int auxFlags) {
        try { return (int) cudnnSetRNNDescriptor_v8$MH.invokeExact(rnnDesc, algo, cellMode, biasMode, dirMode, inputMode, dataType, mathPrec, mathType, inputSize, hiddenSize, projSize, numLayers, dropoutDesc, auxFlags); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnCreateRNNDataDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_ADV, "cudnnCreateRNNDataDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnCreateRNNDataDescriptor(cudnnRNNDataDescriptor_t *rnnDataDesc)} */
    public static int cudnnCreateRNNDataDescriptor(MemorySegment rnnDataDesc) {
        try { return (int) cudnnCreateRNNDataDescriptor$MH.invokeExact(rnnDataDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnDestroyRNNDataDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_ADV, "cudnnDestroyRNNDataDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER));

    /** {@code cudnnStatus_t cudnnDestroyRNNDataDescriptor(cudnnRNNDataDescriptor_t rnnDataDesc)} */
    public static int cudnnDestroyRNNDataDescriptor(MemorySegment rnnDataDesc) {
        try { return (int) cudnnDestroyRNNDataDescriptor$MH.invokeExact(rnnDataDesc); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnSetRNNDataDescriptor$MH = BINDER.bindCritical(NativeLibrary.CUDNN_ADV, "cudnnSetRNNDataDescriptor",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnSetRNNDataDescriptor(cudnnRNNDataDescriptor_t rnnDataDesc, cudnnDataType_t dataType, cudnnRNNDataLayout_t layout, int maxSeqLength, int batchSize, int vectorSize, const int seqLengthArray[], void *paddingFill)}
     *
     * <p>{@code seqLengthArray} is host memory here; {@code cudnnRNNForward}'s {@code devSeqLengths} is the same array in device memory.
     */
    public static int cudnnSetRNNDataDescriptor(MemorySegment rnnDataDesc, int dataType, int layout, int maxSeqLength, int batchSize, int vectorSize, MemorySegment seqLengthArray, MemorySegment paddingFill) {
        try { return (int) cudnnSetRNNDataDescriptor$MH.invokeExact(rnnDataDesc, dataType, layout, maxSeqLength, batchSize, vectorSize, seqLengthArray, paddingFill); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetRNNWeightSpaceSize$MH = BINDER.bind(NativeLibrary.CUDNN_ADV, "cudnnGetRNNWeightSpaceSize",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetRNNWeightSpaceSize(cudnnHandle_t handle, cudnnRNNDescriptor_t rnnDesc, size_t *weightSpaceSize)} */
    public static int cudnnGetRNNWeightSpaceSize(MemorySegment handle, MemorySegment rnnDesc, MemorySegment weightSpaceSize) {
        try { return (int) cudnnGetRNNWeightSpaceSize$MH.invokeExact(handle, rnnDesc, weightSpaceSize); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetRNNTempSpaceSizes$MH = BINDER.bind(NativeLibrary.CUDNN_ADV, "cudnnGetRNNTempSpaceSizes",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER));

    /** {@code cudnnStatus_t cudnnGetRNNTempSpaceSizes(cudnnHandle_t handle, cudnnRNNDescriptor_t rnnDesc, cudnnForwardMode_t fwdMode, cudnnRNNDataDescriptor_t xDesc, size_t *workSpaceSize, size_t *reserveSpaceSize)} */
    public static int cudnnGetRNNTempSpaceSizes(MemorySegment handle, MemorySegment rnnDesc, int fwdMode, MemorySegment xDesc, MemorySegment workSpaceSize, MemorySegment reserveSpaceSize) {
        try { return (int) cudnnGetRNNTempSpaceSizes$MH.invokeExact(handle, rnnDesc, fwdMode, xDesc, workSpaceSize, reserveSpaceSize); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnGetRNNWeightParams$MH = BINDER.bind(NativeLibrary.CUDNN_ADV, "cudnnGetRNNWeightParams",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_SIZE_T, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER));

    /**
     * {@code cudnnStatus_t cudnnGetRNNWeightParams(cudnnHandle_t handle, cudnnRNNDescriptor_t rnnDesc, int32_t pseudoLayer, size_t weightSpaceSize, const void *weightSpace, int32_t linLayerID, cudnnTensorDescriptor_t mDesc, void **mAddr, cudnnTensorDescriptor_t bDesc, void **bAddr)}
     *
     * <p>Writes device addresses inside {@code weightSpace} to {@code mAddr}/{@code bAddr}; no GPU work.
     */
    public static int cudnnGetRNNWeightParams(MemorySegment handle, MemorySegment rnnDesc, int pseudoLayer, long weightSpaceSize, MemorySegment weightSpace, int linLayerID, MemorySegment mDesc, MemorySegment mAddr, MemorySegment bDesc, MemorySegment bAddr) {
        try { return (int) cudnnGetRNNWeightParams$MH.invokeExact(handle, rnnDesc, pseudoLayer, weightSpaceSize, weightSpace, linLayerID, mDesc, mAddr, bDesc, bAddr); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnRNNForward$MH = BINDER.bind(NativeLibrary.CUDNN_ADV, "cudnnRNNForward",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T, C_POINTER, C_SIZE_T, C_POINTER, C_SIZE_T, C_POINTER));

    /** {@code cudnnStatus_t cudnnRNNForward(cudnnHandle_t handle, cudnnRNNDescriptor_t rnnDesc, cudnnForwardMode_t fwdMode, const int32_t devSeqLengths[], cudnnRNNDataDescriptor_t xDesc, const void *x, cudnnRNNDataDescriptor_t yDesc, void *y, cudnnTensorDescriptor_t hDesc, const void *hx, void *hy, cudnnTensorDescriptor_t cDesc, const void *cx, void *cy, size_t weightSpaceSize, const void *weightSpace, size_t workSpaceSize, void *workSpace, size_t reserveSpaceSize, void *reserveSpace)} */
    public static int cudnnRNNForward(MemorySegment handle, MemorySegment rnnDesc, int fwdMode, MemorySegment devSeqLengths, MemorySegment xDesc, MemorySegment x, MemorySegment yDesc, MemorySegment y, MemorySegment hDesc, MemorySegment hx, MemorySegment hy, MemorySegment cDesc, MemorySegment cx, MemorySegment cy, long weightSpaceSize, MemorySegment weightSpace, long workSpaceSize, MemorySegment workSpace, long reserveSpaceSize, MemorySegment reserveSpace) {
        try { return (int) cudnnRNNForward$MH.invokeExact(handle, rnnDesc, fwdMode, devSeqLengths, xDesc, x, yDesc, y, hDesc, hx, hy, cDesc, cx, cy, weightSpaceSize, weightSpace, workSpaceSize, workSpace, reserveSpaceSize, reserveSpace); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnRNNBackwardData_v8$MH = BINDER.bind(NativeLibrary.CUDNN_ADV, "cudnnRNNBackwardData_v8",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T, C_POINTER, C_SIZE_T, C_POINTER, C_SIZE_T, C_POINTER));

    /** {@code cudnnStatus_t cudnnRNNBackwardData_v8(cudnnHandle_t handle, cudnnRNNDescriptor_t rnnDesc, const int32_t devSeqLengths[], cudnnRNNDataDescriptor_t yDesc, const void *y, const void *dy, cudnnRNNDataDescriptor_t xDesc, void *dx, cudnnTensorDescriptor_t hDesc, const void *hx, const void *dhy, void *dhx, cudnnTensorDescriptor_t cDesc, const void *cx, const void *dcy, void *dcx, size_t weightSpaceSize, const void *weightSpace, size_t workSpaceSize, void *workSpace, size_t reserveSpaceSize, void *reserveSpace)} */
    public static int cudnnRNNBackwardData_v8(MemorySegment handle, MemorySegment rnnDesc, MemorySegment devSeqLengths, MemorySegment yDesc, MemorySegment y, MemorySegment dy, MemorySegment xDesc, MemorySegment dx, MemorySegment hDesc, MemorySegment hx, MemorySegment dhy, MemorySegment dhx, MemorySegment cDesc, MemorySegment cx, MemorySegment dcy, MemorySegment dcx, long weightSpaceSize, MemorySegment weightSpace, long workSpaceSize, MemorySegment workSpace, long reserveSpaceSize, MemorySegment reserveSpace) {
        try { return (int) cudnnRNNBackwardData_v8$MH.invokeExact(handle, rnnDesc, devSeqLengths, yDesc, y, dy, xDesc, dx, hDesc, hx, dhy, dhx, cDesc, cx, dcy, dcx, weightSpaceSize, weightSpace, workSpaceSize, workSpace, reserveSpaceSize, reserveSpace); } catch (Throwable t) { throw Binder.rethrow(t); }
    }

    private static final MethodHandle cudnnRNNBackwardWeights_v8$MH = BINDER.bind(NativeLibrary.CUDNN_ADV, "cudnnRNNBackwardWeights_v8",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_SIZE_T, C_POINTER, C_SIZE_T, C_POINTER, C_SIZE_T, C_POINTER));

    /** {@code cudnnStatus_t cudnnRNNBackwardWeights_v8(cudnnHandle_t handle, cudnnRNNDescriptor_t rnnDesc, cudnnWgradMode_t addGrad, const int32_t devSeqLengths[], cudnnRNNDataDescriptor_t xDesc, const void *x, cudnnTensorDescriptor_t hDesc, const void *hx, cudnnRNNDataDescriptor_t yDesc, const void *y, size_t weightSpaceSize, void *dweightSpace, size_t workSpaceSize, void *workSpace, size_t reserveSpaceSize, void *reserveSpace)} */
    public static int cudnnRNNBackwardWeights_v8(MemorySegment handle, MemorySegment rnnDesc, int addGrad, MemorySegment devSeqLengths, MemorySegment xDesc, MemorySegment x, MemorySegment hDesc, MemorySegment hx, MemorySegment yDesc, MemorySegment y, long weightSpaceSize, MemorySegment dweightSpace, long workSpaceSize, MemorySegment workSpace, long reserveSpaceSize, MemorySegment reserveSpace) {
        try { return (int) cudnnRNNBackwardWeights_v8$MH.invokeExact(handle, rnnDesc, addGrad, devSeqLengths, xDesc, x, hDesc, hx, yDesc, y, weightSpaceSize, dweightSpace, workSpaceSize, workSpace, reserveSpaceSize, reserveSpace); } catch (Throwable t) { throw Binder.rethrow(t); }
    }
}
