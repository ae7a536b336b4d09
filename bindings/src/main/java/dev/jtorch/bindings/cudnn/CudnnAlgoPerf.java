package dev.jtorch.bindings.cudnn;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One result of a convolution algorithm search. {@code cudnnConvolutionFwdAlgoPerf_t},
 * {@code cudnnConvolutionBwdDataAlgoPerf_t} and {@code cudnnConvolutionBwdFilterAlgoPerf_t} share this layout:
 * <pre>
 * struct { int algo; cudnnStatus_t status; float time; size_t memory;
 *          cudnnDeterminism_t determinism; cudnnMathType_t mathType; int reserved[3]; }
 * </pre>
 * C alignment puts 4 bytes of padding before {@code memory} (offset 16, 8-aligned) and 4 after
 * {@code reserved} (size rounded up to the 8-byte alignment): 48 bytes.
 *
 * @param algo        the algorithm, a {@code cudnnConvolution*Algo_t} value
 * @param status      whether it ran; results after the first failure are not usable
 * @param timeMs      its measured time ({@code Find}) or -1 ({@code _v7} heuristics)
 * @param memory      the workspace bytes it needs
 * @param determinism {@link CudnnOps#CUDNN_DETERMINISTIC} or not
 * @param mathType    the {@code cudnnMathType_t} it used
 */
public record CudnnAlgoPerf(int algo, int status, float timeMs, long memory, int determinism, int mathType) {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("algo"),
            JAVA_INT.withName("status"),
            JAVA_FLOAT.withName("time"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("memory"),
            JAVA_INT.withName("determinism"),
            JAVA_INT.withName("mathType"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"),
            MemoryLayout.paddingLayout(4)).withName("cudnnConvolutionFwdAlgoPerf_t");

    private static final long ALGO = LAYOUT.byteOffset(groupElement("algo"));
    private static final long STATUS = LAYOUT.byteOffset(groupElement("status"));
    private static final long TIME = LAYOUT.byteOffset(groupElement("time"));
    private static final long MEMORY = LAYOUT.byteOffset(groupElement("memory"));
    private static final long DETERMINISM = LAYOUT.byteOffset(groupElement("determinism"));
    private static final long MATH_TYPE = LAYOUT.byteOffset(groupElement("mathType"));

    /** The {@code index}-th struct of an array written by a {@code Find}/{@code _v7} call. */
    public static CudnnAlgoPerf read(MemorySegment array, long index) {
        MemorySegment s = array.asSlice(index * LAYOUT.byteSize(), LAYOUT);
        return new CudnnAlgoPerf(s.get(JAVA_INT, ALGO), s.get(JAVA_INT, STATUS), s.get(JAVA_FLOAT, TIME),
                s.get(JAVA_LONG, MEMORY), s.get(JAVA_INT, DETERMINISM), s.get(JAVA_INT, MATH_TYPE));
    }

    /** Whether the algorithm ran ({@code status == CUDNN_STATUS_SUCCESS}). */
    public boolean succeeded() { return status == CudnnStatus.CUDNN_STATUS_SUCCESS; }
}
