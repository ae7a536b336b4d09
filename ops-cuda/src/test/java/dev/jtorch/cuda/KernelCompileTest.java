package dev.jtorch.cuda;

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
 * Compiles {@code kernels/*.cu} with {@code nvcc} for sm_90 (H100), to PTX and to cubin, where nvcc is
 * installed; skipped with the places looked in otherwise. Needs no GPU.
 */
class KernelCompileTest {
    /** Compiled from the copies the jar ships (what NVRTC compiles at run time), so any working directory works. */
    private static final String KERNELS = "/dev/jtorch/cuda/kernels/";
    private static final Path OUT = Path.of(System.getProperty("java.io.tmpdir"), "jtorch-kernel-compile-test");

    @Test void compilesToPtxWithEveryEntryPoint() throws Exception {
        Path nvcc = nvcc();
        String ptx = Files.readString(compile(nvcc, "elementwise.cu", "-ptx", "elementwise.ptx"));
        for (String entry : List.of("add_f32", "mul_f32", "relu_f32", "fill_f32")) {
            assertTrue(ptx.contains(".entry " + entry + "("), () -> entry + " missing from PTX");
        }
        assertTrue(ptx.contains(".target sm_90"), "PTX for sm_90");
        assertTrue(Files.readString(compile(nvcc, "reduce.cu", "-ptx", "reduce.ptx")).contains(".entry sum_f32("));
    }

    @Test void compilesToCubin() throws Exception {
        Path nvcc = nvcc();
        for (String kernel : List.of("elementwise", "reduce")) {
            byte[] cubin = Files.readAllBytes(compile(nvcc, kernel + ".cu", "-cubin", kernel + ".cubin"));
            assertTrue(cubin.length > 64, kernel);
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(cubin, 4), kernel + " is an ELF image");
        }
    }

    private static Path compile(Path nvcc, String source, String mode, String output) throws IOException, InterruptedException {
        Files.createDirectories(OUT);
        Path out = OUT.resolve(output);
        Files.deleteIfExists(out);
        Path src = OUT.resolve(source);
        try (var in = KernelCompileTest.class.getResourceAsStream(KERNELS + source)) {
            assertTrue(in != null, () -> "kernel source " + KERNELS + source + " is not on the class path");
            Files.write(src, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(nvcc.toString(), "-arch=sm_90", mode, "-o", out.toString(), src.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "nvcc timed out");
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + log);
        assertTrue(Files.size(out) > 0, "no output from " + String.join(" ", command));
        return out;
    }

    /** nvcc from {@code PATH}, {@code CUDA_HOME} or the toolkit's default folder; the test is skipped without one. */
    private static Path nvcc() {
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
