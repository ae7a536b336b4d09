package dev.jtorch.bindings;

import dev.jtorch.bindings.cublas.Cublas;
import dev.jtorch.bindings.cuda.CudaDriver;
import dev.jtorch.bindings.cuda.CudaRuntime;
import dev.jtorch.bindings.cudnn.CudnnAdv;
import dev.jtorch.bindings.cudnn.CudnnCnn;
import dev.jtorch.bindings.cudnn.CudnnGraph;
import dev.jtorch.bindings.cudnn.CudnnOps;
import dev.jtorch.bindings.nvrtc.Nvrtc;
import java.lang.foreign.SymbolLookup;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every function a binding class declares is exported by the library it is bound to. The lists come from the
 * classes themselves ({@code symbols()}), so a newly bound function is checked without touching this test.
 * A library that is not installed makes its test skipped, with the discovery's reason.
 */
class SymbolExportTest {
    @Test void cudaRuntime() { assertExported(CudaRuntime.symbols(), NativeLibrary.CUDART); }

    @Test void cudaDriver() { assertExported(CudaDriver.symbols(), NativeLibrary.CUDA_DRIVER); }

    @Test void nvrtc() { assertExported(Nvrtc.symbols(), NativeLibrary.NVRTC); }

    @Test void cublas() { assertExported(Cublas.symbols(), NativeLibrary.CUBLAS); }

    @Test void cudnnGraph() { assertExported(CudnnGraph.symbols(), NativeLibrary.CUDNN_GRAPH); }

    @Test void cudnnOps() { assertExported(CudnnOps.symbols(), NativeLibrary.CUDNN_OPS); }

    @Test void cudnnCnn() { assertExported(CudnnCnn.symbols(), NativeLibrary.CUDNN_CNN); }

    @Test void cudnnAdv() { assertExported(CudnnAdv.symbols(), NativeLibrary.CUDNN_ADV); }

    /** cuDNN 9's front library re-exports every sub-library's API: each bound cuDNN symbol must be there too. */
    @Test void cudnnFrontLibraryExportsEverySubLibrarySymbol() {
        List<NativeSymbol> all = new java.util.ArrayList<>();
        for (List<NativeSymbol> part : List.of(CudnnGraph.symbols(), CudnnOps.symbols(), CudnnCnn.symbols(), CudnnAdv.symbols())) {
            for (NativeSymbol s : part) all.add(new NativeSymbol(NativeLibrary.CUDNN, s.name()));
        }
        assertExported(all, NativeLibrary.CUDNN);
    }

    /** A symbol list that is empty, repeats a name, or binds to another library would make the checks above hollow. */
    @Test void declaredListsAreWellFormed() {
        record Declared(List<NativeSymbol> symbols, NativeLibrary library) {}
        for (Declared d : List.of(new Declared(CudaRuntime.symbols(), NativeLibrary.CUDART),
                new Declared(CudaDriver.symbols(), NativeLibrary.CUDA_DRIVER), new Declared(Nvrtc.symbols(), NativeLibrary.NVRTC),
                new Declared(Cublas.symbols(), NativeLibrary.CUBLAS), new Declared(CudnnGraph.symbols(), NativeLibrary.CUDNN_GRAPH),
                new Declared(CudnnOps.symbols(), NativeLibrary.CUDNN_OPS), new Declared(CudnnCnn.symbols(), NativeLibrary.CUDNN_CNN),
                new Declared(CudnnAdv.symbols(), NativeLibrary.CUDNN_ADV))) {
            assertFalse(d.symbols().isEmpty(), d.library() + " binds nothing");
            Set<String> seen = new HashSet<>();
            for (NativeSymbol s : d.symbols()) {
                assertTrue(seen.add(s.name()), "bound twice: " + s);
                assertEquals(d.library(), s.library(), s.name());
                assertTrue(s.name().matches("[A-Za-z_][A-Za-z0-9_]*"), s.name());
            }
        }
    }

    private static void assertExported(List<NativeSymbol> symbols, NativeLibrary library) {
        var reason = NativeLibraries.unavailableReason(library);
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
        SymbolLookup lookup = NativeLibraries.require(library);
        List<String> missing = symbols.stream()
                .filter(s -> s.library() == library)
                .map(NativeSymbol::name)
                .filter(name -> lookup.find(name).isEmpty())
                .toList();
        assertTrue(missing.isEmpty(), () -> "not exported by " + NativeLibraries.path(library).orElseThrow() + ": " + missing);
    }
}
