package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *     pack B[pc:+KC, jc:+NC] into NR-wide panels                 shared by all threads, two buffers alternating
 *     for each unit (rows ic.., panels jr..) of C, claimed by whichever thread is free:
 *       pack alpha * A[unit rows, pc:+KC] into MR-tall panels    A block (at most MC x KC, 144 KiB) stays in L2
 *       for jr in the unit's columns by NR:   B micro-panel (KC x NR, 16 KiB: NR is 2 vectors wide) stays in L1
 *         for ir in the unit's rows by MR:    A micro-panel (KC x MR elements) streams from L2
 *           tile = A_panel @ B_panel          {@link SgemmMicroKernel}: MR x NR in registers, KC FMAs deep
 *           C tile = tile + beta * C tile (beta on the first pc, then 1), then the epilogue on the last pc
 * </pre>
 * The micro-tile is MR rows by NR = 2 vectors (MR = 4 at 128 and 256 bits, 8 at 512); see
 * {@link SgemmMicroKernel} for why not the textbook 6 rows. Block sizes, for AMD Zen 3 (32 KiB L1d and
 * 512 KiB L2 per core, 32 MiB L3), as BLIS picks them there, the same in bytes for either precision:
 * KC = 256 so a B micro-panel (KC x NR = 16 KiB) plus an A micro-panel take about 2/3 to 3/4 of L1;
 * MC (a multiple of every MR) so the packed A block (144 KiB) takes under a third of L2, leaving room
 * for the B panels streaming through; NC so the packed B block (4 MiB) sits in L3. With 512-bit vectors KC is
 * 1024 (see {@link #KC}): the B micro-panel streams from L2 and C is read and written a quarter as often.
 * This class is the source of its double-precision twin, which the build generates from it
 * (ops-vector/pom.xml): a line ending in a {@code // double:} note takes that value there.
 * Panels are heap {@code float[]}s reused across calls, so the kernel's loads are plain array loads whose
 * bounds checks the JIT hoists out of the loop; edges are zero-padded to whole tiles. {@link SgemmPacking} fills
 * them, with a loop per operand layout that reads and writes along memory (vector copies, four rows of A
 * interleaved in registers, or scratch lines).
 *
 * <h2>Threads: claimed work, not a static split</h2>
 * Above {@link #PARALLEL_MIN_WORK}, every thread of an {@link IntraOpPool#team} claims tasks from one counter,
 * in order: for each (jc, pc) block, first its pack tasks (some panels of the B block each), then its compute
 * units (about {@link #UNITS_PER_THREAD} per thread: row groups of at most MC rows, split by columns as well
 * when C has few rows). A unit waits until its block is packed and until the same unit of the previous block is
 * done (its C tiles take the pc blocks in order); a pack task waits until the units of the block two back are
 * done (blocks alternate between two buffers, so packing the next block overlaps the last units of this one).
 * Every wait is for a task claimed earlier, so a thread that is descheduled on a shared machine just claims
 * fewer units, and the others wait for it only if it holds a unit they need a whole block later. Each C element
 * gets the same operations in the same order on whichever thread, so the product is bit-for-bit the same
 * whatever the number of threads. B is packed once and shared rather than per thread: with dynamic units, each
 * thread would have to pack B again for every unit it claims (an A block's worth of rows), not once per call.
 * Segments confined to the calling thread ({@code Arena.ofConfined()}) keep the whole product on that thread.
 *
 * <p>Row-major B with k up to {@link #UNPACKED_MAX_K} (an RNN's backward step, an MLP's input gradient) takes
 * {@link Unpacked}, which reads B in place and copies only alpha * A: at these sizes packing costs a quarter of
 * the product and is not amortised. So does B = W^T in the same sizes when this thread saw W's bytes unchanged
 * the call before (a frozen weight: the layer-2 input projection of an LSTM at inference), through W^T laid out
 * row-major once and kept ({@link TransposedWeights}); a W that changes every call is packed as before, at the
 * cost of a comparison and a copy. Only for n in whole vectors: the first call runs blocked, and the unpacked
 * path sums the columns past the last whole vector with a multiply and an add where the blocked kernel fuses
 * them, so a W^T of 132 columns would have changed bits in its last four columns from the first call to the
 * second. Small products (m or n below one tile, or k tiny) take a direct path without
 * packing, and so does
 * batch-1 inference, m &lt;= {@link #SMALL_M} with B = W^T (a Linear's {@code x @ W^T}, W [n, k] row-major):
 * a GEMV-like kernel that streams W's rows once. Steady-state calls allocate nothing on the Java heap: the
 * per-call state lives in per-thread objects that are reused.
 */
public final class Sgemm {
    private Sgemm() {}

    /**
     * k per packed block. With 512-bit vectors (NR = 32, L2 of 1 MiB and more on every AVX-512 core) 1024: every
     * block of k reads and writes C once more, and at 256 C's traffic cost more than a B micro-panel kept in L1 saves
     * (square products on an AVX-512 Zen 4, old and new builds alternating in one JVM, time ratio to KC = 256: KC =
     * 128 1.13x at n = 1024 and 1.11x at 2048; 512 0.96x and 0.94x; 1024 0.92x and 0.90x).
     */
    static final int KC = GemmVectorWidth.DEFAULT_BITS >= 512 ? 1024 : 256;
    static final int MC = 144; // double: 72
    /** Columns per packed B block: the block (KC x NC) is 4 MiB whatever KC is. */
    static final int NC = (1 << 20) / KC; // double: (1 << 19) / KC

    /**
     * Products below this many multiply-adds (m * n * k) run on the calling thread. A parallel section costs a
     * hand-off and a join (some microseconds each, more when the machine is busy); 128^3 multiply-adds take
     * about 50 us on one Zen 3 core, the size where splitting starts to pay.
     */
    static final long PARALLEL_MIN_WORK = 128L * 128 * 128;

    /** Compute units per thread: enough that a late thread's share is small, few enough that A is packed rarely. */
    private static final int UNITS_PER_THREAD = 8;
    /** A unit is at least this many row panels tall before columns are split instead... */
    private static final int MIN_UNIT_ROW_PANELS = 4;
    /** ...and at least this many column panels wide, so A (packed once per unit) is reused across 256+ columns. */
    private static final int MIN_UNIT_COLUMN_PANELS = 16;
    /** A pack task covers at least this many elements of B, so claiming it costs little beside the copy. */
    private static final int PACK_TASK_ELEMENTS = 32 * 1024;

    /** Rows of C up to which B = W^T products take the GEMV-like kernel ({@link SmallM}). */
    static final int SMALL_M = 4;

    /**
     * Row-major B with k up to this takes the unpacked path ({@link Unpacked}) instead of the blocked one.
     * CPU time per call at one thread, blocked -> unpacked (JDK 25, AVX2 Zen 3 core shared with other builds, the
     * best of 7 rounds after 0.6 s of warm-up per path, native operands; run-to-run noise about 10%):
     * 64x64x256 (LSTM backward dgates @ W_hh) 49.2 -> 28.9 us; 64x256x64 41.6 -> 31.0 us;
     * 64x256x64 with A = h^T (the LSTM's dW_hh) 41.3 -> 33.2 us; 64x400x120 101.7 -> 83.8 us; 120x400x64 with
     * A transposed 103.8 -> 92.1 us. (Larger A went unpacked too then; the blocked path has since caught up,
     * see {@link #UNPACKED_MAX_A}.)
     * At k = 1920 (256x64x1920, A transposed) it loses, 2009 -> 2371 us: a column strip of B (k x 2 vectors)
     * no longer fits L1, and packing's KC blocking is what keeps it there.
     * B = W^T (unit row stride) stays on the blocked path unless its transpose is kept: transposing B on every
     * call (64x256x64: 46.8 -> 60.0 us) and dot products along k ({@link SmallM} at m = 64: 97.9 us) both
     * measured slower than packing.
     */
    static final int UNPACKED_MAX_K = 256;
    /**
     * ...and A (copied whole to the heap, then read once per column tile) at most this many elements: 32 KiB of
     * floats, L1's size, so the n / 2L passes over A hit L1. Past it the blocked path, with the packing and the
     * stepped k loop it has had since, measured faster (us per call, JDK 25, Zen 3, alternating in one process,
     * medians of 30-75 rounds; unpacked -> blocked): 1920x256x64 (an LSTM's input projection, B = W^T kept)
     * 1020 -> 813-839 at one thread, 752-905 -> 485-552 at two; 1920x64x256 (its input gradient) 1090-1392 ->
     * 906-1158 and 663-956 -> 484-811; 512x256x64 264 -> 214; 256x3136x64 (a 1x1 convolution) 1694 -> 1137 at
     * two; 128^3 106 -> 86; 64x3136x256 1422 against 1502 (level). Within it: 64x120x84 32 against 36,
     * 64x64x256 34-62 against 42-64.
     */
    static final long UNPACKED_MAX_A = 8192; // double: 4096

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Species of the unpacked paths (small products, epilogue): the configured width, never above preferred. */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.vectorBitSize() <= GemmVectorWidth.DEFAULT_BITS
            ? FloatVector.SPECIES_PREFERRED
            : FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(GemmVectorWidth.DEFAULT_BITS)).check(float.class);
    private static final int L = S.length();
    private static final LaneFolds<Float> FOLDS = LaneFolds.of(S);

    /** The micro-kernel in use: chosen once from {@link GemmVectorWidth#DEFAULT_BITS}; tests switch it. */
    private static volatile SgemmMicroKernel kernel = SgemmMicroKernel.forBits(GemmVectorWidth.DEFAULT_BITS);

    /** Each calling thread's blocked-product state, reused from call to call. */
    private static final ThreadLocal<Blocked> BLOCKED = ThreadLocal.withInitial(Blocked::new);
    /** Each calling thread's small-m state, reused from call to call. */
    private static final ThreadLocal<SmallM> SMALL = ThreadLocal.withInitial(SmallM::new);
    /** Each calling thread's unpacked-path state (and its copy of a transposed B), reused from call to call. */
    private static final ThreadLocal<Unpacked> UNPACKED = ThreadLocal.withInitial(Unpacked::new);
    /** Each calling thread's B = W^T operands seen unchanged from one call to the next, laid out row-major. */
    private static final ThreadLocal<TransposedWeights> KEPT_B = ThreadLocal.withInitial(TransposedWeights::new);
    private static final ThreadLocal<float[]> PACKED_A = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);
    /** Scratch lines of {@link SgemmPacking}: rows of A or columns of B on their way into a panel. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /** Test hook: makes the blocked path use the 128-, 256- or 512-bit micro-kernel. */
    static void useVectorBits(int bits) { kernel = SgemmMicroKernel.forBits(bits); }

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
        MemorySegment keptB;
        if (m <= SMALL_M && bRowStride == 1) {
            SMALL.get().run(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bColStride, beta, c, cOff, ldc, epilogue);
        } else if (m < kern.mr || n < kern.nr || k < 8) {
            direct(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc, epilogue);
        } else if (bColStride == 1 && k <= UNPACKED_MAX_K && (long) m * k <= UNPACKED_MAX_A) {
            UNPACKED.get().run(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, beta, c, cOff, ldc, epilogue);
        } else if (bRowStride == 1 && bColStride == k && k <= UNPACKED_MAX_K && (long) m * k <= UNPACKED_MAX_A && n % L == 0
                && (keptB = KEPT_B.get().ifUnchanged(b, bOff, n, k, Float.BYTES)) != null) {
            UNPACKED.get().run(m, n, k, alpha, a, aOff, aRowStride, aColStride, keptB, 0, n, beta, c, cOff, ldc, epilogue);
        } else {
            BLOCKED.get().run(kern, m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                    beta, c, cOff, ldc, epilogue);
        }
    }

    /**
     * Whether {@link #gemm} forms an m x n x k product with B = W^T on its blocked or unpacked path, where each
     * element of a k block is one fused multiply-add chain from zero over k in order: not the small-M path (m at most
     * {@link #SMALL_M}) nor the direct one (below one register tile, or k under 8), whose sums run in other orders.
     */
    static boolean chainsEachElement(long m, long n, long k) {
        SgemmMicroKernel kern = kernel;
        return m > SMALL_M && m >= kern.mr && n >= kern.nr && k >= 8;
    }

    /** One path by name, whatever the routing would pick: for tests and the cutover measurements (m, n, k > 0). */
    enum Path { BLOCKED, UNPACKED, SMALL_M, DIRECT }

    static void gemmBy(Path path, int m, int n, int k, float alpha,
                       MemorySegment a, long aOff, long aRowStride, long aColStride,
                       MemorySegment b, long bOff, long bRowStride, long bColStride,
                       float beta, MemorySegment c, long cOff, long ldc, Epilogue epilogue) {
        switch (path) {
            case BLOCKED -> BLOCKED.get().run(kernel, m, n, k, alpha, a, aOff, aRowStride, aColStride,
                    b, bOff, bRowStride, bColStride, beta, c, cOff, ldc, epilogue);
            case UNPACKED -> {
                if (bColStride != 1) throw new IllegalArgumentException("the unpacked path needs row-major B (unit column stride)");
                UNPACKED.get().run(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, beta, c, cOff, ldc, epilogue);
            }
            case SMALL_M -> {
                if (bRowStride != 1) throw new IllegalArgumentException("SmallM needs B = W^T (unit row stride)");
                SMALL.get().run(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bColStride, beta, c, cOff, ldc, epilogue);
            }
            case DIRECT -> direct(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                    beta, c, cOff, ldc, epilogue);
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

    /**
     * One calling thread's blocked product: the operands of the current call, its schedule, the two shared packed
     * B buffers and the task counters. The caller sets it up and runs it as an {@link IntraOpPool#team} body; the
     * section's hand-off publishes the fields to the other participants, which only read them.
     */
    private static final class Blocked implements IntraOpPool.TeamBody {
        private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(int[].class);
        /**
         * Indices into {@link #counters}, 32 ints (128 bytes) apart and from the array's ends: no false sharing.
         * PACKED and COMPUTED have one counter per buffer (block parity, + 0 or + 32): within one parity, blocks
         * finish in order, so "all tasks of block j done" is a count reaching a multiple of the tasks per block.
         */
        private static final int CLAIMED = 32, PACKED = 64, COMPUTED = 128;

        /** The next task to claim; pack tasks finished; compute units finished, all counted over the whole call. */
        private final int[] counters = new int[192];
        /** Block j is packed into buffer j % 2. */
        private final float[][] packedB = {new float[0], new float[0]};
        /** Set when a participant fails, so the others stop waiting for a task that will never finish. */
        private volatile boolean failed;
        private final java.util.function.BooleanSupplier failedCheck = () -> failed;

        private SgemmMicroKernel kernel;
        private int mr, nr;
        private int m, n, k;
        private float alpha, beta;
        private MemorySegment a, b, c;
        private long aOff, aRowStride, aColStride, bOff, bRowStride, bColStride, cOff, ldc;
        private Epilogue epilogue;

        // The schedule: blocks (jc, pc) of KC x nc, jc outer; per block, packTasks then units, tasksPerBlock in all.
        private int nc, kBlocks, packGroups, packTasks, mPanels, rowUnits, columnUnits, units;
        private int tasksPerBlock, tasks;
        /** Per unit (16 ints apart), the number of blocks it has finished: a unit's C tiles take the pc blocks in order. */
        private int[] unitDone = new int[0];

        void run(SgemmMicroKernel kernel, int m, int n, int k, float alpha,
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
            int threads = IntraOpPool.numThreads();
            boolean parallel = threads > 1 && (long) m * n * k >= PARALLEL_MIN_WORK
                    && GemmThreading.accessibleFromPool(a, b, c, epilogue.bias());
            schedule(parallel ? threads : 1);
            try {
                if (parallel) IntraOpPool.team(threads, this);
                else run(0);
            } finally {
                this.a = null; this.b = null; this.c = null; this.epilogue = null;  // do not keep the operands alive
            }
        }

        /** Splits the call into tasks for this many threads, sizes the buffers and resets the counters. */
        private void schedule(int threads) {
            nc = Math.min(n, NC);
            int blockPanels = Math.ceilDiv(nc, nr);
            int ncPadded = blockPanels * nr;
            int kc = Math.min(KC, k);
            for (int i = 0; i < 2; i++) {
                if (packedB[i].length < kc * ncPadded) packedB[i] = new float[kc * ncPadded];
            }
            kBlocks = Math.ceilDiv(k, KC);
            int target = threads == 1 ? 1 : UNITS_PER_THREAD * threads;
            packGroups = threads == 1 ? 1 : Math.clamp(kc * ncPadded / PACK_TASK_ELEMENTS, 1, blockPanels);
            packTasks = packGroups;
            mPanels = Math.ceilDiv(m, mr);
            rowUnits = Math.min(mPanels, Math.max(Math.ceilDiv(mPanels, MC / mr), Math.min(target, mPanels / MIN_UNIT_ROW_PANELS)));
            columnUnits = Math.clamp(Math.ceilDiv(target, rowUnits), 1, Math.max(1, blockPanels / MIN_UNIT_COLUMN_PANELS));
            units = rowUnits * columnUnits;
            tasksPerBlock = packTasks + units;
            tasks = Math.multiplyExact(Math.multiplyExact(Math.ceilDiv(n, nc), kBlocks), tasksPerBlock);
            failed = false;
            if (unitDone.length < 16 * units) unitDone = new int[16 * units];
            for (int u = 0; u < units; u++) COUNTER.setVolatile(unitDone, 16 * u, 0);
            for (int parity = 0; parity < 2; parity++) {
                COUNTER.setVolatile(counters, PACKED + 32 * parity, 0);
                COUNTER.setVolatile(counters, COMPUTED + 32 * parity, 0);
            }
            COUNTER.setVolatile(counters, CLAIMED, 0);
        }

        /** One participant: claims tasks in order until none is left; every wait is for an earlier task. */
        @Override
        public void run(int participant) {
            try {
                for (int t; (t = (int) COUNTER.getAndAdd(counters, CLAIMED, 1)) < tasks; ) {
                    int block = t / tasksPerBlock, task = t % tasksPerBlock;
                    int parity = 32 * (block % 2), earlierOfParity = block / 2;
                    if (task < packTasks) {
                        // the buffer's last readers: the units of block - 2
                        if (!awaitCount(counters, COMPUTED + parity, earlierOfParity * units)) return;
                        packTask(block, task);
                        COUNTER.getAndAdd(counters, PACKED + parity, 1);
                    } else {
                        int unit = task - packTasks;
                        if (!awaitCount(counters, PACKED + parity, (earlierOfParity + 1) * packTasks)) return;
                        // the same unit of the previous block: its C tiles, one pc after another
                        if (!awaitCount(unitDone, 16 * unit, block)) return;
                        computeUnit(block, unit);
                        COUNTER.setVolatile(unitDone, 16 * unit, block + 1);
                        COUNTER.getAndAdd(counters, COMPUTED + parity, 1);
                    }
                }
            } catch (Throwable e) {
                failed = true;
                throw e;
            }
        }

        /** Spins until a counter reaches target ({@link IntraOpPool#awaitCount}); false if a peer failed. */
        private boolean awaitCount(int[] array, int counter, int target) {
            return IntraOpPool.awaitCount(array, counter, target, failedCheck);
        }

        /** Pack task {@code task} of a block: its KC slice of B for one group of its column panels. */
        private void packTask(int block, int task) {
            int jc = block / kBlocks * nc, pc = block % kBlocks * KC;
            int blockPanels = Math.ceilDiv(Math.min(nc, n - jc), nr);
            int q0 = (int) ((long) blockPanels * task / packGroups), q1 = (int) ((long) blockPanels * (task + 1) / packGroups);
            if (q0 < q1) packB(packedB[block % 2], pc, Math.min(KC, k - pc), jc, q0, q1);
        }

        /** Compute unit {@code unit} of a block: its rows of C against its column panels, for this block's KC slice. */
        private void computeUnit(int block, int unit) {
            int jc = block / kBlocks * nc, pc = block % kBlocks * KC, kc = Math.min(KC, k - pc);
            int blockPanels = Math.ceilDiv(Math.min(nc, n - jc), nr);
            int r = unit / columnUnits, u = unit % columnUnits;
            int p0 = (int) ((long) mPanels * r / rowUnits), p1 = (int) ((long) mPanels * (r + 1) / rowUnits);
            int q0 = (int) ((long) blockPanels * u / columnUnits), q1 = (int) ((long) blockPanels * (u + 1) / columnUnits);
            if (p0 == p1 || q0 == q1) return;
            int ic = p0 * mr, mc = Math.min(m, p1 * mr) - ic;
            float[] packedA = buffer(PACKED_A, (p1 - p0) * mr * KC);
            packA(packedA, ic, mc, pc, kc);
            macroKernel(packedA, packedB[block % 2], ic, mc, jc, pc, kc, q0, q1, buffer(TILE, mr * nr));
        }

        /** The packed A block (rows ic..ic+mc) times B panels [q0, q1) of slice pc: every MR x NR tile through the kernel. */
        private void macroKernel(float[] packedA, float[] packedB, int ic, int mc, int jc, int pc, int kc, int q0, int q1,
                                 float[] tile) {
            int mPanelsHere = Math.ceilDiv(mc, mr);
            float tileBeta = pc == 0 ? beta : 1f;
            boolean withEpilogue = pc + kc == k && !epilogue.isIdentity();
            for (int jp = q0; jp < q1; jp++) {
                int j = jc + jp * nr;
                int cols = Math.min(nr, n - j);
                int bPanel = jp * kc * nr;
                for (int ip = 0; ip < mPanelsHere; ip++) {
                    int i = ic + ip * mr;
                    int rows = Math.min(mr, ic + mc - i);
                    long cTile = cOff + i * ldc + j;
                    boolean full = rows == mr && cols == nr;
                    if (!(full && (tileBeta == 0 || tileBeta == 1)
                            && kernel.multiplyInto(kc, packedA, ip * kc * mr, packedB, bPanel, c, cTile, ldc, tileBeta == 1))) {
                        if (cols <= nr / 2) kernel.multiplyFirstVector(kc, packedA, ip * kc * mr, packedB, bPanel, tile);
                        else kernel.multiply(kc, packedA, ip * kc * mr, packedB, bPanel, tile);
                        if (full) kernel.storeTile(tile, c, cTile, ldc, tileBeta);
                        else kernel.storePartialTile(tile, rows, cols, c, cTile, ldc, tileBeta);
                    }
                }
                // once per column panel, over the block's rows just written (in L1): per tile, the call and its
                // set-up cost more than the adds (3% of an LSTM training step's samples, its input projections)
                if (withEpilogue) applyEpilogue(epilogue, c, cOff, ldc, ic, mc, j, cols);
            }
        }

        /** alpha * A[ic:ic+mc, pc:pc+kc] into MR-row panels ({@link SgemmPacking#packA}). */
        private void packA(float[] dst, int ic, int mc, int pc, int kc) {
            SgemmPacking.packA(dst, mr, alpha, a, aOff + ic * aRowStride + pc * aColStride, aRowStride, aColStride, mc, kc,
                    buffer(SCRATCH, SgemmPacking.scratchElements(mr, nr)));
        }

        /** B[pc:pc+kc, jc:...] column panels [q0, q1) into a packed block ({@link SgemmPacking#packB}). */
        private void packB(float[] dst, int pc, int kc, int jc, int q0, int q1) {
            int j0 = jc + q0 * nr;
            SgemmPacking.packB(dst, q0 * kc * nr, nr, b, bOff + pc * bRowStride + j0 * bColStride, bRowStride, bColStride,
                    kc, Math.min((q1 - q0) * nr, n - j0), buffer(SCRATCH, SgemmPacking.scratchElements(mr, nr)));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Few rows times a transposed weight: batch-1 inference

    /**
     * C[0:m, :] = alpha * A @ W^T + beta * C for m <= {@link #SMALL_M}, W [n, k] with rows contiguous along k
     * (B's row stride is 1): a Linear layer or an LSTM step at batch 1. Memory-bound: W is read once, row by row,
     * and nothing is packed. alpha * A is copied to a heap line first (it is small and read n / 4 times); then
     * each group of four W rows is dotted with each row of A, four (or eight, two rows of A at a time)
     * independent FMA chains, so the loads, not the FMA latency, set the pace. Above
     * {@link #PARALLEL_MIN_WEIGHTS} elements of W the groups are split over the pool. One object per calling
     * thread, reused: nothing is allocated per call.
     */
    private static final class SmallM implements IntraOpPool.RangeBody {
        /** W rows dotted together: four accumulators per row of A. */
        private static final int W_ROWS = 4;
        /** W below this many elements (4 MiB of floats) stays on the calling thread: it streams from cache. */
        static final long PARALLEL_MIN_WEIGHTS = 1L << 20;

        private float[] x = new float[0];
        private int m, n, k;
        private float beta;
        private MemorySegment w, c;
        private long wOff, wRowStride, cOff, ldc;
        private Epilogue epilogue;

        void run(int m, int n, int k, float alpha, MemorySegment a, long aOff, long aRowStride, long aColStride,
                 MemorySegment w, long wOff, long wRowStride, float beta, MemorySegment c, long cOff, long ldc,
                 Epilogue epilogue) {
            if (x.length < m * k) x = new float[m * k];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) x[i * k + p] = alpha * a.getAtIndex(F, aOff + i * aRowStride + p * aColStride);
            }
            this.m = m; this.n = n; this.k = k; this.beta = beta;
            this.w = w; this.wOff = wOff; this.wRowStride = wRowStride;
            this.c = c; this.cOff = cOff; this.ldc = ldc;
            this.epilogue = epilogue;
            long groups = Math.ceilDiv(n, W_ROWS);
            try {
                if ((long) n * k >= PARALLEL_MIN_WEIGHTS && IntraOpPool.numThreads() > 1
                        && GemmThreading.accessibleFromPool(w, w, c, epilogue.bias())) {
                    IntraOpPool.parallelFor(groups, Math.max(1, PARALLEL_MIN_WEIGHTS / 4 / ((long) W_ROWS * k)), this);
                } else {
                    run(0, groups);
                }
            } finally {
                this.w = null; this.c = null; this.epilogue = null;
            }
        }

        /** Groups [g0, g1) of W rows: C[:, 4 g0 : 4 g1]. */
        @Override
        public void run(long g0, long g1) {
            int j0 = (int) g0 * W_ROWS, j1 = (int) Math.min(n, g1 * W_ROWS);
            int j = j0;
            for (; j + W_ROWS <= j1; j += W_ROWS) {
                int i = 0;
                for (; i + 2 <= m; i += 2) twoRowsTimesFourWeights(i, j);
                if (i < m) oneRowTimesFourWeights(i, j);
            }
            for (; j < j1; j++) {
                for (int i = 0; i < m; i++) store(i, j, dot(i * k, wOff + j * wRowStride));
            }
            applyEpilogue(epilogue, c, cOff, ldc, 0, m, j0, j1 - j0);
        }

        /** C[i:i+2, j:j+4]: eight chains, each W vector loaded once for both rows of A. */
        private void twoRowsTimesFourWeights(int i, int j) {
            int x0 = i * k, x1 = x0 + k;
            long w0 = (wOff + j * wRowStride) * Float.BYTES, step = wRowStride * Float.BYTES;
            long w1 = w0 + step, w2 = w1 + step, w3 = w2 + step;
            FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
            FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
            int p = 0;
            for (int bound = S.loopBound(k); p < bound; p += L) {
                FloatVector a0 = FloatVector.fromArray(S, x, x0 + p), a1 = FloatVector.fromArray(S, x, x1 + p);
                long at = (long) p * Float.BYTES;
                FloatVector v0 = FloatVector.fromMemorySegment(S, w, w0 + at, ORDER);
                s00 = v0.fma(a0, s00); s10 = v0.fma(a1, s10);
                FloatVector v1 = FloatVector.fromMemorySegment(S, w, w1 + at, ORDER);
                s01 = v1.fma(a0, s01); s11 = v1.fma(a1, s11);
                FloatVector v2 = FloatVector.fromMemorySegment(S, w, w2 + at, ORDER);
                s02 = v2.fma(a0, s02); s12 = v2.fma(a1, s12);
                FloatVector v3 = FloatVector.fromMemorySegment(S, w, w3 + at, ORDER);
                s03 = v3.fma(a0, s03); s13 = v3.fma(a1, s13);
            }
            for (int w = L / 2; w > 0; w >>= 1) { // lane sums in one fixed order (LaneFolds)
                VectorShuffle<Float> swap = FOLDS.swap(w);
                s00 = s00.add(s00.rearrange(swap)); s01 = s01.add(s01.rearrange(swap));
                s02 = s02.add(s02.rearrange(swap)); s03 = s03.add(s03.rearrange(swap));
                s10 = s10.add(s10.rearrange(swap)); s11 = s11.add(s11.rearrange(swap));
                s12 = s12.add(s12.rearrange(swap)); s13 = s13.add(s13.rearrange(swap));
            }
            float r00 = s00.lane(0), r01 = s01.lane(0), r02 = s02.lane(0), r03 = s03.lane(0);
            float r10 = s10.lane(0), r11 = s11.lane(0), r12 = s12.lane(0), r13 = s13.lane(0);
            for (; p < k; p++) {
                long at = (long) p * Float.BYTES;
                float a0 = x[x0 + p], a1 = x[x1 + p];
                float v0 = w.get(F, w0 + at), v1 = w.get(F, w1 + at), v2 = w.get(F, w2 + at), v3 = w.get(F, w3 + at);
                r00 += a0 * v0; r01 += a0 * v1; r02 += a0 * v2; r03 += a0 * v3;
                r10 += a1 * v0; r11 += a1 * v1; r12 += a1 * v2; r13 += a1 * v3;
            }
            store(i, j, r00); store(i, j + 1, r01); store(i, j + 2, r02); store(i, j + 3, r03);
            store(i + 1, j, r10); store(i + 1, j + 1, r11); store(i + 1, j + 2, r12); store(i + 1, j + 3, r13);
        }

        /** C[i, j:j+4]: four chains. */
        private void oneRowTimesFourWeights(int i, int j) {
            int x0 = i * k;
            long w0 = (wOff + j * wRowStride) * Float.BYTES, step = wRowStride * Float.BYTES;
            long w1 = w0 + step, w2 = w1 + step, w3 = w2 + step;
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
            int p = 0;
            for (int bound = S.loopBound(k); p < bound; p += L) {
                FloatVector a0 = FloatVector.fromArray(S, x, x0 + p);
                long at = (long) p * Float.BYTES;
                s0 = FloatVector.fromMemorySegment(S, w, w0 + at, ORDER).fma(a0, s0);
                s1 = FloatVector.fromMemorySegment(S, w, w1 + at, ORDER).fma(a0, s1);
                s2 = FloatVector.fromMemorySegment(S, w, w2 + at, ORDER).fma(a0, s2);
                s3 = FloatVector.fromMemorySegment(S, w, w3 + at, ORDER).fma(a0, s3);
            }
            for (int w = L / 2; w > 0; w >>= 1) { // lane sums in one fixed order (LaneFolds)
                VectorShuffle<Float> swap = FOLDS.swap(w);
                s0 = s0.add(s0.rearrange(swap)); s1 = s1.add(s1.rearrange(swap));
                s2 = s2.add(s2.rearrange(swap)); s3 = s3.add(s3.rearrange(swap));
            }
            float r0 = s0.lane(0), r1 = s1.lane(0), r2 = s2.lane(0), r3 = s3.lane(0);
            for (; p < k; p++) {
                long at = (long) p * Float.BYTES;
                float a0 = x[x0 + p];
                r0 += a0 * w.get(F, w0 + at); r1 += a0 * w.get(F, w1 + at);
                r2 += a0 * w.get(F, w2 + at); r3 += a0 * w.get(F, w3 + at);
            }
            store(i, j, r0); store(i, j + 1, r1); store(i, j + 2, r2); store(i, j + 3, r3);
        }

        /** Row xAt of alpha * A dotted with the W row at element wAt: the leftover rows of W. */
        private float dot(int xAt, long wAt) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            int p = 0;
            for (; p + 2 * L <= k; p += 2 * L) {
                long at = (wAt + p) * Float.BYTES;
                acc0 = FloatVector.fromMemorySegment(S, w, at, ORDER).fma(FloatVector.fromArray(S, x, xAt + p), acc0);
                acc1 = FloatVector.fromMemorySegment(S, w, at + L * Float.BYTES, ORDER).fma(FloatVector.fromArray(S, x, xAt + p + L), acc1);
            }
            FloatVector sum = acc0.add(acc1);
            for (int w = L / 2; w > 0; w >>= 1) sum = sum.add(sum.rearrange(FOLDS.swap(w))); // one fixed order (LaneFolds)
            float acc = sum.lane(0);
            for (; p < k; p++) acc += x[xAt + p] * w.getAtIndex(F, wAt + p);
            return acc;
        }

        private void store(int i, int j, float value) {
            long at = cOff + i * ldc + j;
            c.setAtIndex(F, at, beta == 0 ? value : value + beta * c.getAtIndex(F, at));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The unpacked path: small and medium products, B read where it lies

    /**
     * C = alpha * A @ B + beta * C for row-major B (unit column stride) and k <= {@link #UNPACKED_MAX_K}: B is read
     * where it lies, and only alpha * A is copied, row-major, to a heap array (its elements are read as broadcasts,
     * and plain array loads are cheaper than segment loads). The register tile is {@link #TILE_ROWS} rows of C by
     * two vectors: each step of k loads two B vectors and broadcasts one A element per row into them, 8
     * independent FMA chains. Column tiles are outer and rows inner, so a tile's columns of B (k x 2 vectors, at
     * most 16 KiB) stay in L1 while every row of A goes past. Above {@link #PARALLEL_MIN_WORK} the column tiles
     * are split over the pool; each C element is the same sum in the same order on whichever thread, so the result
     * does not depend on the number of threads. One object per calling thread, reused: nothing is allocated per
     * call in steady state.
     */
    private static final class Unpacked implements IntraOpPool.RangeBody {
        private static final int TILE_ROWS = 4;
        private static final int TILE_COLUMNS = 2 * L;
        private static final long VECTOR_BYTES = (long) L * Float.BYTES;

        /** alpha * A, row-major m x k. */
        private float[] scaledA = new float[0];

        private int m, n, k;
        private float alpha, beta;
        private MemorySegment a, b, c;
        private long aOff, aRowStride, aColStride, bOff, bRowStride, cOff, ldc;
        private Epilogue epilogue;

        void run(int m, int n, int k, float alpha, MemorySegment a, long aOff, long aRowStride, long aColStride,
                 MemorySegment b, long bOff, long bRowStride,
                 float beta, MemorySegment c, long cOff, long ldc, Epilogue epilogue) {
            this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
            this.a = a; this.aOff = aOff; this.aRowStride = aRowStride; this.aColStride = aColStride;
            this.c = c; this.cOff = cOff; this.ldc = ldc;
            this.epilogue = epilogue;
            copyScaledA(m, k, alpha, a, aOff, aRowStride, aColStride);
            this.b = b; this.bOff = bOff; this.bRowStride = bRowStride;
            long tiles = Math.ceilDiv(n, TILE_COLUMNS);
            try {
                if ((long) m * n * k >= PARALLEL_MIN_WORK && IntraOpPool.numThreads() > 1
                        && GemmThreading.accessibleFromPool(a, this.b, c, epilogue.bias())) {
                    IntraOpPool.parallelFor(tiles, 1, this);
                } else {
                    run(0, tiles);
                }
            } finally {
                this.a = null; this.b = null; this.c = null; this.epilogue = null;  // do not keep the operands alive
            }
        }

        /** alpha * A into {@link #scaledA}, row-major m x k: its elements are read n / (2L) times, as broadcasts. */
        private void copyScaledA(int m, int k, float alpha, MemorySegment a, long aOff, long aRowStride, long aColStride) {
            if (scaledA.length < m * k) scaledA = new float[m * k];
            float[] x = scaledA;
            for (int i = 0; i < m; i++) {
                long row = aOff + i * aRowStride;
                if (aColStride == 1) MemorySegment.copy(a, F, row * Float.BYTES, x, i * k, k);
                else for (int p = 0; p < k; p++) x[i * k + p] = a.getAtIndex(F, row + p * aColStride);
                if (alpha != 1) for (int p = i * k; p < (i + 1) * k; p++) x[p] *= alpha;
            }
        }

        /** Column tiles [t0, t1): C[:, TILE_COLUMNS * t0 : TILE_COLUMNS * t1]. */
        @Override
        public void run(long t0, long t1) {
            int j0 = (int) t0 * TILE_COLUMNS, j1 = (int) Math.min(n, t1 * TILE_COLUMNS);
            float[] tile = buffer(TILE, TILE_ROWS * TILE_COLUMNS);
            int j = j0;
            for (; j + TILE_COLUMNS <= j1; j += TILE_COLUMNS) {
                int i = 0;
                for (; i + TILE_ROWS <= m; i += TILE_ROWS) fourRowsTwoVectors(i, j, tile);
                if (i + 2 <= m) {
                    twoRowsTwoVectors(i, j, tile);
                    i += 2;
                }
                if (i < m) oneRowTwoVectors(i, j, tile);
            }
            for (; j + L <= j1; j += L) {
                for (int i = 0; i < m; i++) oneRowOneVector(i, j, tile);
            }
            for (; j < j1; j++) {
                for (int i = 0; i < m; i++) store(i, j, dot(i, j));
            }
            applyEpilogue(epilogue, c, cOff, ldc, 0, m, j0, j1 - j0);
        }

        /** C[i:i+4, j:j+2L] = sum_p A[i:i+4, p] (broadcast) * B[p, j:j+2L]: eight chains, each B load feeds four rows. */
        private void fourRowsTwoVectors(int i, int j, float[] tile) {
            float[] x = scaledA;
            int x0 = i * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            long bAt = (bOff + j) * Float.BYTES, bStep = bRowStride * Float.BYTES;
            for (int p = 0; p < k; p++, bAt += bStep) {
                FloatVector b0 = FloatVector.fromMemorySegment(S, b, bAt, ORDER);
                FloatVector b1 = FloatVector.fromMemorySegment(S, b, bAt + VECTOR_BYTES, ORDER);
                FloatVector a0 = FloatVector.broadcast(S, x[x0 + p]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, x[x1 + p]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(S, x[x2 + p]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(S, x[x3 + p]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            }
            if (beta == 0) {
                // C only written: straight from the accumulators, as the packed kernel's multiplyInto does (through
                // the tile array this was 6% of an LSTM training step's samples); written out here, since a
                // vector passed to a call the JIT does not inline is boxed
                long r0 = (cOff + i * ldc + j) * Float.BYTES, step = ldc * Float.BYTES;
                c00.intoMemorySegment(c, r0, ORDER); c01.intoMemorySegment(c, r0 + VECTOR_BYTES, ORDER);
                c10.intoMemorySegment(c, r0 + step, ORDER); c11.intoMemorySegment(c, r0 + step + VECTOR_BYTES, ORDER);
                c20.intoMemorySegment(c, r0 + 2 * step, ORDER); c21.intoMemorySegment(c, r0 + 2 * step + VECTOR_BYTES, ORDER);
                c30.intoMemorySegment(c, r0 + 3 * step, ORDER); c31.intoMemorySegment(c, r0 + 3 * step + VECTOR_BYTES, ORDER);
                return;
            }
            c00.intoArray(tile, 0); c01.intoArray(tile, L);
            c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
            c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
            c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
            mergeTile(tile, TILE_ROWS, 2, i, j);
        }

        /**
         * C[i:i+2, j:j+2L]: two rows below the last whole tile. Four FMA chains: a row at a time, two chains wait out
         * the FMA latency, and the two rows left over of an LSTM's 30-step input projection (30 x 256 x 64) took as
         * long as two whole tiles. The loop repeats fourRowsTwoVectors' first two rows on purpose: sharing it would
         * hand the accumulators across a call, and a vector passed to a call the JIT does not inline is boxed.
         */
        private void twoRowsTwoVectors(int i, int j, float[] tile) {
            float[] x = scaledA;
            int x0 = i * k, x1 = x0 + k;
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            long bAt = (bOff + j) * Float.BYTES, bStep = bRowStride * Float.BYTES;
            for (int p = 0; p < k; p++, bAt += bStep) {
                FloatVector b0 = FloatVector.fromMemorySegment(S, b, bAt, ORDER);
                FloatVector b1 = FloatVector.fromMemorySegment(S, b, bAt + VECTOR_BYTES, ORDER);
                FloatVector a0 = FloatVector.broadcast(S, x[x0 + p]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, x[x1 + p]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            }
            c00.intoArray(tile, 0); c01.intoArray(tile, L);
            c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
            mergeTile(tile, 2, 2, i, j);
        }

        /** C[i, j:j+2L]: a row below the last whole tile. */
        private void oneRowTwoVectors(int i, int j, float[] tile) {
            int x0 = i * k;
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
            long bAt = (bOff + j) * Float.BYTES, bStep = bRowStride * Float.BYTES;
            for (int p = 0; p < k; p++, bAt += bStep) {
                FloatVector a0 = FloatVector.broadcast(S, scaledA[x0 + p]);
                c0 = a0.fma(FloatVector.fromMemorySegment(S, b, bAt, ORDER), c0);
                c1 = a0.fma(FloatVector.fromMemorySegment(S, b, bAt + VECTOR_BYTES, ORDER), c1);
            }
            c0.intoArray(tile, 0); c1.intoArray(tile, L);
            mergeTile(tile, 1, 2, i, j);
        }

        /** C[i, j:j+L]: a column tail one vector wide. */
        private void oneRowOneVector(int i, int j, float[] tile) {
            int x0 = i * k;
            FloatVector c0 = FloatVector.zero(S);
            long bAt = (bOff + j) * Float.BYTES, bStep = bRowStride * Float.BYTES;
            for (int p = 0; p < k; p++, bAt += bStep) {
                c0 = FloatVector.broadcast(S, scaledA[x0 + p]).fma(FloatVector.fromMemorySegment(S, b, bAt, ORDER), c0);
            }
            c0.intoArray(tile, 0);
            mergeTile(tile, 1, 1, i, j);
        }

        /**
         * C[i:i+rows, j:j+vectors*L] = tile + beta * C; C is not read when beta == 0. The sums reach here through
         * an array, as in {@link SgemmMicroKernel#storeTile}: a vector passed to a call the JIT does not inline is
         * boxed, one allocation per store.
         */
        private void mergeTile(float[] tile, int rows, int vectors, int i, int j) {
            for (int r = 0; r < rows; r++) {
                long rowBytes = (cOff + (i + r) * ldc + j) * Float.BYTES;
                for (int v = 0; v < vectors; v++) {
                    FloatVector sum = FloatVector.fromArray(S, tile, (r * vectors + v) * L);
                    long at = rowBytes + v * VECTOR_BYTES;
                    if (beta == 0) sum.intoMemorySegment(c, at, ORDER);
                    else FloatVector.fromMemorySegment(S, c, at, ORDER).fma(FloatVector.broadcast(S, beta), sum).intoMemorySegment(c, at, ORDER);
                }
            }
        }

        /** (alpha * A)[i, :] . B[:, j]: the columns past the last whole vector. */
        private float dot(int i, int j) {
            float acc = 0;
            for (int p = 0; p < k; p++) acc += scaledA[i * k + p] * b.getAtIndex(F, bOff + j + p * bRowStride);
            return acc;
        }

        private void store(int i, int j, float acc) {
            long at = cOff + i * ldc + j;
            c.setAtIndex(F, at, beta == 0 ? acc : acc + beta * c.getAtIndex(F, at));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The direct path: no packing, for a C narrower or shorter than one tile, or a tiny k

    /**
     * Split over the pool above {@link #PARALLEL_MIN_WORK} counting each C element as k + 8 multiply-adds: at a
     * tiny k the writes are the work (an LSTM's input projection from one feature, 1920x256x1, writes 2 MiB: 450-491
     * us on one thread, 261-275 on two).
     */
    private static void direct(int m, int n, int k, float alpha,
                               MemorySegment a, long aOff, long aRowStride, long aColStride,
                               MemorySegment b, long bOff, long bRowStride, long bColStride,
                               float beta, MemorySegment c, long cOff, long ldc, Epilogue epilogue) {
        int threads = IntraOpPool.numThreads();
        if (threads == 1 || (long) m * n * (k + 8) < PARALLEL_MIN_WORK
                || !GemmThreading.accessibleFromPool(a, b, c, epilogue.bias())) {
            // no lambda on this path: a small product allocates nothing
            directBlock(0, m, 0, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                    beta, c, cOff, ldc, epilogue);
        } else if (m >= threads) {
            IntraOpPool.parallelFor(m, 1, (i0, i1) -> directBlock((int) i0, (int) i1, 0, n, k, alpha,
                    a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, beta, c, cOff, ldc, epilogue));
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
                // C[i, j:j+L] = sum_p A[i, p] * B[p, j:j+L]. Eight vectors at a time where C is only written: eight
                // FMA chains cover the FMA latency at two FMAs a cycle, where four leave half the issue slots idle (a
                // batch-1 LSTM step, 1x64 @ 64x256, is one row of this loop). Four and one vectors take the rest.
                if (beta == 0) {
                    for (; j + 8 * L <= j1; j += 8 * L) eightVectorsOfRow(k, a, aRow, aColStride, b, bOff + j, bRowStride, alpha, c, cRow + j);
                }
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
                    // the stores written out, as in eightVectorsOfRow: through a helper taking the vector, this
                    // loop allocated 144 bytes a call of GemmAllocationTest's direct case (now and then)
                    long out = (cRow + j) * Float.BYTES, vb = (long) L * Float.BYTES;
                    if (beta == 0) {
                        acc0.mul(alpha).intoMemorySegment(c, out, ORDER);
                        acc1.mul(alpha).intoMemorySegment(c, out + vb, ORDER);
                        acc2.mul(alpha).intoMemorySegment(c, out + 2 * vb, ORDER);
                        acc3.mul(alpha).intoMemorySegment(c, out + 3 * vb, ORDER);
                    } else {
                        FloatVector betas = FloatVector.broadcast(S, beta);
                        FloatVector.fromMemorySegment(S, c, out, ORDER).fma(betas, acc0.mul(alpha)).intoMemorySegment(c, out, ORDER);
                        FloatVector.fromMemorySegment(S, c, out + vb, ORDER).fma(betas, acc1.mul(alpha)).intoMemorySegment(c, out + vb, ORDER);
                        FloatVector.fromMemorySegment(S, c, out + 2 * vb, ORDER).fma(betas, acc2.mul(alpha)).intoMemorySegment(c, out + 2 * vb, ORDER);
                        FloatVector.fromMemorySegment(S, c, out + 3 * vb, ORDER).fma(betas, acc3.mul(alpha)).intoMemorySegment(c, out + 3 * vb, ORDER);
                    }
                }
                for (; j + L <= j1; j += L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int p = 0; p < k; p++) {
                        FloatVector ap = FloatVector.broadcast(S, a.getAtIndex(F, aRow + p * aColStride));
                        acc = ap.fma(FloatVector.fromMemorySegment(S, b, (bOff + p * bRowStride + j) * Float.BYTES, ORDER), acc);
                    }
                    long out = (cRow + j) * Float.BYTES;
                    if (beta == 0) acc.mul(alpha).intoMemorySegment(c, out, ORDER);
                    else FloatVector.fromMemorySegment(S, c, out, ORDER).fma(FloatVector.broadcast(S, beta), acc.mul(alpha)).intoMemorySegment(c, out, ORDER);
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

    /**
     * C[i, j:j+8L] = alpha * A[i, :] @ B[:, j:j+8L] of {@link #directBlock} (beta = 0): bAt is B's element offset
     * of row 0 at column j, cAt C's at (i, j). The stores are written out here rather than through a helper taking
     * each vector: a method this size does not get that call inlined, and vectors passed to a call that is not
     * inlined are boxed (23 KB per batch-1 LSTM forward).
     */
    private static void eightVectorsOfRow(int k, MemorySegment a, long aRow, long aColStride, MemorySegment b, long bAt, long bRowStride,
                                          float alpha, MemorySegment c, long cAt) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S), acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
        FloatVector acc4 = FloatVector.zero(S), acc5 = FloatVector.zero(S), acc6 = FloatVector.zero(S), acc7 = FloatVector.zero(S);
        long vb = (long) L * Float.BYTES;
        for (int p = 0; p < k; p++) {
            FloatVector ap = FloatVector.broadcast(S, a.getAtIndex(F, aRow + p * aColStride));
            long at = (bAt + p * bRowStride) * Float.BYTES;
            acc0 = ap.fma(FloatVector.fromMemorySegment(S, b, at, ORDER), acc0);
            acc1 = ap.fma(FloatVector.fromMemorySegment(S, b, at + vb, ORDER), acc1);
            acc2 = ap.fma(FloatVector.fromMemorySegment(S, b, at + 2 * vb, ORDER), acc2);
            acc3 = ap.fma(FloatVector.fromMemorySegment(S, b, at + 3 * vb, ORDER), acc3);
            acc4 = ap.fma(FloatVector.fromMemorySegment(S, b, at + 4 * vb, ORDER), acc4);
            acc5 = ap.fma(FloatVector.fromMemorySegment(S, b, at + 5 * vb, ORDER), acc5);
            acc6 = ap.fma(FloatVector.fromMemorySegment(S, b, at + 6 * vb, ORDER), acc6);
            acc7 = ap.fma(FloatVector.fromMemorySegment(S, b, at + 7 * vb, ORDER), acc7);
        }
        long out = cAt * Float.BYTES;
        acc0.mul(alpha).intoMemorySegment(c, out, ORDER);
        acc1.mul(alpha).intoMemorySegment(c, out + vb, ORDER);
        acc2.mul(alpha).intoMemorySegment(c, out + 2 * vb, ORDER);
        acc3.mul(alpha).intoMemorySegment(c, out + 3 * vb, ORDER);
        acc4.mul(alpha).intoMemorySegment(c, out + 4 * vb, ORDER);
        acc5.mul(alpha).intoMemorySegment(c, out + 5 * vb, ORDER);
        acc6.mul(alpha).intoMemorySegment(c, out + 6 * vb, ORDER);
        acc7.mul(alpha).intoMemorySegment(c, out + 7 * vb, ORDER);
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
        FloatVector sum = acc0.add(acc1);
        for (int w = L / 2; w > 0; w >>= 1) sum = sum.add(sum.rearrange(FOLDS.swap(w))); // one fixed order (LaneFolds)
        float acc = sum.lane(0);
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
