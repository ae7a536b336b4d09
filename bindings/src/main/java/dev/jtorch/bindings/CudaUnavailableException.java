package dev.jtorch.bindings;

/** A CUDA library, the driver or a GPU is missing; the message is one line saying what was looked for and where. */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }

    public CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }

    private CudaUnavailableException(String reason, boolean stackTrace) {
        super(reason, null, false, stackTrace);
    }

    /** One that is thrown again and again for the same reason (a missing symbol): no stack trace to fill. */
    static CudaUnavailableException shared(String reason) {
        return new CudaUnavailableException(reason, false);
    }
}
