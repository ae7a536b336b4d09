package dev.jtorch.bindings.cuda;

import dev.jtorch.bindings.NativeStatusException;

/** A CUDA driver call returned an error: {@code cuModuleLoadData failed: CUDA_ERROR_INVALID_PTX (218): ...}. */
public final class CuException extends NativeStatusException {
    public CuException(int status, String call) {
        super(status, CudaDriver.errorName(status), call, CudaDriver.errorDescription(status));
    }
}
