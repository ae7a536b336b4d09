package dev.jtorch.bindings.nvrtc;

import dev.jtorch.bindings.NativeStatusException;

/** An NVRTC call failed; for a failed compilation the message carries the compiler's log. */
public final class NvrtcException extends NativeStatusException {
    public NvrtcException(int status, String call, String log) {
        super(status, Nvrtc.errorName(status), call, log == null ? null : log.strip());
    }
}
