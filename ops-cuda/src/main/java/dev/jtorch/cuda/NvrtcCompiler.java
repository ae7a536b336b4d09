package dev.jtorch.cuda;

import dev.jtorch.bindings.nvrtc.Nvrtc;
import dev.jtorch.bindings.nvrtc.NvrtcException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Compiles a kernel file with NVRTC at run time. CUBIN for the device's own architecture comes first: the
 * driver loads it as is, so a driver older than NVRTC's PTX version does not matter. PTX for the
 * architecture's virtual target is the fallback, for an NVRTC that cannot emit that SASS.
 */
final class NvrtcCompiler {
    /** A loadable image: CUBIN (an ELF) or PTX text with its terminating zero. */
    record Image(byte[] bytes, boolean cubin, String log) {}

    private NvrtcCompiler() {}

    static Image compile(String file, int major, int minor) {
        String arch = major + "" + minor;
        try {
            return compile(file, "--gpu-architecture=sm_" + arch, true);
        } catch (NvrtcException cubinFailed) {
            try {
                return compile(file, "--gpu-architecture=compute_" + arch, false);
            } catch (NvrtcException ptxFailed) {
                ptxFailed.addSuppressed(cubinFailed);
                throw ptxFailed;
            }
        }
    }

    static Image compile(String file, String archOption, boolean cubin) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment headers = arena.allocate(ADDRESS), includeNames = arena.allocate(ADDRESS);
            headers.set(ADDRESS, 0, arena.allocateFrom(KernelSources.header()));
            includeNames.set(ADDRESS, 0, arena.allocateFrom(KernelSources.HEADER));
            MemorySegment progOut = arena.allocate(ADDRESS);
            Nvrtc.check(Nvrtc.nvrtcCreateProgram(progOut, arena.allocateFrom(KernelSources.source(file)),
                    arena.allocateFrom(file + ".cu"), 1, headers, includeNames), "nvrtcCreateProgram");
            MemorySegment prog = progOut.get(ADDRESS, 0);
            try {
                String[] options = {archOption, "--std=c++17"};
                MemorySegment optionArray = arena.allocate(ADDRESS, options.length);
                for (int i = 0; i < options.length; i++) optionArray.setAtIndex(ADDRESS, i, arena.allocateFrom(options[i]));
                int status = Nvrtc.nvrtcCompileProgram(prog, options.length, optionArray);
                String log = Nvrtc.programLog(prog);
                if (status != Nvrtc.NVRTC_SUCCESS) {
                    throw new NvrtcException(status, "nvrtcCompileProgram(" + file + ".cu, " + archOption + ")", log);
                }
                MemorySegment size = arena.allocate(JAVA_LONG);
                MemorySegment image;
                if (cubin) {
                    Nvrtc.check(Nvrtc.nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
                    image = arena.allocate(size.get(JAVA_LONG, 0));
                    Nvrtc.check(Nvrtc.nvrtcGetCUBIN(prog, image), "nvrtcGetCUBIN");
                } else {
                    Nvrtc.check(Nvrtc.nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
                    image = arena.allocate(size.get(JAVA_LONG, 0));
                    Nvrtc.check(Nvrtc.nvrtcGetPTX(prog, image), "nvrtcGetPTX");
                }
                return new Image(image.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), cubin, log);
            } finally {
                Nvrtc.check(Nvrtc.nvrtcDestroyProgram(progOut), "nvrtcDestroyProgram");
            }
        }
    }
}
