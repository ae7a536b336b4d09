package dev.jtorch.bindings.cuda;

import dev.jtorch.bindings.CStrings;
import dev.jtorch.bindings.NativeLibraries;
import dev.jtorch.bindings.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Calls through the real libcudart; on a machine without a GPU or driver they must fail cleanly, not crash. */
class CudaRuntimeTest {
    @BeforeEach void runtimeInstalled() {
        var reason = NativeLibraries.unavailableReason(NativeLibrary.CUDART);
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
    }

    @Test void runtimeVersionNeedsNoDriver() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            CudaRuntime.check(CudaRuntime.cudaRuntimeGetVersion(version), "cudaRuntimeGetVersion");
            assertTrue(version.get(JAVA_INT, 0) >= 12000, () -> "version " + version.get(JAVA_INT, 0));
        }
    }

    /** The GPU-less case: a status naming the missing driver or device, or a count (0 without a GPU). */
    @Test void deviceCountIsACountOrACleanError() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int status = CudaRuntime.cudaGetDeviceCount(count);
            if (status == CudaRuntime.cudaSuccess) {
                assertTrue(count.get(JAVA_INT, 0) >= 0);
                return;
            }
            Set<String> expected = Set.of("cudaErrorNoDevice", "cudaErrorInsufficientDriver", "cudaErrorInitializationError",
                    "cudaErrorSystemDriverMismatch", "cudaErrorCompatNotSupportedOnDevice", "cudaErrorDevicesUnavailable");
            var e = assertThrows(CudaException.class, () -> CudaRuntime.check(status, "cudaGetDeviceCount"));
            assertTrue(expected.contains(e.statusName()), e.getMessage());
            assertTrue(e.getMessage().startsWith("cudaGetDeviceCount failed: " + e.statusName()), e.getMessage());
        }
    }

    /** The generated name table agrees with the library's own {@code cudaGetErrorName} for every code it lists. */
    @Test void nameTableMatchesTheLibrary() {
        int compared = 0;
        for (int code = 0; code < 1000; code++) {
            String fromTable = CudaErrorNames.of(code);
            if (fromTable == null) continue;
            assertEquals(fromTable, CStrings.read(CudaRuntime.cudaGetErrorName(code)), "code " + code);
            compared++;
        }
        assertTrue(compared > 100, "compared " + compared);
        assertEquals("out of memory", CudaRuntime.errorDescription(CudaRuntime.cudaErrorMemoryAllocation));
    }
}
