package dev.jtorch.cpu;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.BackendProvider;
import dev.jtorch.tensor.Device;

/** Registers the CPU backend with {@link dev.jtorch.tensor.Backends}; the CPU is always available. */
public final class CpuBackendProvider implements BackendProvider {
    @Override public Device.Kind kind() { return Device.Kind.CPU; }

    @Override public boolean isAvailable() { return true; }

    @Override public Backend backend(Device device) {
        if (!device.isCpu()) throw new IllegalArgumentException("the CPU backend cannot serve device " + device);
        return CpuBackend.INSTANCE;
    }
}
