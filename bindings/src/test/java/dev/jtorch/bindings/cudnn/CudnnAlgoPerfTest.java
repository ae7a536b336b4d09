package dev.jtorch.bindings.cudnn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CudnnAlgoPerfTest {
    /**
     * C rules: algo@0, status@4, time@8 (4 bytes each), memory (size_t, 8-aligned) @16 after 4 bytes padding,
     * determinism@24, mathType@28, reserved[3]@32..44, size rounded up to the 8-byte alignment: 48.
     */
    @Test void layoutFollowsCAlignment() {
        var layout = CudnnAlgoPerf.LAYOUT;
        assertEquals(48, layout.byteSize());
        assertEquals(8, layout.byteAlignment());
        assertEquals(0, layout.byteOffset(PathElement.groupElement("algo")));
        assertEquals(4, layout.byteOffset(PathElement.groupElement("status")));
        assertEquals(8, layout.byteOffset(PathElement.groupElement("time")));
        assertEquals(16, layout.byteOffset(PathElement.groupElement("memory")));
        assertEquals(24, layout.byteOffset(PathElement.groupElement("determinism")));
        assertEquals(28, layout.byteOffset(PathElement.groupElement("mathType")));
        assertEquals(32, layout.byteOffset(PathElement.groupElement("reserved")));
    }

    @Test void readsTheIndexedStructOfAnArray() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(CudnnAlgoPerf.LAYOUT, 2);
            MemorySegment second = array.asSlice(48, 48);
            second.set(JAVA_INT, 0, CudnnCnn.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD);
            second.set(JAVA_INT, 4, CudnnStatus.CUDNN_STATUS_NOT_SUPPORTED);
            second.set(JAVA_FLOAT, 8, 1.5f);
            second.set(JAVA_LONG, 16, 1L << 33);
            second.set(JAVA_INT, 24, CudnnOps.CUDNN_DETERMINISTIC);
            second.set(JAVA_INT, 28, CudnnGraph.CUDNN_TENSOR_OP_MATH);
            var perf = CudnnAlgoPerf.read(array, 1);
            assertEquals(new CudnnAlgoPerf(6, 3000, 1.5f, 1L << 33, 1, 1), perf);
            assertEquals(false, perf.succeeded());
        }
    }
}
