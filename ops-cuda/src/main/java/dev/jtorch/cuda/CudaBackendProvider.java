package dev.jtorch.cuda;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.BackendProvider;
import dev.jtorch.tensor.Device;

/**
 * The CUDA device kind's entry point, found through {@code META-INF/services}. It answers without throwing:
 * when the runtime, a GPU or a library is missing, {@link #isAvailable()} is false and
 * {@link #unavailableReason()} says in one line what was looked for and where.
 *
 * <p>The CUDA backend's ops are not written yet, so even with a GPU and every library present the kind is
 * reported unavailable, with that as the reason, rather than handing out a backend that cannot compute.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Probed on first question, once per process: loading libraries and waking the driver is slow. */
    private static final class Probe {
        static final CudaProbe.Result RESULT = CudaProbe.probe();
    }

    @Override public Device.Kind kind() { return Device.Kind.CUDA; }

    @Override public boolean isAvailable() { return reason() == null; }

    @Override public String unavailableReason() {
        String reason = reason();
        return reason == null ? Device.Kind.CUDA + " backend available" : reason;
    }

    @Override public Backend backend(Device device) {
        String reason = reason();
        throw new IllegalStateException(reason != null ? reason : "CUDA backend for " + device + " not implemented");
    }

    private static String reason() {
        CudaProbe.Result result = Probe.RESULT;
        if (!result.found()) return result.missing();
        return "CUDA backend ops are not implemented yet (found " + result.deviceCount() + " GPU(s), the runtime and every library)";
    }
}
