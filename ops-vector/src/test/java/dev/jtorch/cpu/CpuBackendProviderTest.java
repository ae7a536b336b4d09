package dev.jtorch.cpu;

import dev.jtorch.tensor.Backends;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CpuBackendProviderTest {
    @Test
    void serviceLoaderFindsTheCpuBackend() {
        assertTrue(Backends.isAvailable(Device.Kind.CPU));
        assertSame(CpuBackend.INSTANCE, Backends.of(Device.CPU));
        Tensor t = Tensor.empty(new long[]{2, 3}, DType.FLOAT32, Device.CPU);
        assertSame(CpuBackend.INSTANCE, t.backend());
        assertThrows(IllegalArgumentException.class, () -> new CpuBackendProvider().backend(Device.CUDA));
    }
}
