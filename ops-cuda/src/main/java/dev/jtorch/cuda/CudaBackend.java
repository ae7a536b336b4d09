package dev.jtorch.cuda;

import dev.jtorch.bindings.cuda.CudaRuntime;
import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.Block;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Distribution;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.ReduceOp;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;
import dev.jtorch.tensor.Window2d;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * The backend of one GPU, {@code cuda:N}. Every primitive queues work on the device's one stream and returns;
 * only the copies to the host (and {@link #flatNonzero}, whose size depends on the data) wait. Tensors are
 * passed to kernels as a base address plus a {@code Strided} (shape and element strides, coalesced where
 * the operands allow), so any view works and contiguous operands take the kernels' fast path. Products go
 * to cuBLAS; convolution uses the interface's im2col + matmul defaults.
 */
public final class CudaBackend implements Backend {
    private static final Set<UnaryOp> FLOAT_ONLY = EnumSet.of(UnaryOp.EXP, UnaryOp.LOG, UnaryOp.SQRT, UnaryOp.SIN,
            UnaryOp.COS, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.ERF);

    private final CudaDevice gpu;

    CudaBackend(CudaDevice gpu) { this.gpu = gpu; }

    @Override public Device device() { return gpu.device; }

    CachingAllocator allocator() { return gpu.allocator; }

    /** The device address of a tensor's first element. */
    static long address(Tensor t) {
        Block block = t.storage().block();
        if (!(block instanceof CachingAllocator.DeviceBlock d)) {
            throw new IllegalArgumentException("tensor on " + t.device() + " does not hold CUDA memory");
        }
        return d.address() + t.storageOffset() * t.dtype().byteSize();
    }

    @Override public Block allocate(long bytes) { return gpu.allocator.allocate(bytes, gpu.streamId()); }

    @Override public void copyFromHost(MemorySegment src, Tensor dst) {
        gpu.staging.toDevice(src.asSlice(0, dst.numel() * dst.dtype().byteSize()), address(dst));
    }

    @Override public void copyToHost(Tensor src, MemorySegment dst) {
        gpu.staging.toHost(address(src), dst.asSlice(0, src.numel() * src.dtype().byteSize()));
    }

    @Override public void copy(Tensor src, Tensor dst) {
        long n = dst.numel();
        if (n == 0) return;
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            gpu.makeCurrent();
            CudaRuntime.check(CudaRuntime.cudaMemcpyAsync(MemorySegment.ofAddress(address(dst)), MemorySegment.ofAddress(address(src)),
                    n * dst.dtype().byteSize(), CudaRuntime.cudaMemcpyDeviceToDevice, gpu.stream), "cudaMemcpyAsync");
            return;
        }
        Coalesced c = Coalesced.of(dst.shape(), dst.strides(), src.strides());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(src)).strided(c.shape(), c.strides(1)).pointer(address(dst)).strided(c.shape(), c.strides(0));
            launch(Kernel.COPY, Kernel.COPY.entry(src.dtype(), dst.dtype()), n, args);
        }
    }

    @Override public void fill(Tensor dst, double value) {
        long n = dst.numel();
        if (n == 0) return;
        Coalesced c = Coalesced.of(dst.shape(), dst.strides());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(dst)).strided(c.shape(), c.strides(0)).f64(value).i64((long) value);
            launch(Kernel.FILL, Kernel.FILL.entry(dst.dtype()), n, args);
        }
    }

    @Override public void unary(UnaryOp op, Tensor src, Tensor dst) {
        long n = dst.numel();
        if (!src.dtype().isFloatingPoint() && FLOAT_ONLY.contains(op)) {
            throw new UnsupportedOperationException(op.name().toLowerCase() + " is only implemented for floating point tensors");
        }
        if (n == 0) return;
        Coalesced c = Coalesced.of(dst.shape(), dst.strides(), src.strides());
        try (KernelArgs args = new KernelArgs()) {
            if (op == UnaryOp.LOGICAL_NOT) {
                args.i64(n).pointer(address(src)).strided(c.shape(), c.strides(1)).pointer(address(dst)).strided(c.shape(), c.strides(0));
                launch(Kernel.LOGICAL_NOT, Kernel.LOGICAL_NOT.entry(src.dtype()), n, args);
            } else {
                args.i32(op.ordinal()).i64(n).pointer(address(src)).strided(c.shape(), c.strides(1)).pointer(address(dst)).strided(c.shape(), c.strides(0));
                launch(Kernel.UNARY, Kernel.UNARY.entry(src.dtype()), n, args);
            }
        }
    }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst) {
        long n = dst.numel();
        if (n == 0) return;
        Kernel kernel = op.writesBool() ? Kernel.COMPARE : Kernel.BINARY;
        Coalesced c = Coalesced.of(dst.shape(), dst.strides(), a.strides(), b.strides());
        try (KernelArgs args = new KernelArgs()) {
            args.i32(op.ordinal()).i64(n)
                    .pointer(address(a)).strided(c.shape(), c.strides(1))
                    .pointer(address(b)).strided(c.shape(), c.strides(2))
                    .pointer(address(dst)).strided(c.shape(), c.strides(0));
            launch(kernel, kernel.entry(a.dtype()), n, args);
        }
    }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor dst) {
        long n = dst.numel();
        if (n == 0) return;
        Coalesced c = Coalesced.of(dst.shape(), dst.strides(), cond.strides(), a.strides(), b.strides());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(cond)).strided(c.shape(), c.strides(1))
                    .pointer(address(a)).strided(c.shape(), c.strides(2))
                    .pointer(address(b)).strided(c.shape(), c.strides(3))
                    .pointer(address(dst)).strided(c.shape(), c.strides(0));
            launch(Kernel.WHERE, Kernel.WHERE.entry(dst.dtype()), n, args);
        }
    }

    @Override public void reluBackward(Tensor gradOut, Tensor result, Tensor gradIn) {
        if (!gradIn.dtype().isFloatingPoint()) {
            Backend.super.reluBackward(gradOut, result, gradIn);
            return;
        }
        long n = gradIn.numel();
        if (n == 0) return;
        Coalesced c = Coalesced.of(gradIn.shape(), gradIn.strides(), gradOut.strides(), result.strides());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(gradOut)).strided(c.shape(), c.strides(1))
                    .pointer(address(result)).strided(c.shape(), c.strides(2))
                    .pointer(address(gradIn)).strided(c.shape(), c.strides(0));
            launch(Kernel.RELU_BACKWARD, Kernel.RELU_BACKWARD.entry(gradIn.dtype()), n, args);
        }
    }

    // ---- reductions: the source is viewed as [kept dims..., reduced dims...], one block per output ----

    @Override public void reduce(ReduceOp op, Tensor src, Tensor dst) {
        if (src.dtype() != dst.dtype()) {
            try (var noGrad = GradMode.noGrad()) { reduce(op, src.to(dst.dtype()), dst); }
            return;
        }
        int rank = src.dim();
        long[] shape = src.shape(), strides = src.strides();
        long[] sizes = new long[rank], steps = new long[rank];
        int at = 0;
        long outN = 1, r = 1;
        for (int pass = 0; pass < 2; pass++) {
            for (int d = 0; d < rank; d++) {
                boolean reduced = dst.size(d) == 1 && shape[d] != 1;
                if (reduced != (pass == 1)) continue;
                sizes[at] = shape[d];
                steps[at++] = strides[d];
                if (reduced) r *= shape[d]; else outN *= shape[d];
            }
        }
        if (outN == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i32(op.ordinal()).i64(outN).i64(r).pointer(address(src)).strided(sizes, steps).pointer(address(dst));
            launchPerRow(Kernel.REDUCE, Kernel.REDUCE.entry(src.dtype()), outN, args);
        }
    }

    @Override public void argReduce(ReduceOp op, Tensor src, int dim, Tensor values, Tensor indices) {
        int rank = src.dim();
        long[] shape = src.shape(), strides = src.strides();
        long[] sizes = new long[Math.max(rank, 1)], steps = new long[Math.max(rank, 1)];
        int at = 0;
        for (int d = 0; d < rank; d++) {
            if (d == dim) continue;
            sizes[at] = shape[d];
            steps[at++] = strides[d];
        }
        long r = rank == 0 ? 1 : shape[dim];
        if (rank > 0) {
            sizes[at] = r;
            steps[at] = strides[dim];
        } else {
            sizes[0] = 1;
        }
        long outN = values.numel();
        if (outN == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i32(op.ordinal()).i64(outN).i64(r).pointer(address(src)).strided(sizes, steps)
                    .pointer(address(values)).pointer(address(indices));
            launchPerRow(Kernel.ARG_REDUCE, Kernel.ARG_REDUCE.entry(src.dtype()), outN, args);
        }
    }

    // ---- the fused recurrent cells: one thread per (batch row, hidden unit), contiguous operands only ----

    private static boolean contiguousFloats(Tensor... ts) {
        for (Tensor t : ts) if (!t.dtype().isFloatingPoint() || !t.isContiguous()) return false;
        return true;
    }

    @Override public void lstmCell(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor out) {
        if (!contiguousFloats(inputGates, hiddenGates, c, out)) {
            Backend.super.lstmCell(inputGates, hiddenGates, c, out);
            return;
        }
        long batch = c.size(0), hidden = c.size(1);
        if (batch * hidden == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i64(batch).i64(hidden).pointer(address(inputGates)).pointer(address(hiddenGates)).pointer(address(c)).pointer(address(out));
            launch(Kernel.LSTM_CELL, Kernel.LSTM_CELL.entry(c.dtype()), batch * hidden, args);
        }
    }

    @Override public void lstmCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor gradOut, Tensor gradGates, Tensor gradC) {
        if (!contiguousFloats(inputGates, hiddenGates, c, gradOut, gradGates, gradC)) {
            Backend.super.lstmCellBackward(inputGates, hiddenGates, c, gradOut, gradGates, gradC);
            return;
        }
        long batch = c.size(0), hidden = c.size(1);
        if (batch * hidden == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i64(batch).i64(hidden).pointer(address(inputGates)).pointer(address(hiddenGates)).pointer(address(c))
                    .pointer(address(gradOut)).pointer(address(gradGates)).pointer(address(gradC));
            launch(Kernel.LSTM_CELL_BACKWARD, Kernel.LSTM_CELL_BACKWARD.entry(c.dtype()), batch * hidden, args);
        }
    }

    @Override public void gruCell(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor out) {
        if (!contiguousFloats(inputGates, hiddenGates, h, out)) {
            Backend.super.gruCell(inputGates, hiddenGates, h, out);
            return;
        }
        long batch = h.size(0), hidden = h.size(1);
        if (batch * hidden == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i64(batch).i64(hidden).pointer(address(inputGates)).pointer(address(hiddenGates)).pointer(address(h)).pointer(address(out));
            launch(Kernel.GRU_CELL, Kernel.GRU_CELL.entry(h.dtype()), batch * hidden, args);
        }
    }

    @Override public void gruCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor gradOut,
                                          Tensor gradInputGates, Tensor gradHiddenGates, Tensor gradH) {
        if (!contiguousFloats(inputGates, hiddenGates, h, gradOut, gradInputGates, gradHiddenGates, gradH)) {
            Backend.super.gruCellBackward(inputGates, hiddenGates, h, gradOut, gradInputGates, gradHiddenGates, gradH);
            return;
        }
        long batch = h.size(0), hidden = h.size(1);
        if (batch * hidden == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i64(batch).i64(hidden).pointer(address(inputGates)).pointer(address(hiddenGates)).pointer(address(h)).pointer(address(gradOut))
                    .pointer(address(gradInputGates)).pointer(address(gradHiddenGates)).pointer(address(gradH));
            launch(Kernel.GRU_CELL_BACKWARD, Kernel.GRU_CELL_BACKWARD.entry(h.dtype()), batch * hidden, args);
        }
    }

    @Override public void softmax(Tensor src, int dim, boolean log, Tensor dst) {
        if (!src.dtype().isFloatingPoint() || !dst.isContiguous()) {
            Backend.super.softmax(src, dim, log, dst);
            return;
        }
        long[] shape = src.shape();
        long outer = 1, inner = 1, d = shape.length == 0 ? 1 : shape[dim];
        for (int i = 0; i < dim; i++) outer *= shape[i];
        for (int i = dim + 1; i < shape.length; i++) inner *= shape[i];
        long rows = outer * inner;
        if (rows == 0 || d == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i64(rows).i64(d).i64(inner).pointer(address(src)).pointer(address(dst)).i32(log ? 1 : 0);
            launchPerRow(Kernel.SOFTMAX, Kernel.SOFTMAX.entry(src.dtype()), rows, args);
        }
    }

    // ---- products ----

    @Override public void matmul(Tensor a, Tensor b, Tensor dst) {
        if (dst.numel() == 0) return;
        if (a.size(2) == 0) {
            fill(dst, 0);
            return;
        }
        DType t = dst.dtype();
        if (t.isFloatingPoint()) {
            CublasMatmul.matmul(gpu, a, b, dst);
            return;
        }
        long batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        try (KernelArgs args = new KernelArgs()) {
            args.struct(KernelStructs.matmulShape(args.arena, batch, m, n, k, a.stride(0), a.stride(1), a.stride(2),
                    b.stride(0), b.stride(1), b.stride(2))).pointer(address(a)).pointer(address(b)).pointer(address(dst));
            launch(Kernel.MATMUL, Kernel.MATMUL.entry(t), batch * m * n, args);
        }
    }

    // ---- indexing ----

    @Override public void indexSelect(Tensor src, int dim, Tensor index, Tensor dst) {
        long n = dst.numel();
        if (n == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(src)).strided(rank1(src.shape()), rank1(src.strides()))
                    .pointer(address(dst)).strided(rank1(dst.shape()), rank1(dst.strides()))
                    .pointer(address(index)).i64(index.dim() == 0 ? 0 : index.stride(0)).i32(dim);
            launch(Kernel.INDEX_SELECT, Kernel.INDEX_SELECT.entry(src.dtype()), n, args);
        }
    }

    @Override public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        long n = src.numel();
        if (n == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(dst)).strided(rank1(dst.shape()), rank1(dst.strides()))
                    .pointer(address(src)).strided(rank1(src.shape()), rank1(src.strides()))
                    .pointer(address(index)).i64(index.dim() == 0 ? 0 : index.stride(0)).i32(dim);
            launch(Kernel.INDEX_ADD, Kernel.INDEX_ADD.entry(dst.dtype()), n, args);
        }
    }

    @Override public void gather(Tensor src, int dim, Tensor index, Tensor dst) {
        long n = index.numel();
        if (n == 0) return;
        long[] shape = rank1(index.shape());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(src)).strided(shape, rank1(src.strides()))
                    .pointer(address(dst)).strided(shape, rank1(dst.strides()))
                    .pointer(address(index)).strided(shape, rank1(index.strides())).i32(dim);
            launch(Kernel.GATHER, Kernel.GATHER.entry(src.dtype()), n, args);
        }
    }

    @Override public void scatter(Tensor dst, int dim, Tensor index, Tensor src, boolean accumulate) {
        long n = index.numel();
        if (n == 0) return;
        long[] shape = rank1(index.shape());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(dst)).strided(shape, rank1(dst.strides()))
                    .pointer(address(src)).strided(shape, rank1(src.strides()))
                    .pointer(address(index)).strided(shape, rank1(index.strides())).i32(dim).i32(accumulate ? 1 : 0);
            launch(Kernel.SCATTER, Kernel.SCATTER.entry(dst.dtype()), n, args);
        }
    }

    /** 0-dim views index as one element of one dimension. */
    private static long[] rank1(long[] v) { return v.length == 0 ? new long[] {1} : v; }

    @Override public Tensor flatNonzero(Tensor mask) {
        long n = mask.numel();
        long blocks = Math.ceilDiv(n, Kernel.THREADS);
        if (n == 0) return Tensor.empty(new long[] {0}, DType.INT64, gpu.device);
        try (var noGrad = GradMode.noGrad();
             Tensor counts = Tensor.empty(new long[] {blocks}, DType.INT64, gpu.device);
             Tensor offsets = Tensor.empty(new long[] {blocks + 1}, DType.INT64, gpu.device)) {
            try (KernelArgs args = new KernelArgs()) {
                args.i64(n).pointer(address(mask)).pointer(address(counts));
                gpu.launch(Kernel.NONZERO_COUNT, Kernel.NONZERO_COUNT.entry(), blocks, Kernel.THREADS, args);
            }
            try (KernelArgs args = new KernelArgs()) {
                args.i64(blocks).pointer(address(counts)).pointer(address(offsets));
                gpu.launch(Kernel.NONZERO_SCAN, Kernel.NONZERO_SCAN.entry(), 1, Kernel.THREADS, args);
            }
            long total = offsets.narrow(0, blocks, 1).toLongArray()[0];
            Tensor out = Tensor.empty(new long[] {total}, DType.INT64, gpu.device);
            if (total > 0) {
                try (KernelArgs args = new KernelArgs()) {
                    args.i64(n).pointer(address(mask)).pointer(address(offsets)).pointer(address(out));
                    gpu.launch(Kernel.NONZERO_WRITE, Kernel.NONZERO_WRITE.entry(), blocks, Kernel.THREADS, args);
                }
            }
            return out;
        }
    }

    @Override public void random(Tensor dst, Distribution dist, double a, double b, Generator generator) {
        long n = dst.numel();
        if (n == 0) return;
        if (dist == Distribution.INTEGER && (long) b <= (long) a) {
            throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from=" + (long) a + " >= to=" + (long) b);
        }
        if (dist == Distribution.BERNOULLI && !(a >= 0 && a <= 1)) {
            throw new IllegalArgumentException("bernoulli_ expects p to be in [0, 1], but got p=" + a);
        }
        // one draw from the generator keys the whole fill: the same seed gives the same tensor
        long seed = generator.nextLong();
        double lo = dist == Distribution.INTEGER ? (long) a : a, hi = dist == Distribution.INTEGER ? (long) b : b;
        Coalesced c = Coalesced.of(dst.shape(), dst.strides());
        try (KernelArgs args = new KernelArgs()) {
            args.i64(n).pointer(address(dst)).strided(c.shape(), c.strides(0)).i32(dist.ordinal()).f64(lo).f64(hi).i64(seed).i64(0);
            launch(Kernel.RANDOM, Kernel.RANDOM.entry(dst.dtype()), n, args);
        }
    }

    // ---- windows over NCHW ----

    private static java.lang.foreign.MemorySegment window(KernelArgs args, long n, long c, Window2d w) {
        return KernelStructs.window(args.arena, n, c, w.inH(), w.inW(), w.outH(), w.outW(), w.kernelH(), w.kernelW(),
                w.strideH(), w.strideW(), w.padH(), w.padW(), w.dilationH(), w.dilationW(), w.countIncludePad());
    }

    @Override public void im2col(Tensor input, Window2d w, Tensor columns) {
        if (columns.numel() == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.struct(window(args, input.size(0), input.size(1), w)).pointer(address(input)).pointer(address(columns));
            launch(Kernel.IM2COL, Kernel.IM2COL.entry(input.dtype()), columns.numel(), args);
        }
    }

    @Override public void col2im(Tensor columns, Window2d w, Tensor dst) {
        if (dst.numel() == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.struct(window(args, dst.size(0), dst.size(1), w)).pointer(address(columns)).pointer(address(dst));
            launch(Kernel.COL2IM, Kernel.COL2IM.entry(dst.dtype()), dst.numel(), args);
        }
    }

    @Override public void maxPool2d(Tensor input, Window2d w, Tensor out, Tensor indices) {
        if (out.numel() == 0) return;
        if (indices == null) {   // the kernel always writes the argmax; a scratch tensor takes it
            try (var noGrad = GradMode.noGrad()) {
                maxPool2d(input, w, out, Tensor.empty(out.shape(), DType.INT64, out.device()));
            }
            return;
        }
        try (KernelArgs args = new KernelArgs()) {
            args.struct(window(args, input.size(0), input.size(1), w)).pointer(address(input)).pointer(address(out)).pointer(address(indices));
            launch(Kernel.MAX_POOL2D, Kernel.MAX_POOL2D.entry(input.dtype()), out.numel(), args);
        }
    }

    @Override public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        long n = gradOut.numel();
        if (n == 0) return;
        try (var noGrad = GradMode.noGrad()) {
            Tensor g = gradOut.contiguous(), ix = indices.contiguous();
            try (KernelArgs args = new KernelArgs()) {
                args.i64(n).i64(g.size(2) * g.size(3)).i64(gradIn.size(2) * gradIn.size(3))
                        .pointer(address(g)).pointer(address(ix)).pointer(address(gradIn));
                launch(Kernel.MAX_POOL2D_BACKWARD, Kernel.MAX_POOL2D_BACKWARD.entry(gradIn.dtype()), n, args);
            }
        }
    }

    @Override public void avgPool2d(Tensor input, Window2d w, Tensor out) {
        if (out.numel() == 0) return;
        try (KernelArgs args = new KernelArgs()) {
            args.struct(window(args, input.size(0), input.size(1), w)).pointer(address(input)).pointer(address(out));
            launch(Kernel.AVG_POOL2D, Kernel.AVG_POOL2D.entry(input.dtype()), out.numel(), args);
        }
    }

    @Override public void avgPool2dBackward(Tensor gradOut, Window2d w, Tensor gradIn) {
        if (gradOut.numel() == 0) return;
        try (var noGrad = GradMode.noGrad()) {
            Tensor g = gradOut.contiguous();
            try (KernelArgs args = new KernelArgs()) {
                args.struct(window(args, gradIn.size(0), gradIn.size(1), w)).pointer(address(g)).pointer(address(gradIn));
                launch(Kernel.AVG_POOL2D_BACKWARD, Kernel.AVG_POOL2D_BACKWARD.entry(gradIn.dtype()), g.numel(), args);
            }
        }
    }

    @Override public void synchronize() { gpu.synchronize(); }

    private void launch(Kernel kernel, String name, long elements, KernelArgs args) {
        gpu.launch(kernel, name, gpu.blocksFor(elements), Kernel.THREADS, args);
    }

    /** One block per output row (the reductions and softmax), capped; the kernels loop over the rest. */
    private void launchPerRow(Kernel kernel, String name, long rows, KernelArgs args) {
        gpu.launch(kernel, name, Math.min(rows, 1L << 20), Kernel.THREADS, args);
    }
}
