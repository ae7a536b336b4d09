package dev.jtorch.bindings.cuda;

import dev.jtorch.bindings.cublas.CublasException;
import dev.jtorch.bindings.cudnn.CudnnException;
import dev.jtorch.bindings.cudnn.CudnnStatus;
import dev.jtorch.bindings.nvrtc.NvrtcException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status codes become exceptions with the header's names, whether or not the library is installed. */
class StatusNamesTest {
    @Test void cudaNamesComeFromTheHeaderTable() {
        assertEquals("cudaSuccess", CudaErrorNames.of(0));
        assertEquals("cudaErrorMemoryAllocation", CudaErrorNames.of(2));
        assertEquals("cudaErrorInsufficientDriver", CudaErrorNames.of(35));
        assertEquals("cudaErrorNoDevice", CudaErrorNames.of(100));
        assertEquals("cudaErrorUnknown", CudaErrorNames.of(999));
        assertEquals("CUDA_ERROR_NO_DEVICE", CuResultNames.of(100));
        assertEquals("CUDA_ERROR_INVALID_PTX", CuResultNames.of(218));
    }

    @Test void cudaExceptionNamesStatusAndCall() {
        var e = assertThrows(CudaException.class, () -> CudaRuntime.check(CudaRuntime.cudaErrorMemoryAllocation, "cudaMalloc"));
        assertEquals(2, e.status());
        assertEquals("cudaErrorMemoryAllocation", e.statusName());
        assertEquals("cudaMalloc", e.call());
        assertTrue(e.getMessage().startsWith("cudaMalloc failed: cudaErrorMemoryAllocation (2)"), e.getMessage());
        assertDoesNotThrow(() -> CudaRuntime.check(CudaRuntime.cudaSuccess, "cudaMalloc"));
    }

    @Test void driverExceptionNamesStatus() {
        var e = assertThrows(CuException.class, () -> CudaDriver.check(CudaDriver.CUDA_ERROR_NO_DEVICE, "cuInit"));
        assertEquals("CUDA_ERROR_NO_DEVICE", e.statusName());
        assertTrue(e.getMessage().startsWith("cuInit failed: CUDA_ERROR_NO_DEVICE (100)"), e.getMessage());
    }

    @Test void cublasCudnnAndNvrtcNamesAreKnownWithoutTheirLibraries() {
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", new CublasException(7, "cublasSgemm_v2").statusName());
        assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", new CublasException(15, "cublasGemmEx").statusName());
        assertEquals("CUDNN_STATUS_BAD_PARAM", new CudnnException(CudnnStatus.CUDNN_STATUS_BAD_PARAM, "cudnnConvolutionForward").statusName());
        assertEquals("CUDNN_STATUS_NOT_SUPPORTED_SHAPE", new CudnnException(3002, "cudnnFindConvolutionForwardAlgorithm").statusName());
        var nvrtc = new NvrtcException(6, "nvrtcCompileProgram", "kernel.cu(3): error: identifier \"x\" is undefined\n");
        assertEquals("NVRTC_ERROR_COMPILATION", nvrtc.statusName());
        assertTrue(nvrtc.getMessage().endsWith("error: identifier \"x\" is undefined"), nvrtc.getMessage());
    }

    @Test void unknownCodesStillGetAName() {
        assertEquals("cublasStatus(12345)", new CublasException(12345, "cublasCreate_v2").statusName());
        assertEquals("cudnnStatus(7777)", new CudnnException(7777, "cudnnCreate").statusName());
        assertEquals("cudaError(12345)", new CudaException(12345, "cudaMalloc").statusName());
        assertEquals("CUresult(12345)", new CuException(12345, "cuInit").statusName());
        assertEquals("nvrtcResult(12345)", new NvrtcException(12345, "nvrtcCompileProgram", null).statusName());
    }
}
