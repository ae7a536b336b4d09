package dev.jtorch.bindings.cublas;

import dev.jtorch.bindings.NativeStatusException;

/** A cuBLAS call returned an error: {@code cublasSgemm_v2 failed: CUBLAS_STATUS_INVALID_VALUE (7): ...}. */
public final class CublasException extends NativeStatusException {
    public CublasException(int status, String call) {
        super(status, Cublas.statusName(status), call, Cublas.statusDescription(status));
    }
}
