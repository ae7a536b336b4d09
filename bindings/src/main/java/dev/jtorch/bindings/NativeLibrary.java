package dev.jtorch.bindings;

import java.util.List;

/**
 * The NVIDIA libraries jtorch binds, in load order. Setting {@code LD_LIBRARY_PATH} inside a running JVM has
 * no effect, so each library's dependencies are loaded first, by absolute path: the dynamic linker then
 * resolves a later library's {@code DT_NEEDED} entries (and cuDNN's own {@code dlopen} of its sub-libraries)
 * against the sonames already in the process.
 */
public enum NativeLibrary {
    CUDART("CUDA runtime", "cudart", List.of(), List.of()),
    CUBLAS_LT("cuBLASLt", "cublasLt", List.of(), List.of(CUDART)),
    CUBLAS("cuBLAS", "cublas", List.of(CUBLAS_LT), List.of(CUDART)),
    NVRTC("NVRTC", "nvrtc", List.of(), List.of()),
    CUDA_DRIVER("CUDA driver", "cuda", List.of(), List.of()),
    CUDNN_GRAPH("cuDNN graph", "cudnn_graph", List.of(), List.of(CUDART, CUBLAS_LT)),
    CUDNN_OPS("cuDNN ops", "cudnn_ops", List.of(CUDNN_GRAPH), List.of()),
    CUDNN_CNN("cuDNN cnn", "cudnn_cnn", List.of(CUDNN_GRAPH, CUDNN_OPS), List.of()),
    CUDNN_ADV("cuDNN adv", "cudnn_adv", List.of(CUDNN_GRAPH, CUDNN_OPS), List.of()),
    CUDNN("cuDNN", "cudnn", List.of(CUDNN_GRAPH), List.of(CUDNN_OPS, CUDNN_CNN, CUDNN_ADV));

    private final String title;
    private final String baseName;
    private final List<NativeLibrary> requires;
    private final List<NativeLibrary> preloads;

    NativeLibrary(String title, String baseName, List<NativeLibrary> requires, List<NativeLibrary> preloads) {
        this.title = title;
        this.baseName = baseName;
        this.requires = requires;
        this.preloads = preloads;
    }

    /** A name for people: {@code cuBLAS}. */
    public String title() { return title; }

    /** The file name without version: {@code libcublas.so}; versioned files {@code libcublas.so.13} match too. */
    public String fileName() { return "lib" + baseName + ".so"; }

    /** Libraries that must load before this one, or this one is unavailable. */
    public List<NativeLibrary> requires() { return requires; }

    /** Libraries loaded first when present, so that this one's lazy {@code dlopen}s find them; absence is fine. */
    public List<NativeLibrary> preloads() { return preloads; }
}
