package dev.jtorch.cuda;

import dev.jtorch.bindings.NativeLibraries;
import dev.jtorch.bindings.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kernel file compiles for sm_90 (H100) with nvcc and with NVRTC (what the backend does at run
 * time), and every entry point the backend looks up through {@link Kernel} exists in its file. Needs no GPU;
 * each half is skipped, with the places looked in, where its compiler is missing.
 */
class KernelCompileTest {
    private static final Path OUT = Path.of(System.getProperty("java.io.tmpdir"), "jtorch-kernel-compile-test");

    @Test void nvccCompilesEveryFileWithEveryEntryPoint() throws Exception {
        Path nvcc = nvcc();
        for (String file : KernelSources.FILES) {
            String ptx = Files.readString(compile(nvcc, file, "-ptx", file + ".ptx"));
            assertTrue(ptx.contains(".target sm_90"), file + ": PTX for sm_90");
            assertEntryPoints(file, ptx);
        }
    }

    @Test void nvccCompilesEveryFileToCubin() throws Exception {
        Path nvcc = nvcc();
        for (String file : KernelSources.FILES) {
            byte[] cubin = Files.readAllBytes(compile(nvcc, file, "-cubin", file + ".cubin"));
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(cubin, 4), file + " is an ELF image");
        }
    }

    /** What CudaDevice does on a GPU: CUBIN for the device's architecture, and the PTX fallback. */
    @Test void nvrtcCompilesEveryFileAsTheBackendDoes() {
        var reason = NativeLibraries.unavailableReason(NativeLibrary.NVRTC);
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
        for (String file : KernelSources.FILES) {
            NvrtcCompiler.Image cubin = NvrtcCompiler.compile(file, 9, 0);
            assertTrue(cubin.cubin(), file + ": sm_90 SASS available from this NVRTC");
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(cubin.bytes(), 4), file);
            NvrtcCompiler.Image ptx = NvrtcCompiler.compile(file, "--gpu-architecture=compute_90", false);
            assertEntryPoints(file, new String(ptx.bytes(), StandardCharsets.UTF_8));
        }
    }

    @Test void everyKernelNamesAShippedFile() {
        for (Kernel k : Kernel.values()) assertTrue(KernelSources.FILES.contains(k.file), k + " in " + k.file);
        assertTrue(KernelSources.header().contains("struct Strided"));
    }

    private static void assertEntryPoints(String file, String ptx) {
        for (Kernel k : Kernel.values()) {
            if (!k.file.equals(file)) continue;
            for (String name : k.allNames()) {
                assertTrue(ptx.contains(".entry " + name + "("), () -> name + " missing from " + file + ".cu");
            }
        }
    }

    private static Path compile(Path nvcc, String file, String mode, String output) throws IOException, InterruptedException {
        Files.createDirectories(OUT);
        Path out = OUT.resolve(output);
        Files.deleteIfExists(out);
        Files.writeString(OUT.resolve(KernelSources.HEADER), KernelSources.header());
        Path src = OUT.resolve(file + ".cu");
        Files.writeString(src, KernelSources.source(file));
        List<String> command = List.of(nvcc.toString(), "-arch=sm_90", "-I" + OUT, mode, "-o", out.toString(), src.toString());
        return run(command, out);
    }

    static Path run(List<String> command, Path out) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + log);
        assertTrue(Files.size(out) > 0, "no output from " + String.join(" ", command));
        return out;
    }

    /** nvcc from {@code PATH}, {@code CUDA_HOME} or the toolkit's default folder; the test is skipped without one. */
    static Path nvcc() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) Stream.of(path.split(java.io.File.pathSeparator)).map(d -> Path.of(d, "nvcc")).forEach(candidates::add);
        String cudaHome = System.getenv("CUDA_HOME");
        if (cudaHome != null) candidates.add(Path.of(cudaHome, "bin", "nvcc"));
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        Optional<Path> found = candidates.stream().filter(Files::isExecutable).findFirst();
        assumeTrue(found.isPresent(), () -> "skipped: nvcc not found in " + candidates);
        return found.get();
    }
}
