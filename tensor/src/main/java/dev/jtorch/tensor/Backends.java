package dev.jtorch.tensor;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the backend of each device kind at run time: every {@link BackendProvider} on the class path is
 * asked once. The CPU backend is always there ({@code ops-vector}); CUDA when {@code ops-cuda} is on the
 * class path and a GPU answers.
 */
public final class Backends {
    private static final Map<Device.Kind, BackendProvider> PROVIDERS = load();

    private Backends() {}

    private static Map<Device.Kind, BackendProvider> load() {
        Map<Device.Kind, BackendProvider> m = new EnumMap<>(Device.Kind.class);
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            m.putIfAbsent(p.kind(), p);
        }
        return m;
    }

    /**
     * The backend of {@code device}; on a thread capturing a {@link CapturedGraph}, a decorator that also records
     * each call (one volatile read decides, when no thread captures).
     */
    public static Backend of(Device device) {
        BackendProvider p = PROVIDERS.get(device.kind());
        if (p == null) {
            throw new IllegalStateException(device.kind() == Device.Kind.CPU
                    ? "no CPU backend on the class path: add the jtorch-ops-vector module"
                    : "no CUDA backend on the class path: add the jtorch-ops-cuda module");
        }
        return CaptureSession.route(p.backend(device));
    }

    /** Whether a device of this kind can be used; for CUDA, whether the driver, libraries and a GPU answer. */
    public static boolean isAvailable(Device.Kind kind) {
        BackendProvider p = PROVIDERS.get(kind);
        return p != null && p.isAvailable();
    }

    /** Why a device kind cannot be used, in one line, or null when it can. */
    public static String unavailableReason(Device.Kind kind) {
        BackendProvider p = PROVIDERS.get(kind);
        if (p == null) return "no " + kind + " backend module on the class path";
        return p.isAvailable() ? null : p.unavailableReason();
    }
}
