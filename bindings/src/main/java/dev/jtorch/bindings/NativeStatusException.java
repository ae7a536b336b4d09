package dev.jtorch.bindings;

/**
 * A C call returned a failure status. The message names the call, the status's symbolic name and number,
 * and the library's description when it could give one:
 * {@code cudaMalloc failed: cudaErrorMemoryAllocation (2): out of memory}.
 */
public abstract class NativeStatusException extends RuntimeException {
    private final int status;
    private final String statusName;
    private final String call;

    protected NativeStatusException(int status, String statusName, String call, String description) {
        super(call + " failed: " + statusName + " (" + status + ")"
                + (description == null || description.isBlank() || description.equals(statusName) ? "" : ": " + description));
        this.status = status;
        this.statusName = statusName;
        this.call = call;
    }

    /** The numeric status the call returned. */
    public int status() { return status; }

    /** The status's name in the C header, e.g. {@code cudaErrorMemoryAllocation}. */
    public String statusName() { return statusName; }

    /** The C function that failed. */
    public String call() { return call; }
}
