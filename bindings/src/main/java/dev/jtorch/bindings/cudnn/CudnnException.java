package dev.jtorch.bindings.cudnn;

import dev.jtorch.bindings.NativeStatusException;

/**
 * A cuDNN call returned an error; the message adds cuDNN's own explanation of the last error on this thread
 * ({@code cudnnGetLastErrorString}), which names the bad parameter where {@code CUDNN_STATUS_BAD_PARAM} does not.
 */
public final class CudnnException extends NativeStatusException {
    public CudnnException(int status, String call) {
        super(status, CudnnGraph.statusName(status), call, CudnnGraph.lastErrorMessage());
    }
}
