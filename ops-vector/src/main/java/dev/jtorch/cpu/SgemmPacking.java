package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Copies blocks of {@link Sgemm}'s operands into the panel layouts {@link SgemmMicroKernel} reads, zero-padded to
 * whole panels:
 * <pre>
 * A panel (mr rows):    dst[panel * kc * mr + p * mr + r] = alpha * A[row0 + panel * mr + r, p]
 * B panel (nr columns): dst[panel * kc * nr + p * nr + j] = B[p, col0 + panel * nr + j]
 * </pre>
 * Each operand layout has its own loop, so that reads run along the operand and writes along the panel:
 * <ul>
 * <li>row-major B: a panel row is contiguous in B and is bulk-copied, a band of {@link #BAND} steps of k to every
 *     panel in turn;</li>
 * <li>transposed A: a band of steps is bulk-copied to scratch lines, then each panel row (mr contiguous values)
 *     is copied over, times alpha, one vector per row for 4-row panels;</li>
 * <li>row-major A: four rows of a native operand are loaded side by side and interleaved in registers
 *     ({@link #fourRowsInterleaved}); eight rows, or rows of a heap operand, are bulk-copied to scratch lines first
 *     ({@link #eightRowsInterleaved});</li>
 * <li>transposed B: the panel's columns are bulk-copied to scratch lines, then the panel is written in order,
 *     reading the lines side by side;</li>
 * <li>any other stride, element by element ({@link #packAPlain}, {@link #packBPlain}): the specification of the
 *     layouts, and what the tests compare every fast loop with, bit for bit.</li>
 * </ul>
 * Vectors are loaded from heap arrays here, except the four rows of native A: vector loads from segments of either
 * kind made the steady-state allocation test fail now and then (a segment class the JIT had not profiled), so only
 * native segments reach that load. Copying the four rows to scratch first took 1.4x as long (ResNet layer4's 512 x
 * 4608 weight: 0.44 against 0.32 ns a float, the copies each a stream of its own from L3; 10% of that layer's
 * forward samples were this packing).
 * This class is the source of its double-precision twin (see {@link Sgemm}).
 */
final class SgemmPacking {
    private SgemmPacking() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private static final long BYTES = Float.BYTES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Steps of k copied to every panel in one pass ({@link #packBRowMajor}, {@link #packATransposed}). */
    private static final int BAND = 8;
    /** Species of {@link #packBRowMajor}'s row copies: a panel row of nr = 2 vectors moves as two loads and two stores. */
    private static final VectorSpecies<Float> ROW = FloatVector.SPECIES_PREFERRED;
    /** Scratch lines (a row of A or a column of B on its way into a panel) start this many elements apart. */
    static final int LINE = Sgemm.KC;

    /**
     * The scratch packA and packB need for panels of mr rows and nr columns: a line per panel row or column, and a
     * band of {@link #BAND} lines for transposed A (with 4 x 4 panels, Dgemm's at 128 bits, max(mr, nr) lines
     * alone were too few).
     */
    static int scratchElements(int mr, int nr) {
        return Math.max(Math.max(mr, nr), BAND) * LINE;
    }
    /** Four rows of A are interleaved in vectors of this species (lanes / 4 steps of k each). */
    private static final VectorSpecies<Float> QUAD = FloatVector.SPECIES_256;
    /** Where QUAD is wider than the hardware's vectors, the JIT would emulate it: rows go through scratch lines instead. */
    private static final boolean QUAD_IN_REGISTERS = QUAD.vectorBitSize() <= FloatVector.SPECIES_PREFERRED.vectorBitSize();
    /*
     * SPREAD_q puts step q * (lanes / 4) + L / 4 of a row in lane L; ROW_r holds the lanes L with L % 4 == r, which take
     * row r. Each is a constant of its own: a shuffle or mask the JIT cannot see the exact class of (an array element)
     * may not be intrinsified, and then every vector op allocates.
     */
    private static final VectorShuffle<Float> SPREAD_0 = spread(0), SPREAD_1 = spread(1), SPREAD_2 = spread(2), SPREAD_3 = spread(3);
    private static final VectorMask<Float> ROW_1 = rowLanes(1), ROW_2 = rowLanes(2), ROW_3 = rowLanes(3);

    /** A 4-row panel's step of transposed A, one vector. */
    private static final VectorSpecies<Float> FOUR = FloatVector.SPECIES_128; // double: DoubleVector.SPECIES_256
    private static final boolean FOUR_IN_REGISTERS = FOUR.vectorBitSize() <= FloatVector.SPECIES_PREFERRED.vectorBitSize();

    /** Eight rows of A are transposed in vectors of this species, one step of k per eighth of the lanes. */
    private static final VectorSpecies<Float> OCT = FloatVector.SPECIES_512;
    /** Only where the hardware has 512-bit vectors: the two-vector rearranges below would be emulated otherwise. */
    private static final boolean OCT_IN_REGISTERS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= OCT.vectorBitSize();
    /*
     * The 8-row transpose in three rounds of two-vector rearranges, each interleaving groups of g lanes of its two
     * inputs (lanes of the second numbered from OCT.length()): round g = 1 pairs rows, g = 2 pairs of pairs, g = 4
     * halves. LOW_g takes the groups from the inputs' lower halves, HIGH_g from their upper halves.
     */
    private static final VectorShuffle<Float> LOW_1 = interleave(1, false), HIGH_1 = interleave(1, true);
    private static final VectorShuffle<Float> LOW_2 = interleave(2, false), HIGH_2 = interleave(2, true);
    private static final VectorShuffle<Float> LOW_4 = interleave(4, false), HIGH_4 = interleave(4, true);

    private static VectorShuffle<Float> interleave(int g, boolean high) {
        int lanes = OCT.length();
        int[] from = new int[lanes];
        for (int lane = 0; lane < lanes; lane++) {
            int source = (lane / g) % 2 == 0 ? 0 : lanes;
            from[lane] = source + g * (lane / (2 * g)) + lane % g + (high ? lanes / 2 : 0);
        }
        return VectorShuffle.fromArray(OCT, from, 0);
    }

    private static VectorShuffle<Float> spread(int q) {
        int first = q * (QUAD.length() / 4);
        return VectorShuffle.fromOp(QUAD, lane -> first + lane / 4);
    }

    private static VectorMask<Float> rowLanes(int r) {
        boolean[] bits = new boolean[QUAD.length()];
        for (int lane = r; lane < bits.length; lane += 4) bits[lane] = true;
        return VectorMask.fromArray(QUAD, bits, 0);
    }

    /**
     * alpha * A[0:rows, 0:kc] (A's element [0, 0] at element offset {@code at}) into mr-row panels at dst[0...].
     * {@code scratch} holds at least max(mr, {@link #BAND}) * {@link #LINE} elements (kc is at most LINE).
     */
    static void packA(float[] dst, int mr, float alpha, MemorySegment a, long at, long rowStride, long colStride,
                      int rows, int kc, float[] scratch) {
        if (colStride == 1) packARowMajor(dst, mr, alpha, a, at, rowStride, rows, kc, scratch);
        else if (rowStride == 1) packATransposed(dst, mr, alpha, a, at, colStride, rows, kc, scratch);
        else packAPlain(dst, mr, alpha, a, at, rowStride, colStride, rows, kc);
    }

    /**
     * B[0:kc, 0:cols] (B's element [0, 0] at element offset {@code at}) into nr-column panels at dst[dstAt...].
     * {@code scratch} holds at least nr * {@link #LINE} elements (kc is at most LINE).
     */
    static void packB(float[] dst, int dstAt, int nr, MemorySegment b, long at, long rowStride, long colStride,
                      int kc, int cols, float[] scratch) {
        if (colStride == 1) packBRowMajor(dst, dstAt, nr, b, at, rowStride, kc, cols);
        else if (rowStride == 1) packBTransposed(dst, dstAt, nr, b, at, colStride, kc, cols, scratch);
        else packBPlain(dst, dstAt, nr, b, at, rowStride, colStride, kc, cols);
    }

    /**
     * B[0:k, 0:cols] into nr-column panels over all of k, panel q's step p at {@code dst[(q*k + p)*nr ...]} and 0
     * past the last column ({@link PanelProduct.Panels}' layout): {@link #packB} where k fits a line, else element
     * by element. {@code scratch} as for packB.
     */
    static void packPanels(float[] dst, int nr, MemorySegment b, long at, long rowStride, long colStride, int k, int cols,
                           float[] scratch) {
        if (k <= LINE) packB(dst, 0, nr, b, at, rowStride, colStride, k, cols, scratch);
        else packBPlain(dst, 0, nr, b, at, rowStride, colStride, k, cols);
    }

    /** The layouts element by element: any strides. */
    static void packAPlain(float[] dst, int mr, float alpha, MemorySegment a, long at, long rowStride, long colStride,
                           int rows, int kc) {
        int panels = Math.ceilDiv(rows, mr);
        for (int panel = 0, o = 0; panel < panels; panel++) {
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < mr; r++, o++) {
                    int row = panel * mr + r;
                    dst[o] = row < rows ? alpha * a.getAtIndex(F, at + row * rowStride + p * colStride) : 0;
                }
            }
        }
    }

    static void packBPlain(float[] dst, int dstAt, int nr, MemorySegment b, long at, long rowStride, long colStride,
                           int kc, int cols) {
        int panels = Math.ceilDiv(cols, nr);
        for (int panel = 0, o = dstAt; panel < panels; panel++) {
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < nr; j++, o++) {
                    int col = panel * nr + j;
                    dst[o] = col < cols ? b.getAtIndex(F, at + p * rowStride + col * colStride) : 0;
                }
            }
        }
    }

    /**
     * Row-major A: each row's kc elements are contiguous, but go down one column of a panel. The 4-row panels of the
     * 128- and 256-bit kernels are transposed in registers straight from a native A ({@link #fourRowsInterleaved});
     * otherwise a panel's rows are copied to scratch lines (row r at r * {@link #LINE}), the 8-row panels of the
     * 512-bit kernel transposed from there ({@link #eightRowsInterleaved}), and a partial last panel takes element p
     * of every line for panel row p.
     */
    private static void packARowMajor(float[] dst, int mr, float alpha, MemorySegment a, long at, long rowStride,
                                      int rows, int kc, float[] scratch) {
        for (int row0 = 0, o = 0; row0 < rows; row0 += mr, o += kc * mr) {
            int rowsHere = Math.min(mr, rows - row0);
            if (rowsHere == 4 && mr == 4 && QUAD_IN_REGISTERS && a.isNative()) {
                long row = at + row0 * rowStride;
                int done = fourRowsInterleaved(dst, o, alpha, a, row * BYTES, rowStride * BYTES, kc);
                for (int p = done, d = o + done * mr; p < kc; p++) {
                    for (int r = 0; r < mr; r++, d++) dst[d] = alpha * a.getAtIndex(F, row + r * rowStride + p);
                }
                continue;
            }
            for (int r = 0; r < rowsHere; r++) {
                MemorySegment.copy(a, F, (at + (row0 + r) * rowStride) * BYTES, scratch, r * LINE, kc);
            }
            int done = 0;   // steps already in the panel
            if (rowsHere == 8 && mr == 8 && OCT_IN_REGISTERS) done = eightRowsInterleaved(dst, o, alpha, scratch, kc);
            for (int p = done, d = o + done * mr; p < kc; p++) {
                for (int r = 0; r < mr; r++, d++) dst[d] = r < rowsHere ? alpha * scratch[r * LINE + p] : 0;
            }
        }
    }

    /**
     * Transposed A: at each step of k, a panel's mr values are contiguous. A band of
     * {@link #BAND} steps goes to every panel before the next band, so each panel receives a contiguous run (step
     * by step, consecutive stores would land kc * mr elements apart, on lines that share an L1 set).
     */
    private static void packATransposed(float[] dst, int mr, float alpha, MemorySegment a, long at, long colStride,
                                        int rows, int kc, float[] scratch) {
        int wholePanels = rows / mr, panelsPerLine = LINE / mr;
        boolean fourLanes = mr == 4 && FOUR_IN_REGISTERS;
        for (int g0 = 0; g0 < wholePanels; g0 += panelsPerLine) {
            int g1 = Math.min(wholePanels, g0 + panelsPerLine);
            for (int p0 = 0; p0 < kc; p0 += BAND) {
                int p1 = Math.min(kc, p0 + BAND);
                for (int p = p0; p < p1; p++) {
                    MemorySegment.copy(a, F, (at + p * colStride + (long) g0 * mr) * BYTES, scratch, (p - p0) * LINE, (g1 - g0) * mr);
                }
                for (int panel = g0; panel < g1; panel++) {
                    int d = panel * kc * mr + p0 * mr, line = (panel - g0) * mr;
                    // one vector per panel row: at 64x256x1920, A transposed, the scalar loop had 12.4% of the JFR
                    // samples (the kernel 41.8%), this one 4.6% (45.6%)
                    // alpha broadcast here, in the loop (packing speed level with mul(float)): broadcast once per
                    // call, that vector, null for other panel heights, met null at a merge and was boxed (48 bytes a
                    // call); mul(float) instead reaches FloatVector.lanewise, whose receiver C2 speculates from a
                    // profile shared with the 512-bit kernels, and after its class-check traps the vectors stayed
                    // boxed (524,288 bytes a call in GemmAllocationTest, 3 of 11 module runs; none in 7 with this form)
                    if (fourLanes) {
                        for (int p = p0; p < p1; p++, d += mr, line += LINE) {
                            FloatVector.fromArray(FOUR, scratch, line).mul(FloatVector.broadcast(FOUR, alpha)).intoArray(dst, d);
                        }
                        continue;
                    }
                    for (int p = p0; p < p1; p++, d += mr, line += LINE) {
                        for (int r = 0; r < mr; r++) dst[d + r] = alpha * scratch[line + r];
                    }
                }
            }
        }
        if (wholePanels * mr < rows) {
            int row0 = wholePanels * mr;
            for (int p = 0, d = wholePanels * kc * mr; p < kc; p++) {
                for (int r = 0; r < mr; r++, d++) {
                    dst[d] = row0 + r < rows ? alpha * a.getAtIndex(F, at + row0 + r + p * colStride) : 0;
                }
            }
        }
    }

    /**
     * Row-major B: at each step of k, a panel's nr values are contiguous: one bulk copy, segment to panel.
     * A band of {@link #BAND} rows of B goes to every panel before the next band: B's rows are read as that many
     * sequential streams, and each panel receives a contiguous run. (Panel by panel down all kc rows reads kc
     * lines a row stride apart; at a 4 KiB stride they share one L1 set and the panel misses on every row.)
     * Copying a band of whole rows to scratch first, then to the panels, measured no faster (a thin product's
     * B streams from L3 either way).
     */
    private static void packBRowMajor(float[] dst, int dstAt, int nr, MemorySegment b, long at, long rowStride,
                                      int kc, int cols) {
        int wholePanels = cols / nr, half = ROW.length();
        boolean vectors = nr == 2 * half;
        for (int p0 = 0; p0 < kc; p0 += BAND) {
            int p1 = Math.min(kc, p0 + BAND);
            for (int panel = 0; panel < wholePanels; panel++) {
                long src = (at + p0 * rowStride + (long) panel * nr) * BYTES;
                for (int p = p0, d = dstAt + panel * kc * nr + p0 * nr; p < p1; p++, d += nr, src += rowStride * BYTES) {
                    // a bulk copy of 2 vectors costs a call and its checks, several times the two loads and stores
                    if (vectors) {
                        FloatVector.fromMemorySegment(ROW, b, src, ORDER).intoArray(dst, d);
                        FloatVector.fromMemorySegment(ROW, b, src + half * BYTES, ORDER).intoArray(dst, d + half);
                    } else {
                        MemorySegment.copy(b, F, src, dst, d, nr);
                    }
                }
            }
        }
        if (wholePanels * nr < cols) {
            int col0 = wholePanels * nr;
            for (int p = 0, d = dstAt + wholePanels * kc * nr; p < kc; p++) {
                for (int j = 0; j < nr; j++, d++) {
                    dst[d] = col0 + j < cols ? b.getAtIndex(F, at + p * rowStride + col0 + j) : 0;
                }
            }
        }
    }

    /**
     * Transposed B (a Linear weight): each column's kc elements are contiguous, but go down one column of a
     * panel. A panel's columns are copied to scratch lines (column j at j * {@link #LINE}), then each panel row p takes
     * element p of every line.
     */
    private static void packBTransposed(float[] dst, int dstAt, int nr, MemorySegment b, long at, long colStride,
                                        int kc, int cols, float[] scratch) {
        for (int col0 = 0, o = dstAt; col0 < cols; col0 += nr, o += kc * nr) {
            int colsHere = Math.min(nr, cols - col0);
            for (int j = 0; j < colsHere; j++) {
                MemorySegment.copy(b, F, (at + (col0 + j) * colStride) * BYTES, scratch, j * LINE, kc);
            }
            for (int j = colsHere; j < nr; j++) java.util.Arrays.fill(scratch, j * LINE, j * LINE + kc, 0f);
            for (int p = 0, d = o; p < kc; p++, d += nr) {
                for (int j = 0; j < nr; j++) dst[d + j] = scratch[j * LINE + p];
            }
        }
    }

    /**
     * dst[o + p * 4 + r] = alpha * A[r, p] for four rows of A (row r at byte {@code rowBytes + r * strideBytes} of a
     * native segment) and the whole vectors of steps in [0, kc), whose
     * count it returns (the caller writes the rest element by element): vectors of {@link #QUAD} along each
     * row hold lanes / 4 steps; output vector q takes lane L from row L % 4 at step q * (lanes / 4) + L / 4: each
     * row's lanes spread by SPREAD_q, then the four rows blended by ROW_1 to ROW_3.
     */
    private static int fourRowsInterleaved(float[] dst, int o, float alpha, MemorySegment a, long rowBytes, long strideBytes, int kc) {
        int lanes = QUAD.length();
        long r1 = rowBytes + strideBytes, r2 = r1 + strideBytes, r3 = r2 + strideBytes, step = lanes * BYTES;
        int p = 0;
        for (int d = o; p + lanes <= kc; p += lanes, d += 4 * lanes, rowBytes += step, r1 += step, r2 += step, r3 += step) {
            FloatVector a0 = FloatVector.fromMemorySegment(QUAD, a, rowBytes, ORDER).mul(alpha);
            FloatVector a1 = FloatVector.fromMemorySegment(QUAD, a, r1, ORDER).mul(alpha);
            FloatVector a2 = FloatVector.fromMemorySegment(QUAD, a, r2, ORDER).mul(alpha);
            FloatVector a3 = FloatVector.fromMemorySegment(QUAD, a, r3, ORDER).mul(alpha);
            // written out, not looped over q: the shuffles must stay constants (see SPREAD_0)
            a0.rearrange(SPREAD_0).blend(a1.rearrange(SPREAD_0), ROW_1).blend(a2.rearrange(SPREAD_0), ROW_2)
                    .blend(a3.rearrange(SPREAD_0), ROW_3).intoArray(dst, d);
            a0.rearrange(SPREAD_1).blend(a1.rearrange(SPREAD_1), ROW_1).blend(a2.rearrange(SPREAD_1), ROW_2)
                    .blend(a3.rearrange(SPREAD_1), ROW_3).intoArray(dst, d + lanes);
            a0.rearrange(SPREAD_2).blend(a1.rearrange(SPREAD_2), ROW_1).blend(a2.rearrange(SPREAD_2), ROW_2)
                    .blend(a3.rearrange(SPREAD_2), ROW_3).intoArray(dst, d + 2 * lanes);
            a0.rearrange(SPREAD_3).blend(a1.rearrange(SPREAD_3), ROW_1).blend(a2.rearrange(SPREAD_3), ROW_2)
                    .blend(a3.rearrange(SPREAD_3), ROW_3).intoArray(dst, d + 3 * lanes);
        }
        return p;
    }

    /**
     * dst[o + p * 8 + r] = alpha * A[r, p] for eight rows of A and the whole vectors of steps in [0, kc), whose
     * count it returns, as {@link #fourRowsInterleaved} does: each pass takes one vector of
     * {@link #OCT} along every row (lanes steps) and writes them as lanes / 8 steps per vector, after three rounds
     * of interleaving (see {@link #LOW_1}): rows, then pairs of rows, then the halves 0-3 and 4-7.
     */
    private static int eightRowsInterleaved(float[] dst, int o, float alpha, float[] lines, int kc) {
        int lanes = OCT.length();
        int p = 0;
        for (int d = o; p + lanes <= kc; p += lanes, d += 8 * lanes) {
            FloatVector r0 = FloatVector.fromArray(OCT, lines, p).mul(alpha);
            FloatVector r1 = FloatVector.fromArray(OCT, lines, LINE + p).mul(alpha);
            FloatVector r2 = FloatVector.fromArray(OCT, lines, 2 * LINE + p).mul(alpha);
            FloatVector r3 = FloatVector.fromArray(OCT, lines, 3 * LINE + p).mul(alpha);
            FloatVector r4 = FloatVector.fromArray(OCT, lines, 4 * LINE + p).mul(alpha);
            FloatVector r5 = FloatVector.fromArray(OCT, lines, 5 * LINE + p).mul(alpha);
            FloatVector r6 = FloatVector.fromArray(OCT, lines, 6 * LINE + p).mul(alpha);
            FloatVector r7 = FloatVector.fromArray(OCT, lines, 7 * LINE + p).mul(alpha);
            // written out, not looped: the shuffles must stay constants (see SPREAD_0)
            FloatVector r01Low = r0.rearrange(LOW_1, r1), r01High = r0.rearrange(HIGH_1, r1);
            FloatVector r23Low = r2.rearrange(LOW_1, r3), r23High = r2.rearrange(HIGH_1, r3);
            FloatVector r45Low = r4.rearrange(LOW_1, r5), r45High = r4.rearrange(HIGH_1, r5);
            FloatVector r67Low = r6.rearrange(LOW_1, r7), r67High = r6.rearrange(HIGH_1, r7);
            FloatVector r0to3q0 = r01Low.rearrange(LOW_2, r23Low), r0to3q1 = r01Low.rearrange(HIGH_2, r23Low);
            FloatVector r0to3q2 = r01High.rearrange(LOW_2, r23High), r0to3q3 = r01High.rearrange(HIGH_2, r23High);
            FloatVector r4to7q0 = r45Low.rearrange(LOW_2, r67Low), r4to7q1 = r45Low.rearrange(HIGH_2, r67Low);
            FloatVector r4to7q2 = r45High.rearrange(LOW_2, r67High), r4to7q3 = r45High.rearrange(HIGH_2, r67High);
            // quarter q of the steps, rows 0-3 and 4-7, makes output vectors 2q and 2q + 1
            r0to3q0.rearrange(LOW_4, r4to7q0).intoArray(dst, d);
            r0to3q0.rearrange(HIGH_4, r4to7q0).intoArray(dst, d + lanes);
            r0to3q1.rearrange(LOW_4, r4to7q1).intoArray(dst, d + 2 * lanes);
            r0to3q1.rearrange(HIGH_4, r4to7q1).intoArray(dst, d + 3 * lanes);
            r0to3q2.rearrange(LOW_4, r4to7q2).intoArray(dst, d + 4 * lanes);
            r0to3q2.rearrange(HIGH_4, r4to7q2).intoArray(dst, d + 5 * lanes);
            r0to3q3.rearrange(LOW_4, r4to7q3).intoArray(dst, d + 6 * lanes);
            r0to3q3.rearrange(HIGH_4, r4to7q3).intoArray(dst, d + 7 * lanes);
        }
        return p;
    }
}
