package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Single-precision GEMM: {@code C = alpha * A @ B + beta * C} for A (m x k) and B (k x n) of any strides
 * (a transpose is a swap of row and column stride), C row-major with leading dimension ldc.
 * Offsets and strides count elements, not bytes. With beta == 0, C is only written (NaN in C does not leak);
 * with alpha == 0 or k == 0, A and B are not read (as BLAS).
 *
 * <h2>How it is fast (GotoBLAS / BLIS)</h2>
 * <pre>
 * for jc in n by NC:                      B block (KC x NC, 4 MiB) stays in L3
 *   for pc in k by KC:
 *     pack B[pc:+KC, jc:+NC] into NR-wide panels
 *     for ic in m by MC:
 *       pack alpha * A[ic:+MC, pc:+KC] into MR-tall panels    A block (MC x KC, 144 KiB) stays in L2
 *       for jr in NC by NR:               B micro-panel (KC x NR, 16 KiB: NR is 2 vectors wide) stays in L1
 *         for ir in MC by MR:             A micro-panel (KC x MR elements) streams from L2
 *           tile = A_panel @ B_panel      {@link SgemmMicroKernel}: MR x NR in registers, KC FMAs deep
 *           C tile = tile + beta * C tile (beta on the first pc, then 1), then the epilogue on the last pc
 * </pre>
 * The micro-tile is MR rows by NR = 2 vectors (MR = 4 at 128 and 256 bits, 8 at 512); see
 * {@link SgemmMicroKernel} for why not the textbook 6 rows. Block sizes, for AMD Zen 3 (32 KiB L1d and
 * 512 KiB L2 per core, 32 MiB L3), as BLIS picks them there, the same in bytes for either precision:
 * KC = 256 so a B micro-panel (KC x NR = 16 KiB) plus an A micro-panel take about 2/3 to 3/4 of L1;
 * MC (a multiple of every MR) so the packed A block (144 KiB) takes under a third of L2, leaving room
 * for the B panels streaming through; NC so the packed B block (4 MiB) sits in L3.
 * This class is the source of its double-precision twin, which the build generates from it
 * (ops-vector/pom.xml): a line ending in a {@code // double:} note takes that value there.
 * Panels are heap {@code float[]}s, one set per thread, reused across calls, so the kernel's loads are plain
 * array loads whose bounds checks the JIT hoists out of the loop; edges are zero-padded to whole tiles.
 * Threads (from {@link IntraOpPool}, above {@link #PARALLEL_MIN_WORK}) split C into disjoint rows when C is
 * tall, columns when wide, so no two threads write one cache line except at a split's edge. By default each
 * thread runs the loops above on its part alone, packing the operand all threads read (B for a row split) once
 * per thread: one join per call, nothing for a descheduled thread to hold up on a shared machine, for the
 * price of packing that operand twice. With {@code -Djtorch.gemm.sharedPacking=true} they pack each B block
 * together instead and split its rows, two joins per block. Segments confined to the calling thread
 * ({@code Arena.ofConfined()}) keep the whole product on that thread.
 *
 * <p>Small products (m or n below one tile, or k tiny) take a direct path without packing.
 */
public final class Sgemm {
    private Sgemm() {}

    static final int KC = 256;
    static final int MC = 144; // double: 72
    static final int NC = 4096; // double: 2048

    /**
     * Products below this many multiply-adds (m * n * k) run on the calling thread. A parallel section costs a
     * hand-off and a join (some microseconds each, more when the machine is busy), and a blocked product has two
     * per KC block; 128^3 multiply-adds take about 50 us on one Zen 3 core, the size where splitting starts to pay.
     */
    static final long PARALLEL_MIN_WORK = 128L * 128 * 128;

    /** Packing B is split between threads only in pieces of at least this many elements. */
    private static final int PARALLEL_MIN_PACK = 32 * 1024;

    /**
     * How threads share a blocked product: true, each packs what it reads and never waits for another; false,
     * they pack one B block together and meet twice per block (system property {@code jtorch.gemm.sharedPacking}).
     * See {@code Blocked.run}.
     */
    private static volatile boolean independentThreads = !Boolean.getBoolean("jtorch.gemm.sharedPacking");

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Species of the unpacked paths (small products, epilogue): the configured width, never above preferred. */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.vectorBitSize() <= GemmVectorWidth.DEFAULT_BITS
            ? FloatVector.SPECIES_PREFERRED
            : FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(GemmVectorWidth.DEFAULT_BITS)).check(Float.class);
    private static final int L = S.length();

    /** The micro-kernel in use: chosen once from {@link GemmVectorWidth#DEFAULT_BITS}; tests switch it. */
    private static volatile SgemmMicroKernel kernel = SgemmMicroKernel.forBits(GemmVectorWidth.DEFAULT_BITS);

    private static final ThreadLocal<float[]> PACKED_A = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> PACKED_B = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);
    /** One contiguous run of A or B on its way into a panel. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /** Test hook: makes the blocked path use the 128-, 256- or 512-bit micro-kernel. */
    static void useVectorBits(int bits) { kernel = SgemmMicroKernel.forBits(bits); }

    /** Test hook: true, threads pack independently; false, they share one packed B block. */
    static void useIndependentThreads(boolean independent) { independentThreads = independent; }

    static boolean independentThreads() { return independentThreads; }

    /** The width of the micro-kernel in use. */
    static int vectorBits() { return kernel.vectorBits; }

    public static void gemm(int m, int n, int k, float alpha,
                            MemorySegment a, long aOff, long aRowStride, long aColStride,
                            MemorySegment b, long bOff, long bRowStride, long bColStride,
                            float beta, MemorySegment c, long cOff, long ldc) {
        gemm(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc,
                Epilogue.NONE);
    }

    /** {@code C = epilogue(alpha * A @ B + beta * C)}: bias and activation fused while each C tile is in cache. */
    public static void gemm(int m, int n, int k, float alpha,
                            MemorySegment a, long aOff, long aRowStride, long aColStride,
                            MemorySegment b, long bOff, long bRowStride, long bColStride,
                            float beta, MemorySegment c, long cOff, long ldc, Epilogue epilogue) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative GEMM size " + m + "x" + n + "x" + k);
        if (epilogue == null) epilogue = Epilogue.NONE;
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOff, ldc);
            applyEpilogue(epilogue, c, cOff, ldc, 0, m, 0, n);
            return;
        }
        SgemmMicroKernel kern = kernel;
        if (m < kern.mr || n < kern.nr || k < 8) {
            direct(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc, epilogue);
        } else {
            new Blocked(kern, m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                    beta, c, cOff, ldc, epilogue).run();
        }
    }

    /** The plain triple loop every fast path is tested against. */
    public static void reference(int m, int n, int k, float alpha,
                                 MemorySegment a, long aOff, long aRowStride, long aColStride,
                                 MemorySegment b, long bOff, long bRowStride, long bColStride,
                                 float beta, MemorySegment c, long cOff, long ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += a.getAtIndex(ValueLayout.JAVA_FLOAT, aOff + i * aRowStride + p * aColStride)
                         * b.getAtIndex(ValueLayout.JAVA_FLOAT, bOff + p * bRowStride + j * bColStride);
                }
                long ci = cOff + i * ldc + j;
                float prev = beta == 0 ? 0 : beta * c.getAtIndex(ValueLayout.JAVA_FLOAT, ci);
                c.setAtIndex(ValueLayout.JAVA_FLOAT, ci, alpha * acc + prev);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The blocked path

    /** One blocked GEMM call: its operands, the shared packed B, and which (jc, pc) block is current. */
    private static final class Blocked {
        final SgemmMicroKernel kernel;
        final int mr, nr;
        final int m, n, k;
        final float alpha, beta;
        final MemorySegment a, b, c;
        final long aOff, aRowStride, aColStride, bOff, bRowStride, bColStride, cOff, ldc;
        final Epilogue epilogue;

        /** Where one thread is in the jc / pc loops, and the packed B block it reads. */
        private static final class Block {
            final float[] packedB;
            int jc, nc, pc, kc;
            float beta;
            boolean lastK;

            Block(float[] packedB) { this.packedB = packedB; }

            /** Moves to the block at (jc, pc); the first pc block scales C by beta, the later ones accumulate. */
            void moveTo(int jc, int nc, int pc, int kc, int k, float betaOfCall) {
                this.jc = jc; this.nc = nc; this.pc = pc; this.kc = kc;
                this.beta = pc == 0 ? betaOfCall : 1f;
                this.lastK = pc + kc == k;
            }
        }

        Blocked(SgemmMicroKernel kernel, int m, int n, int k, float alpha,
                MemorySegment a, long aOff, long aRowStride, long aColStride,
                MemorySegment b, long bOff, long bRowStride, long bColStride,
                float beta, MemorySegment c, long cOff, long ldc, Epilogue epilogue) {
            this.kernel = kernel;
            this.mr = kernel.mr;
            this.nr = kernel.nr;
            this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
            this.a = a; this.aOff = aOff; this.aRowStride = aRowStride; this.aColStride = aColStride;
            this.b = b; this.bOff = bOff; this.bRowStride = bRowStride; this.bColStride = bColStride;
            this.c = c; this.cOff = cOff; this.ldc = ldc;
            this.epilogue = epilogue;
        }

        private Block newBlock(int columns) {
            return new Block(buffer(PACKED_B, Math.min(KC, k) * Math.ceilDiv(Math.min(NC, columns), nr) * nr));
        }

        void run() {
            int threads = IntraOpPool.numThreads();
            boolean parallel = threads > 1 && (long) m * n * k >= PARALLEL_MIN_WORK
                    && GemmThreading.accessibleFromPool(a, b, c, epilogue.bias());
            int mPanels = Math.ceilDiv(m, mr), nPanels = Math.ceilDiv(n, nr);
            if (!parallel) {
                computeColumns(0, n, 0, mPanels);
            } else if (independentThreads) {
                // Each thread owns whole rows (or columns) of C and packs everything it reads itself: no thread
                // ever waits for another until the end. The operand every thread needs is packed once per
                // thread; split so that it is the smaller one (B when C is tall, A when C is wide).
                if (m >= n) {
                    IntraOpPool.parallelFor(mPanels, 1, (p0, p1) -> computeColumns(0, n, (int) p0, (int) p1));
                } else {
                    IntraOpPool.parallelFor(nPanels, 1,
                            (q0, q1) -> computeColumns((int) q0 * nr, (int) Math.min(n, q1 * nr), 0, mPanels));
                }
            } else {
                // One packed B block shared by all threads: packed in parallel, then C split by rows (or, when
                // there are few row panels, by columns); two joins per block.
                Block block = newBlock(n);
                for (int jc = 0; jc < n; jc += NC) {
                    int nc = Math.min(NC, n - jc);
                    int blockPanels = Math.ceilDiv(nc, nr);
                    for (int pc = 0; pc < k; pc += KC) {
                        block.moveTo(jc, nc, pc, Math.min(KC, k - pc), k, beta);
                        IntraOpPool.parallelFor(blockPanels, Math.max(1, PARALLEL_MIN_PACK / (block.kc * nr)),
                                (q0, q1) -> packB(block, (int) q0, (int) q1));
                        if (mPanels >= 4 * threads || mPanels >= blockPanels) {
                            IntraOpPool.parallelFor(mPanels, 1,
                                    (p0, p1) -> computeRows(block, (int) p0, (int) p1, 0, blockPanels));
                        } else {
                            IntraOpPool.parallelFor(blockPanels, 1,
                                    (q0, q1) -> computeRows(block, 0, mPanels, (int) q0, (int) q1));
                        }
                    }
                }
            }
        }

        /** C[rows of row panels p0..p1, columns j0..j1] on this thread alone, packing its own A and B. */
        private void computeColumns(int j0, int j1, int p0, int p1) {
            Block block = newBlock(j1 - j0);
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    block.moveTo(jc, nc, pc, Math.min(KC, k - pc), k, beta);
                    packB(block, 0, Math.ceilDiv(nc, nr));
                    computeRows(block, p0, p1, 0, Math.ceilDiv(nc, nr));
                }
            }
        }

        /** Row panels [p0, p1) of C against column panels [q0, q1) of the current packed B block. */
        private void computeRows(Block block, int p0, int p1, int q0, int q1) {
            float[] packedA = buffer(PACKED_A, MC * KC);
            float[] tile = buffer(TILE, mr * nr);
            int rowEnd = Math.min(m, p1 * mr);
            for (int ic = p0 * mr; ic < rowEnd; ic += MC) {
                int mc = Math.min(MC, rowEnd - ic);
                packA(packedA, block, ic, mc);
                macroKernel(block, packedA, ic, mc, q0, q1, tile);
            }
        }

        /** The packed A block (rows ic..ic+mc) times B panels [q0, q1): every MR x NR tile through the kernel. */
        private void macroKernel(Block block, float[] packedA, int ic, int mc, int q0, int q1, float[] tile) {
            int kc = block.kc;
            int mPanels = Math.ceilDiv(mc, mr);
            boolean withEpilogue = block.lastK && !epilogue.isIdentity();
            for (int jp = q0; jp < q1; jp++) {
                int j = block.jc + jp * nr;
                int cols = Math.min(nr, n - j);
                int bPanel = jp * kc * nr;
                for (int ip = 0; ip < mPanels; ip++) {
                    int i = ic + ip * mr;
                    int rows = Math.min(mr, ic + mc - i);
                    kernel.multiply(kc, packedA, ip * kc * mr, block.packedB, bPanel, tile);
                    long cTile = cOff + i * ldc + j;
                    if (rows == mr && cols == nr) kernel.storeTile(tile, c, cTile, ldc, block.beta);
                    else kernel.storePartialTile(tile, rows, cols, c, cTile, ldc, block.beta);
                    if (withEpilogue) applyEpilogue(epilogue, c, cOff, ldc, i, rows, j, cols);
                }
            }
        }

        /**
         * alpha * A[ic:ic+mc, pc:pc+kc] into MR-row panels: {@code dst[panel * kc * MR + p * MR + r]}, zero-padded.
         * A unit-stride run of A (a row when A is row-major, a column when transposed) is first copied in bulk to a
         * heap scratch line: element-wise segment reads cost several times a bulk copy plus an array read.
         */
        private void packA(float[] dst, Block block, int ic, int mc) {
            int pc = block.pc, kc = block.kc;
            float[] line = buffer(SCRATCH, Math.max(kc, mc));
            int panelSize = kc * mr;
            if (aColStride == 1) {
                // Row-major A: each row along k is contiguous; it goes down one column of its panel.
                for (int row = 0; row < mc; row++) {
                    MemorySegment.copy(a, F, (aOff + (ic + row) * aRowStride + pc) * Float.BYTES, line, 0, kc);
                    int at = (row / mr) * panelSize + row % mr;
                    for (int p = 0; p < kc; p++) dst[at + p * mr] = alpha * line[p];
                }
            } else if (aRowStride == 1) {
                // Transposed A: each k step's mc values are contiguous; MR of them go to each panel.
                for (int p = 0; p < kc; p++) {
                    MemorySegment.copy(a, F, (aOff + ic + (pc + p) * aColStride) * Float.BYTES, line, 0, mc);
                    for (int row0 = 0, at = p * mr; row0 < mc; row0 += mr, at += panelSize) {
                        int rows = Math.min(mr, mc - row0);
                        for (int r = 0; r < rows; r++) dst[at + r] = alpha * line[row0 + r];
                    }
                }
            } else {
                for (int row = 0; row < mc; row++) {
                    long src = aOff + (ic + row) * aRowStride + pc * aColStride;
                    int at = (row / mr) * panelSize + row % mr;
                    for (int p = 0; p < kc; p++) dst[at + p * mr] = alpha * a.getAtIndex(F, src + p * aColStride);
                }
            }
            // Rows past the end of A in the last panel are zero, so its tile's extra rows compute to zero.
            for (int row = mc; row < Math.ceilDiv(mc, mr) * mr; row++) {
                int at = (row / mr) * panelSize + row % mr;
                for (int p = 0; p < kc; p++) dst[at + p * mr] = 0;
            }
        }

        /**
         * B[pc:pc+kc, jc:jc+nc] column panels [q0, q1) into {@code dst[panel * kc * NR + p * NR + j]}, zero-padded,
         * bulk-copying B's unit-stride runs (rows when row-major, columns when transposed) as {@link #packA} does.
         */
        private void packB(Block block, int q0, int q1) {
            float[] dst = block.packedB;
            int pc = block.pc, kc = block.kc;
            int j0 = block.jc + q0 * nr;
            int cols = Math.min((q1 - q0) * nr, n - j0);
            int panelSize = kc * nr;
            int first = q0 * panelSize;
            float[] line = buffer(SCRATCH, Math.max(kc, cols));
            if (bColStride == 1) {
                // Row-major B: each k step is a contiguous run across the panels; NR of it goes to each.
                for (int p = 0; p < kc; p++) {
                    MemorySegment.copy(b, F, (bOff + (pc + p) * bRowStride + j0) * Float.BYTES, line, 0, cols);
                    for (int col0 = 0, at = first + p * nr; col0 < cols; col0 += nr, at += panelSize) {
                        System.arraycopy(line, col0, dst, at, Math.min(nr, cols - col0));
                    }
                }
            } else if (bRowStride == 1) {
                // Transposed B (a Linear weight): each column is contiguous along k; it goes down one panel column.
                for (int col = 0; col < cols; col++) {
                    MemorySegment.copy(b, F, (bOff + pc + (j0 + col) * bColStride) * Float.BYTES, line, 0, kc);
                    int at = first + (col / nr) * panelSize + col % nr;
                    for (int p = 0; p < kc; p++) dst[at + p * nr] = line[p];
                }
            } else {
                for (int col = 0; col < cols; col++) {
                    long src = bOff + pc * bRowStride + (j0 + col) * bColStride;
                    int at = first + (col / nr) * panelSize + col % nr;
                    for (int p = 0; p < kc; p++) dst[at + p * nr] = b.getAtIndex(F, src + p * bRowStride);
                }
            }
            // Columns past the end of B in the last panel are zero.
            for (int col = cols; col < (q1 - q0) * nr; col++) {
                int at = first + (col / nr) * panelSize + col % nr;
                for (int p = 0; p < kc; p++) dst[at + p * nr] = 0;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The direct path: no packing, for a C narrower or shorter than one tile, or a tiny k

    private static void direct(int m, int n, int k, float alpha,
                               MemorySegment a, long aOff, long aRowStride, long aColStride,
                               MemorySegment b, long bOff, long bRowStride, long bColStride,
                               float beta, MemorySegment c, long cOff, long ldc, Epilogue epilogue) {
        IntraOpPool.RangeBody rows = (i0, i1) -> directBlock((int) i0, (int) i1, 0, n, k, alpha,
                a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc, epilogue);
        int threads = IntraOpPool.numThreads();
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN_WORK
                || !GemmThreading.accessibleFromPool(a, b, c, epilogue.bias())) {
            rows.run(0, m);
        } else if (m >= threads) {
            IntraOpPool.parallelFor(m, 1, rows);
        } else {
            IntraOpPool.parallelFor(Math.ceilDiv(n, L), 1, (q0, q1) -> directBlock(0, m, (int) q0 * L, (int) Math.min(n, q1 * L),
                    k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc, epilogue));
        }
    }

    /** C[i0:i1, j0:j1] without packing: vectors along B's rows, or along k for two contiguous operands. */
    private static void directBlock(int i0, int i1, int j0, int j1, int k, float alpha,
                                    MemorySegment a, long aOff, long aRowStride, long aColStride,
                                    MemorySegment b, long bOff, long bRowStride, long bColStride,
                                    float beta, MemorySegment c, long cOff, long ldc, Epilogue epilogue) {
        for (int i = i0; i < i1; i++) {
            long aRow = aOff + i * aRowStride;
            long cRow = cOff + i * ldc;
            int j = j0;
            if (bColStride == 1) {
                // C[i, j:j+L] = sum_p A[i, p] * B[p, j:j+L]; four vectors at a time for four FMA chains.
                for (; j + 4 * L <= j1; j += 4 * L) {
                    FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
                    FloatVector acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
                    for (int p = 0; p < k; p++) {
                        FloatVector ap = FloatVector.broadcast(S, a.getAtIndex(F, aRow + p * aColStride));
                        long bAt = (bOff + p * bRowStride + j) * Float.BYTES;
                        acc0 = ap.fma(FloatVector.fromMemorySegment(S, b, bAt, ORDER), acc0);
                        acc1 = ap.fma(FloatVector.fromMemorySegment(S, b, bAt + L * Float.BYTES, ORDER), acc1);
                        acc2 = ap.fma(FloatVector.fromMemorySegment(S, b, bAt + 2 * L * Float.BYTES, ORDER), acc2);
                        acc3 = ap.fma(FloatVector.fromMemorySegment(S, b, bAt + 3 * L * Float.BYTES, ORDER), acc3);
                    }
                    storeRow(acc0, alpha, beta, c, cRow + j);
                    storeRow(acc1, alpha, beta, c, cRow + j + L);
                    storeRow(acc2, alpha, beta, c, cRow + j + 2 * L);
                    storeRow(acc3, alpha, beta, c, cRow + j + 3 * L);
                }
                for (; j + L <= j1; j += L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int p = 0; p < k; p++) {
                        FloatVector ap = FloatVector.broadcast(S, a.getAtIndex(F, aRow + p * aColStride));
                        acc = ap.fma(FloatVector.fromMemorySegment(S, b, (bOff + p * bRowStride + j) * Float.BYTES, ORDER), acc);
                    }
                    storeRow(acc, alpha, beta, c, cRow + j);
                }
            }
            for (; j < j1; j++) {
                long bCol = bOff + j * bColStride;
                float acc = aColStride == 1 && bRowStride == 1
                        ? contiguousDot(a, aRow, b, bCol, k)
                        : stridedDot(a, aRow, aColStride, b, bCol, bRowStride, k);
                long at = cRow + j;
                c.setAtIndex(F, at, beta == 0 ? alpha * acc : alpha * acc + beta * c.getAtIndex(F, at));
            }
            applyEpilogue(epilogue, c, cOff, ldc, i, 1, j0, j1 - j0);
        }
    }

    private static void storeRow(FloatVector acc, float alpha, float beta, MemorySegment c, long at) {
        long bytes = at * Float.BYTES;
        FloatVector out = acc.mul(alpha);
        if (beta != 0) out = FloatVector.fromMemorySegment(S, c, bytes, ORDER).fma(FloatVector.broadcast(S, beta), out);
        out.intoMemorySegment(c, bytes, ORDER);
    }

    private static float contiguousDot(MemorySegment a, long aAt, MemorySegment b, long bAt, int k) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
            long aBytes = (aAt + p) * Float.BYTES, bBytes = (bAt + p) * Float.BYTES;
            acc0 = FloatVector.fromMemorySegment(S, a, aBytes, ORDER).fma(FloatVector.fromMemorySegment(S, b, bBytes, ORDER), acc0);
            acc1 = FloatVector.fromMemorySegment(S, a, aBytes + L * Float.BYTES, ORDER)
                    .fma(FloatVector.fromMemorySegment(S, b, bBytes + L * Float.BYTES, ORDER), acc1);
        }
        float acc = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) acc += a.getAtIndex(F, aAt + p) * b.getAtIndex(F, bAt + p);
        return acc;
    }

    private static float stridedDot(MemorySegment a, long aAt, long aStride, MemorySegment b, long bAt, long bStride, int k) {
        float acc = 0;
        for (int p = 0; p < k; p++) acc += a.getAtIndex(F, aAt + p * aStride) * b.getAtIndex(F, bAt + p * bStride);
        return acc;
    }

    // ---------------------------------------------------------------------------------------------------------
    // beta-only updates and the epilogue

    /** C = beta * C, and C = 0 without reading it when beta == 0. */
    private static void scale(int m, int n, float beta, MemorySegment c, long cOff, long ldc) {
        if (beta == 1) return;
        for (int i = 0; i < m; i++) {
            long row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c.setAtIndex(F, row + j, beta == 0 ? 0f : beta * c.getAtIndex(F, row + j));
        }
    }

    /** Adds the bias and applies the activation to C[i0:i0+rows, j0:j0+cols]. */
    static void applyEpilogue(Epilogue epilogue, MemorySegment c, long cOff, long ldc, int i0, int rows, int j0, int cols) {
        if (epilogue.isIdentity()) return;
        MemorySegment bias = epilogue.bias();
        boolean biasPerColumn = bias != null && epilogue.biasAxis() == Epilogue.BiasAxis.PER_COLUMN;
        boolean biasPerRow = bias != null && epilogue.biasAxis() == Epilogue.BiasAxis.PER_ROW;
        boolean relu = epilogue.activation() == Activation.RELU;
        long biasAt = epilogue.biasOffset();
        for (int i = i0; i < i0 + rows; i++) {
            long row = cOff + i * ldc;
            float rowBias = biasPerRow ? bias.getAtIndex(F, biasAt + i) : 0f;
            int j = j0;
            for (; j + L <= j0 + cols; j += L) {
                long bytes = (row + j) * Float.BYTES;
                FloatVector v = FloatVector.fromMemorySegment(S, c, bytes, ORDER);
                if (biasPerColumn) v = v.add(FloatVector.fromMemorySegment(S, bias, (biasAt + j) * Float.BYTES, ORDER));
                if (biasPerRow) v = v.add(rowBias);
                if (relu) v = v.max(0f);
                v.intoMemorySegment(c, bytes, ORDER);
            }
            for (; j < j0 + cols; j++) {
                float v = c.getAtIndex(F, row + j);
                if (biasPerColumn) v += bias.getAtIndex(F, biasAt + j);
                if (biasPerRow) v += rowBias;
                if (relu) v = Math.max(v, 0f);
                c.setAtIndex(F, row + j, v);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static float[] buffer(ThreadLocal<float[]> slot, int size) {
        float[] buf = slot.get();
        if (buf.length < size) {
            buf = new float[size];
            slot.set(buf);
        }
        return buf;
    }

}
