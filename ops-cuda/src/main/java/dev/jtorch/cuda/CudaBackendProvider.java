package dev.jtorch.cuda;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.BackendProvider;
import dev.jtorch.tensor.Device;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA device kind's entry point, found through {@code META-INF/services}. It answers without throwing:
 * when the runtime, a GPU or a library is missing, {@link #isAvailable()} is false and
 * {@link #unavailableReason()} says in one line what was looked for and where. Otherwise it hands out one
 * {@link CudaBackend} per GPU.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Probed on first question, once per process: loading libraries and waking the driver is slow. */
    private static final class Probe {
        static final CudaProbe.Result RESULT = CudaProbe.probe();
    }

    private static final Map<Integer, CudaBackend> BACKENDS = new ConcurrentHashMap<>();

    @Override public Device.Kind kind() { return Device.Kind.CUDA; }

    @Override public boolean isAvailable() { return Probe.RESULT.found(); }

    @Override public String unavailableReason() {
        CudaProbe.Result result = Probe.RESULT;
        return result.found() ? Device.Kind.CUDA + " backend available (" + result.deviceCount() + " GPU(s))" : result.missing();
    }

    @Override public Backend backend(Device device) {
        CudaProbe.Result result = Probe.RESULT;
        if (!result.found()) throw new IllegalStateException(result.missing());
        if (device.index() >= result.deviceCount()) {
            throw new IllegalArgumentException("no device " + device + ": CUDA found " + result.deviceCount() + " GPU(s)");
        }
        return BACKENDS.computeIfAbsent(device.index(), i -> new CudaBackend(CudaDevice.of(i)));
    }
}
