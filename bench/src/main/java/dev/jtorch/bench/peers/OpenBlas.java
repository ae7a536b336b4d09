package dev.jtorch.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenBLAS's CBLAS, called through FFM: the peer the GEMM benchmarks compare against. Found at the path in
 * {@code -Djtorch.openblas.path}, else as Debian/Ubuntu install it ({@code libopenblas0-pthread}: bench/setup.sh),
 * else by the dynamic linker's search path. 32-bit integers, as the distributions' (non-ILP64) builds use.
 */
@SuppressWarnings("restricted") // loading a native library and linking to it is what this class is for
public final class OpenBlas {
    public static final int CBLAS_ROW_MAJOR = 101;
    public static final int CBLAS_NO_TRANS = 111;
    public static final int CBLAS_TRANS = 112;

    private static final MethodHandle SGEMM;
    private static final MethodHandle DGEMM;
    private static final MethodHandle SET_NUM_THREADS;
    private static final MethodHandle GET_CONFIG;
    /** Where the library was loaded from. */
    public static final String LOCATION;

    static {
        List<String> candidates = new ArrayList<>();
        String explicit = System.getProperty("jtorch.openblas.path");
        if (explicit != null) candidates.add(explicit);
        candidates.add("/usr/lib/x86_64-linux-gnu/libopenblas.so.0");
        candidates.add("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0");
        candidates.add("/usr/lib/aarch64-linux-gnu/libopenblas.so.0");
        candidates.add("/usr/lib64/libopenblas.so.0");
        SymbolLookup lookup = null;
        String location = null;
        for (String candidate : candidates) {
            if (Files.exists(Path.of(candidate))) {
                lookup = SymbolLookup.libraryLookup(Path.of(candidate), Arena.global());
                location = candidate;
                break;
            }
        }
        if (lookup == null) {
            try {
                lookup = SymbolLookup.libraryLookup("libopenblas.so.0", Arena.global());
                location = "libopenblas.so.0 (dynamic linker search path)";
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("OpenBLAS not found (looked at " + candidates
                        + " and the linker's search path): run bench/setup.sh or set -Djtorch.openblas.path", e);
            }
        }
        Linker linker = Linker.nativeLinker();
        ValueLayout i32 = ValueLayout.JAVA_INT;
        ValueLayout ptr = ValueLayout.ADDRESS;
        SGEMM = linker.downcallHandle(symbol(lookup, "cblas_sgemm", location), FunctionDescriptor.ofVoid(
                i32, i32, i32, i32, i32, i32, ValueLayout.JAVA_FLOAT, ptr, i32, ptr, i32, ValueLayout.JAVA_FLOAT, ptr, i32));
        DGEMM = linker.downcallHandle(symbol(lookup, "cblas_dgemm", location), FunctionDescriptor.ofVoid(
                i32, i32, i32, i32, i32, i32, ValueLayout.JAVA_DOUBLE, ptr, i32, ptr, i32, ValueLayout.JAVA_DOUBLE, ptr, i32));
        SET_NUM_THREADS = linker.downcallHandle(symbol(lookup, "openblas_set_num_threads", location), FunctionDescriptor.ofVoid(i32));
        GET_CONFIG = linker.downcallHandle(symbol(lookup, "openblas_get_config", location), FunctionDescriptor.of(ptr));
        LOCATION = location;
    }

    private OpenBlas() {}

    private static MemorySegment symbol(SymbolLookup lookup, String name, String location) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("OpenBLAS at " + location + " lacks " + name));
    }

    /** {@code openblas_set_num_threads}: OpenBLAS's own pool, sized to match jtorch's intra-op threads. */
    public static void setNumThreads(int threads) {
        try {
            SET_NUM_THREADS.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The build's description, e.g. {@code OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64}. */
    public static String config() {
        try {
            return ((MemorySegment) GET_CONFIG.invokeExact()).reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Row-major {@code C = alpha * op(A) @ op(B) + beta * C} on native (off-heap) segments. */
    public static void sgemm(int transA, int transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                             MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try {
            SGEMM.invokeExact(CBLAS_ROW_MAJOR, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Row-major {@code C = alpha * op(A) @ op(B) + beta * C} on native (off-heap) segments. */
    public static void dgemm(int transA, int transB, int m, int n, int k, double alpha, MemorySegment a, int lda,
                             MemorySegment b, int ldb, double beta, MemorySegment c, int ldc) {
        try {
            DGEMM.invokeExact(CBLAS_ROW_MAJOR, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
