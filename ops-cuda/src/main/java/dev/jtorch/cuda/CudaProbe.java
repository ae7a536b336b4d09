package dev.jtorch.cuda;

import dev.jtorch.bindings.CudaUnavailableException;
import dev.jtorch.bindings.NativeLibraries;
import dev.jtorch.bindings.NativeLibrary;
import dev.jtorch.bindings.cuda.CudaException;
import dev.jtorch.bindings.cuda.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** Whether this machine can run the CUDA backend: the runtime, a GPU that answers, and the libraries the backend calls. */
final class CudaProbe {
    /**
     * What the backend calls besides the runtime, in the order their absence is reported. cuDNN is not among
     * them: convolution goes through im2col + cuBLAS until the cuDNN paths exist.
     */
    static final List<NativeLibrary> LIBRARIES = List.of(NativeLibrary.CUBLAS, NativeLibrary.NVRTC, NativeLibrary.CUDA_DRIVER);

    /** The result: the GPU count, or why there is no usable GPU. */
    record Result(int deviceCount, String missing) {
        boolean found() { return missing == null; }
    }

    private CudaProbe() {}

    /** Looks once; never throws, whatever is missing or broken. */
    static Result probe() {
        try {
            var runtime = NativeLibraries.unavailableReason(NativeLibrary.CUDART);
            if (runtime.isPresent()) return new Result(0, runtime.get());
            int count = deviceCount();
            if (count == 0) return new Result(0, "no CUDA GPU: cudaGetDeviceCount found 0 devices");
            for (NativeLibrary library : LIBRARIES) {
                var reason = NativeLibraries.unavailableReason(library);
                if (reason.isPresent()) return new Result(count, reason.get());
            }
            return new Result(count, null);
        } catch (CudaException e) {
            return new Result(0, "no usable CUDA GPU: " + e.getMessage());
        } catch (CudaUnavailableException e) {
            return new Result(0, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // Native access denied, a library that loads but misbehaves: still one line, never a thrown probe.
            return new Result(0, "CUDA probe failed: " + e.toString().replace('\n', ' '));
        }
    }

    private static int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            CudaRuntime.check(CudaRuntime.cudaGetDeviceCount(count), "cudaGetDeviceCount");
            return count.get(ValueLayout.JAVA_INT, 0);
        }
    }
}
