package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The vector width the GEMM kernels use, chosen once per JVM: the system property {@code jtorch.gemm.vectorBits}
 * (128, 256 or 512) when set, else the widest shape the JIT compiles to single instructions
 * ({@code FloatVector.SPECIES_PREFERRED}: 512 bits where HotSpot runs with {@code UseAVX=3}, 256 on AVX2 machines
 * such as AMD Zen 3, where {@code MaxVectorSize} is 32 bytes).
 *
 * <p>A width above the preferred one is allowed (it is what the tests use to run the 512-bit kernels on an AVX2
 * machine), but is slow there: the JIT cannot map it to registers and falls back to Java loops.
 */
final class GemmVectorWidth {
    private GemmVectorWidth() {}

    static final int PREFERRED_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();

    /** The width the GEMM entry points use unless a test overrides it. */
    static final int DEFAULT_BITS = parse(System.getProperty("jtorch.gemm.vectorBits"));

    private static int parse(String property) {
        if (property == null || property.isBlank()) return Math.min(Math.max(PREFERRED_BITS, 128), 512);
        int bits;
        try {
            bits = Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jtorch.gemm.vectorBits must be 128, 256 or 512, got '" + property + "'");
        }
        return checkBits(bits);
    }

    static int checkBits(int bits) {
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("GEMM vector width must be 128, 256 or 512 bits, got " + bits);
        }
        return bits;
    }
}
