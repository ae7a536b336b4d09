package dev.jtorch.bindings;

import dev.jtorch.bindings.cublas.Cublas;
import dev.jtorch.bindings.cudnn.CudnnGraph;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeLibrariesTest {
    @Test void reasonIsOneLineNamingTheFileAndRequireThrowsIt() {
        for (NativeLibrary library : NativeLibrary.values()) {
            var reason = NativeLibraries.unavailableReason(library);
            if (reason.isEmpty()) {
                assertTrue(NativeLibraries.path(library).isPresent(), library::toString);
                continue;
            }
            assertFalse(reason.get().contains("\n"), reason.get());
            assertTrue(reason.get().contains(library.fileName()) || reason.get().contains(library.title()), reason.get());
            var thrown = assertThrows(CudaUnavailableException.class, () -> NativeLibraries.require(library));
            assertEquals(reason.get(), thrown.getMessage());
        }
    }

    /** Without cuBLAS a call is a clean exception carrying the discovery's reason, never a crash. */
    @Test void callingAMissingLibraryThrowsTheReason() {
        var reason = NativeLibraries.unavailableReason(NativeLibrary.CUBLAS);
        assumeTrue(reason.isPresent(), "cuBLAS is installed here; this checks the missing case");
        var thrown = assertThrows(CudaUnavailableException.class, () -> Cublas.cublasCreate_v2(MemorySegment.NULL));
        assertTrue(thrown.getMessage().startsWith("cublasCreate_v2 unavailable: "), thrown.getMessage());
        assertTrue(thrown.getMessage().endsWith(reason.get()), thrown.getMessage());
    }

    @Test void voidFunctionOfAMissingLibraryThrowsToo() {
        assumeTrue(NativeLibraries.unavailableReason(NativeLibrary.CUDNN_GRAPH).isPresent(), "cuDNN is installed here");
        assertThrows(CudaUnavailableException.class, () -> CudnnGraph.cudnnGetLastErrorString(MemorySegment.NULL, 0));
    }
}
