package dev.jtorch.bindings.cuda;

import dev.jtorch.bindings.NativeStatusException;

/** A CUDA runtime call returned an error: {@code cudaMalloc failed: cudaErrorMemoryAllocation (2): out of memory}. */
public final class CudaException extends NativeStatusException {
    public CudaException(int status, String call) {
        super(status, CudaRuntime.errorName(status), call, CudaRuntime.errorDescription(status));
    }
}
