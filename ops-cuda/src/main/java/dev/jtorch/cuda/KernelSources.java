package dev.jtorch.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The CUDA C the jar ships under {@code dev/jtorch/cuda/kernels/}: one source per file, plus the shared header. */
final class KernelSources {
    static final String FOLDER = "/dev/jtorch/cuda/kernels/";
    static final String HEADER = "common.cuh";
    static final List<String> FILES = List.of("elementwise", "reduce", "index", "random", "window", "matmul", "recurrent");

    private KernelSources() {}

    static String source(String file) { return read(file + ".cu"); }

    static String header() { return read(HEADER); }

    private static String read(String name) {
        try (InputStream in = KernelSources.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) throw new IllegalStateException("kernel source " + FOLDER + name + " is not on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
