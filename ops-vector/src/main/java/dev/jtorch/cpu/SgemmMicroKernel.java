package dev.jtorch.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The register-tiled heart of {@link Sgemm}: one MR x NR tile of {@code A_panel (MR x kc) @ B_panel (kc x NR)}.
 *
 * <p>A tile is MR rows by two vectors of columns. Each step of k loads the two B vectors of that step once and
 * broadcasts one element of A per row into them: {@code c[r][v] += a[p][r] * b[p][v]}. The accumulators stay
 * in registers for the whole kc loop; there are at least 8 of them, as many independent FMA chains as
 * FMA latency (4 cycles) times FMA pipes (2) needs. With 16 AVX2 registers the tile is 4 x 2 vectors: a
 * 6 x 2 tile (12 accumulators, the BLIS Haswell shape) measured at half speed under C2, whose scheduler hoists
 * the broadcasts and spills one accumulator to the stack, putting a store-load on that FMA chain.
 * The k loop steps both panel offsets instead of deriving them from the step: derived, C2 recomputed B's offset
 * each step with a move, a shift and an add (22 instructions around the 8 FMAs, 19 now), and the 4 x 2 kernel ran
 * 4-5% further from the FMA peak on Zen 3. Unrolling by hand measured worse (C2 hoists the later steps' loads and spills).
 * Each width's species is a static final of its own class, so the JIT sees a constant and compiles every vector
 * op to one instruction; the classes differ only in that constant and the tile shape.
 *
 * <p>Packed layouts (both zero-padded to whole panels, so the hot loop needs no masks or tails):
 * A panel: {@code a[aOff + p * MR + r]} for row r; B panel: {@code b[bOff + p * NR + j]} for column j.
 * The product goes into {@code tile[r * NR + j]}, and {@link #storeTile} merges a full tile into C.
 */
abstract sealed class SgemmMicroKernel
        permits SgemmMicroKernel.Vector128, SgemmMicroKernel.Vector256, SgemmMicroKernel.Vector512 {

    private static final ValueLayout.OfFloat C_ELEMENT = ValueLayout.JAVA_FLOAT;

    final int vectorBits;
    /** Rows of the register tile. */
    final int mr;
    /** Columns of the register tile: two vectors. */
    final int nr;

    private SgemmMicroKernel(int vectorBits, int mr, int nr) {
        this.vectorBits = vectorBits;
        this.mr = mr;
        this.nr = nr;
    }

    static SgemmMicroKernel forBits(int bits) {
        return switch (GemmVectorWidth.checkBits(bits)) {
            case 128 -> Vector128.INSTANCE;
            case 256 -> Vector256.INSTANCE;
            default -> Vector512.INSTANCE;
        };
    }

    /** {@code tile = A_panel @ B_panel} over kc steps of k. */
    abstract void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile);

    /** {@code C[0:MR, 0:NR] = tile + beta * C}, C row-major at element offset cOff; C is not read when beta == 0. */
    abstract void storeTile(float[] tile, MemorySegment c, long cOff, long ldc, float beta);

    /**
     * {@code C[0:MR, 0:NR] = A_panel @ B_panel}, plus C when {@code accumulate}, straight from the accumulators: the
     * full tiles of a product skip the round trip through {@code tile} that {@link #storeTile} merges. Returns
     * false, having done nothing, where a width does not have it; the caller then multiplies and stores.
     */
    boolean multiplyInto(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc, boolean accumulate) {
        return false;
    }

    /**
     * {@code tile[:, 0:nr/2] = A_panel @ B_panel[:, 0:nr/2]}, the rest of the tile undefined: an edge tile of at
     * most one vector of columns (ResNet layer4's 196 = 6 x 32 + 4) at half the work. A width without it
     * multiplies the whole tile.
     */
    void multiplyFirstVector(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        multiply(kc, a, aOff, b, bOff, tile);
    }

    /** The plain loops {@link #multiply} computes, kept beside it as its specification. */
    final void multiplyPlain(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                float acc = 0;
                for (int p = 0; p < kc; p++) acc += a[aOff + p * mr + r] * b[bOff + p * nr + j];
                tile[r * nr + j] = acc;
            }
        }
    }

    /**
     * Merges the top-left rows x cols of a tile into C: the edges of C, where a full tile would overrun it; beta * C
     * fused on as {@link #storeTile} does, so an edge element gets the same bits as it would inside a tile.
     */
    final void storePartialTile(float[] tile, int rows, int cols, MemorySegment c, long cOff, long ldc, float beta) {
        for (int r = 0; r < rows; r++) {
            long row = cOff + r * ldc;
            for (int j = 0; j < cols; j++) {
                float t = tile[r * nr + j];
                c.setAtIndex(C_ELEMENT, row + j, beta == 0 ? t : Math.fma(beta, c.getAtIndex(C_ELEMENT, row + j), t));
            }
        }
    }

    /** 4 rows x 2 vectors per tile: AVX2 hardware (8 accumulators, 2 B vectors, broadcasts: no spills in 16 registers). */
    static final class Vector256 extends SgemmMicroKernel {
        static final Vector256 INSTANCE = new Vector256();
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
        private static final int MR = 4;
        private static final int L = 8; // double: 4
        private static final int NR = 2 * L;

        private Vector256() { super(256, MR, NR); }

        @Override
        void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int ap = aOff, bp = bOff, aEnd = aOff + kc * MR; ap < aEnd; ap += MR, bp += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector a0 = FloatVector.broadcast(S, a[ap]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            }
            c00.intoArray(tile, 0 * NR); c01.intoArray(tile, 0 * NR + L);
            c10.intoArray(tile, 1 * NR); c11.intoArray(tile, 1 * NR + L);
            c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        }

        // the same loop as in multiply, written twice on purpose: sharing it would hand the accumulators across a
        // call, and a vector passed to a call the JIT does not inline is boxed
        @Override
        boolean multiplyInto(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc, boolean accumulate) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int ap = aOff, bp = bOff, aEnd = aOff + kc * MR; ap < aEnd; ap += MR, bp += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector a0 = FloatVector.broadcast(S, a[ap]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            }
            // written out, not looped through a helper: a vector passed to a call the JIT does not inline is boxed
            ByteOrder order = ByteOrder.nativeOrder();
            long r0 = cOff * Float.BYTES, r1 = (cOff + ldc) * Float.BYTES, r2 = (cOff + 2 * ldc) * Float.BYTES, r3 = (cOff + 3 * ldc) * Float.BYTES;
            long half = (long) L * Float.BYTES;
            if (accumulate) {
                c00 = c00.add(FloatVector.fromMemorySegment(S, c, r0, order)); c01 = c01.add(FloatVector.fromMemorySegment(S, c, r0 + half, order));
                c10 = c10.add(FloatVector.fromMemorySegment(S, c, r1, order)); c11 = c11.add(FloatVector.fromMemorySegment(S, c, r1 + half, order));
                c20 = c20.add(FloatVector.fromMemorySegment(S, c, r2, order)); c21 = c21.add(FloatVector.fromMemorySegment(S, c, r2 + half, order));
                c30 = c30.add(FloatVector.fromMemorySegment(S, c, r3, order)); c31 = c31.add(FloatVector.fromMemorySegment(S, c, r3 + half, order));
            }
            c00.intoMemorySegment(c, r0, order); c01.intoMemorySegment(c, r0 + half, order);
            c10.intoMemorySegment(c, r1, order); c11.intoMemorySegment(c, r1 + half, order);
            c20.intoMemorySegment(c, r2, order); c21.intoMemorySegment(c, r2 + half, order);
            c30.intoMemorySegment(c, r3, order); c31.intoMemorySegment(c, r3 + half, order);
            return true;
        }

        @Override
        void storeTile(float[] tile, MemorySegment c, long cOff, long ldc, float beta) {
            FloatVector betaV = FloatVector.broadcast(S, beta);
            for (int r = 0; r < MR; r++) {
                long rowBytes = (cOff + r * ldc) * Float.BYTES;
                for (int v = 0; v < NR; v += L) {
                    FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                    long at = rowBytes + (long) v * Float.BYTES;
                    if (beta != 0) {
                        FloatVector old = FloatVector.fromMemorySegment(S, c, at, ByteOrder.nativeOrder());
                        t = beta == 1 ? t.add(old) : old.fma(betaV, t);
                    }
                    t.intoMemorySegment(c, at, ByteOrder.nativeOrder());
                }
            }
        }
    }

    /** 8 rows x 2 vectors per tile: AVX-512 hardware, HotSpot with UseAVX=3 (16 accumulators of 32 registers). */
    static final class Vector512 extends SgemmMicroKernel {
        static final Vector512 INSTANCE = new Vector512();
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
        private static final int MR = 8;
        private static final int L = 16; // double: 8
        private static final int NR = 2 * L;

        private Vector512() { super(512, MR, NR); }

        @Override
        void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
            FloatVector zero = FloatVector.zero(S);
            FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
            FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero;
            for (int ap = aOff, bp = bOff, aEnd = aOff + kc * MR; ap < aEnd; ap += MR, bp += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector a0 = FloatVector.broadcast(S, a[ap]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
                FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
                c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
                FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
                c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
                FloatVector a6 = FloatVector.broadcast(S, a[ap + 6]);
                c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
                FloatVector a7 = FloatVector.broadcast(S, a[ap + 7]);
                c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
            }
            c00.intoArray(tile, 0 * NR); c01.intoArray(tile, 0 * NR + L);
            c10.intoArray(tile, 1 * NR); c11.intoArray(tile, 1 * NR + L);
            c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
            c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
            c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
            c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
            c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
        }

        /** Eight accumulators, each a chain of kc FMAs: enough to cover the FMA latency at two FMAs a cycle. */
        @Override
        void multiplyFirstVector(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int ap = aOff, bp = bOff, aEnd = aOff + kc * MR; ap < aEnd; ap += MR, bp += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                c0 = FloatVector.broadcast(S, a[ap]).fma(b0, c0);
                c1 = FloatVector.broadcast(S, a[ap + 1]).fma(b0, c1);
                c2 = FloatVector.broadcast(S, a[ap + 2]).fma(b0, c2);
                c3 = FloatVector.broadcast(S, a[ap + 3]).fma(b0, c3);
                c4 = FloatVector.broadcast(S, a[ap + 4]).fma(b0, c4);
                c5 = FloatVector.broadcast(S, a[ap + 5]).fma(b0, c5);
                c6 = FloatVector.broadcast(S, a[ap + 6]).fma(b0, c6);
                c7 = FloatVector.broadcast(S, a[ap + 7]).fma(b0, c7);
            }
            c0.intoArray(tile, 0); c1.intoArray(tile, NR); c2.intoArray(tile, 2 * NR); c3.intoArray(tile, 3 * NR);
            c4.intoArray(tile, 4 * NR); c5.intoArray(tile, 5 * NR); c6.intoArray(tile, 6 * NR); c7.intoArray(tile, 7 * NR);
        }

        // the same loop as in multiply, written twice on purpose (see Vector256.multiplyInto)
        @Override
        boolean multiplyInto(int kc, float[] a, int aOff, float[] b, int bOff, MemorySegment c, long cOff, long ldc, boolean accumulate) {
            FloatVector zero = FloatVector.zero(S);
            FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
            FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero;
            for (int ap = aOff, bp = bOff, aEnd = aOff + kc * MR; ap < aEnd; ap += MR, bp += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector a0 = FloatVector.broadcast(S, a[ap]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
                FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
                c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
                FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
                c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
                FloatVector a6 = FloatVector.broadcast(S, a[ap + 6]);
                c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
                FloatVector a7 = FloatVector.broadcast(S, a[ap + 7]);
                c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
            }
            ByteOrder order = ByteOrder.nativeOrder();
            long step = ldc * Float.BYTES, half = (long) L * Float.BYTES;
            long r0 = cOff * Float.BYTES, r1 = r0 + step, r2 = r1 + step, r3 = r2 + step;
            long r4 = r3 + step, r5 = r4 + step, r6 = r5 + step, r7 = r6 + step;
            if (accumulate) {
                c00 = c00.add(FloatVector.fromMemorySegment(S, c, r0, order)); c01 = c01.add(FloatVector.fromMemorySegment(S, c, r0 + half, order));
                c10 = c10.add(FloatVector.fromMemorySegment(S, c, r1, order)); c11 = c11.add(FloatVector.fromMemorySegment(S, c, r1 + half, order));
                c20 = c20.add(FloatVector.fromMemorySegment(S, c, r2, order)); c21 = c21.add(FloatVector.fromMemorySegment(S, c, r2 + half, order));
                c30 = c30.add(FloatVector.fromMemorySegment(S, c, r3, order)); c31 = c31.add(FloatVector.fromMemorySegment(S, c, r3 + half, order));
                c40 = c40.add(FloatVector.fromMemorySegment(S, c, r4, order)); c41 = c41.add(FloatVector.fromMemorySegment(S, c, r4 + half, order));
                c50 = c50.add(FloatVector.fromMemorySegment(S, c, r5, order)); c51 = c51.add(FloatVector.fromMemorySegment(S, c, r5 + half, order));
                c60 = c60.add(FloatVector.fromMemorySegment(S, c, r6, order)); c61 = c61.add(FloatVector.fromMemorySegment(S, c, r6 + half, order));
                c70 = c70.add(FloatVector.fromMemorySegment(S, c, r7, order)); c71 = c71.add(FloatVector.fromMemorySegment(S, c, r7 + half, order));
            }
            c00.intoMemorySegment(c, r0, order); c01.intoMemorySegment(c, r0 + half, order);
            c10.intoMemorySegment(c, r1, order); c11.intoMemorySegment(c, r1 + half, order);
            c20.intoMemorySegment(c, r2, order); c21.intoMemorySegment(c, r2 + half, order);
            c30.intoMemorySegment(c, r3, order); c31.intoMemorySegment(c, r3 + half, order);
            c40.intoMemorySegment(c, r4, order); c41.intoMemorySegment(c, r4 + half, order);
            c50.intoMemorySegment(c, r5, order); c51.intoMemorySegment(c, r5 + half, order);
            c60.intoMemorySegment(c, r6, order); c61.intoMemorySegment(c, r6 + half, order);
            c70.intoMemorySegment(c, r7, order); c71.intoMemorySegment(c, r7 + half, order);
            return true;
        }

        @Override
        void storeTile(float[] tile, MemorySegment c, long cOff, long ldc, float beta) {
            FloatVector betaV = FloatVector.broadcast(S, beta);
            for (int r = 0; r < MR; r++) {
                long rowBytes = (cOff + r * ldc) * Float.BYTES;
                for (int v = 0; v < NR; v += L) {
                    FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                    long at = rowBytes + (long) v * Float.BYTES;
                    if (beta != 0) {
                        FloatVector old = FloatVector.fromMemorySegment(S, c, at, ByteOrder.nativeOrder());
                        t = beta == 1 ? t.add(old) : old.fma(betaV, t);
                    }
                    t.intoMemorySegment(c, at, ByteOrder.nativeOrder());
                }
            }
        }
    }

    /** 4 rows x 2 vectors per tile: SSE/NEON-width hardware, or AVX machines told to stay at 128 bits. */
    static final class Vector128 extends SgemmMicroKernel {
        static final Vector128 INSTANCE = new Vector128();
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
        private static final int MR = 4;
        private static final int L = 4; // double: 2
        private static final int NR = 2 * L;

        private Vector128() { super(128, MR, NR); }

        @Override
        void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            for (int ap = aOff, bp = bOff, aEnd = aOff + kc * MR; ap < aEnd; ap += MR, bp += NR) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector a0 = FloatVector.broadcast(S, a[ap]);
                c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
                c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
                c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
                c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            }
            c00.intoArray(tile, 0 * NR); c01.intoArray(tile, 0 * NR + L);
            c10.intoArray(tile, 1 * NR); c11.intoArray(tile, 1 * NR + L);
            c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        }

        @Override
        void storeTile(float[] tile, MemorySegment c, long cOff, long ldc, float beta) {
            FloatVector betaV = FloatVector.broadcast(S, beta);
            for (int r = 0; r < MR; r++) {
                long rowBytes = (cOff + r * ldc) * Float.BYTES;
                for (int v = 0; v < NR; v += L) {
                    FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                    long at = rowBytes + (long) v * Float.BYTES;
                    if (beta != 0) {
                        FloatVector old = FloatVector.fromMemorySegment(S, c, at, ByteOrder.nativeOrder());
                        t = beta == 1 ? t.add(old) : old.fma(betaV, t);
                    }
                    t.intoMemorySegment(c, at, ByteOrder.nativeOrder());
                }
            }
        }
    }
}
