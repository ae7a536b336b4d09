package dev.jtorch.cuda;

import dev.jtorch.tensor.BackendProvider;
import dev.jtorch.tensor.Backends;
import dev.jtorch.tensor.Device;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CudaBackendProviderTest {
    @Test void registeredAsTheCudaProvider() {
        var providers = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.kind() == Device.Kind.CUDA).toList();
        assertEquals(1, providers.size());
        assertTrue(providers.getFirst() instanceof CudaBackendProvider);
    }

    /** Without a GPU the kind is unavailable, with a one-line reason and no exception at the question. */
    @Test void unavailableWithOneLineReason() {
        var provider = new CudaBackendProvider();
        assumeFalse(provider.isAvailable(), "a GPU answers here: CudaBackendTest covers this machine");
        String reason = provider.unavailableReason();
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), reason);
        assertEquals(reason, Backends.unavailableReason(Device.Kind.CUDA));
        var thrown = assertThrows(IllegalStateException.class, () -> provider.backend(Device.CUDA));
        assertEquals(reason, thrown.getMessage());
    }

    @Test void handsOutOneBackendPerGpu() {
        var provider = new CudaBackendProvider();
        assumeTrue(provider.isAvailable(), provider::unavailableReason);
        var backend = provider.backend(Device.CUDA);
        assertTrue(backend instanceof CudaBackend);
        assertEquals(Device.CUDA, backend.device());
        assertTrue(backend == provider.backend(Device.cuda(0)), "one backend per device");
    }

    @Test void probeNamesWhatIsMissing() {
        var result = CudaProbe.probe();
        if (!result.found()) {
            String m = result.missing();
            assertTrue(m.contains("not found") || m.contains("cudaGetDeviceCount") || m.contains("needs")
                    || m.contains("could not be loaded"), m);
        } else {
            assertTrue(result.deviceCount() > 0, "everything found, so a device must answer");
        }
    }

    @Test void kernelSourcesShipInTheJar() {
        for (String kernel : new String[] {"elementwise.cu", "reduce.cu", "index.cu", "random.cu", "window.cu", "matmul.cu", "common.cuh"}) {
            assertTrue(CudaBackendProvider.class.getResource("/dev/jtorch/cuda/kernels/" + kernel) != null, kernel);
        }
    }
}
