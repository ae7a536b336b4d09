package dev.jtorch.bindings.cudnn;

/**
 * {@code cudnnStatus_t} of cuDNN 9 ({@code cudnn_graph.h}): a category in the thousands (1000 uncategorized,
 * 2000 bad parameter, 3000 not supported, 4000 internal, 5000 execution failed) plus a specific code.
 * Names are here so they are known without the library.
 */
public final class CudnnStatus {
    private CudnnStatus() {}

    public static final int CUDNN_STATUS_SUCCESS = 0;
    public static final int CUDNN_STATUS_NOT_INITIALIZED = 1001;
    public static final int CUDNN_STATUS_BAD_PARAM = 2000;
    public static final int CUDNN_STATUS_BAD_PARAM_NULL_POINTER = 2002;
    public static final int CUDNN_STATUS_NOT_SUPPORTED = 3000;
    public static final int CUDNN_STATUS_INTERNAL_ERROR = 4000;
    public static final int CUDNN_STATUS_EXECUTION_FAILED = 5000;

    /** The enumerator's name, or null for a value cuDNN 9's header does not define. */
    public static String name(int status) {
        return switch (status) {
            case 0 -> "CUDNN_STATUS_SUCCESS";
            case 1001 -> "CUDNN_STATUS_NOT_INITIALIZED";
            case 1002 -> "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH";
            case 1003 -> "CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH";
            case 1004 -> "CUDNN_STATUS_DEPRECATED";
            case 1005 -> "CUDNN_STATUS_LICENSE_ERROR";
            case 1006 -> "CUDNN_STATUS_RUNTIME_IN_PROGRESS";
            case 1007 -> "CUDNN_STATUS_RUNTIME_FP_OVERFLOW";
            case 1008 -> "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED";
            case 2000 -> "CUDNN_STATUS_BAD_PARAM";
            case 2001 -> "CUDNN_STATUS_INVALID_VALUE";
            case 2002 -> "CUDNN_STATUS_BAD_PARAM_NULL_POINTER";
            case 2003 -> "CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER";
            case 2004 -> "CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED";
            case 2005 -> "CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND";
            case 2006 -> "CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT";
            case 2007 -> "CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH";
            case 2008 -> "CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH";
            case 2009 -> "CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES";
            case 2010 -> "CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE";
            case 2011 -> "CUDNN_STATUS_BAD_PARAM_CUDA_GRAPH_MISMATCH";
            case 2012 -> "CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE";
            case 3000 -> "CUDNN_STATUS_NOT_SUPPORTED";
            case 3001 -> "CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN";
            case 3002 -> "CUDNN_STATUS_NOT_SUPPORTED_SHAPE";
            case 3003 -> "CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE";
            case 3004 -> "CUDNN_STATUS_NOT_SUPPORTED_LAYOUT";
            case 3005 -> "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER";
            case 3006 -> "CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART";
            case 3007 -> "CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH";
            case 3008 -> "CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING";
            case 3009 -> "CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE";
            case 3010 -> "CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT";
            case 3011 -> "CUDNN_STATUS_NOT_SUPPORTED_PADDING";
            case 3012 -> "CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM";
            case 3013 -> "CUDNN_STATUS_NOT_SUPPORTED_CUDA_GRAPH_NATIVE_API";
            case 4000 -> "CUDNN_STATUS_INTERNAL_ERROR";
            case 4001 -> "CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED";
            case 4002 -> "CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE";
            case 4003 -> "CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED";
            case 4004 -> "CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED";
            case 4005 -> "CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM";
            case 4006 -> "CUDNN_STATUS_INTERNAL_ERROR_TEXTURE_CREATION_FAILED";
            case 5000 -> "CUDNN_STATUS_EXECUTION_FAILED";
            case 5001 -> "CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER";
            case 5002 -> "CUDNN_STATUS_EXECUTION_FAILED_CUBLAS";
            case 5003 -> "CUDNN_STATUS_EXECUTION_FAILED_CUDART";
            case 5004 -> "CUDNN_STATUS_EXECUTION_FAILED_CURAND";
            default -> null;
        };
    }
}
