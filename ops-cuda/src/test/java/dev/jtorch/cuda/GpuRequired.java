package dev.jtorch.cuda;

import dev.jtorch.tensor.Backends;
import dev.jtorch.tensor.Device;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each GPU test calls this first, so where no GPU answers it is reported skipped with the one-line reason. */
final class GpuRequired {
    private GpuRequired() {}

    static void assumeGpu() {
        assumeTrue(Backends.isAvailable(Device.Kind.CUDA), () -> "skipped: " + Backends.unavailableReason(Device.Kind.CUDA));
    }
}
