package dev.jtorch.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array on a device, PyTorch's {@code torch.Tensor}: a view (shape, strides, offset, dtype)
 * of a {@link Storage}. Operations build on the {@link Backend} primitives of its device and record the
 * autograd graph when a {@linkplain AutogradEngine engine} is on the class path.
 *
 * <p>Memory: a tensor never closed is reclaimed once unreachable; {@link #close()} and {@link MemoryScope}
 * release at once. Using a closed tensor throws {@link IllegalStateException}.
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final long offset;
    private final long[] shape;
    private final long[] strides;
    private final DType dtype;
    private final long numel;

    private volatile boolean closed;
    private boolean persistent;

    // autograd state; read and written by the engine through the accessors below
    private boolean requiresGrad;
    private Tensor grad;
    private GradFn gradFn;
    private boolean retainsGrad;

    /** A tensor over {@code storage}; shape and strides are owned by the new tensor (not copied). */
    Tensor(Storage storage, long offset, long[] shape, long[] strides, DType dtype) {
        storage.acquire();
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.dtype = dtype;
        this.numel = Shapes.numel(shape);
        MemoryScope.track(this);
    }

    /** An uninitialised contiguous tensor, as {@code torch.empty}. */
    public static Tensor empty(long[] shape, DType dtype, Device device) {
        Shapes.checkShape(shape);
        long n = Shapes.numel(shape);
        Backend backend = Backends.of(device);
        Storage s = new Storage(device, backend.allocate(n * dtype.byteSize()));
        return new Tensor(s, 0, shape.clone(), Shapes.contiguousStrides(shape), dtype);
    }

    /** A view of this tensor's storage (no copy); autograd is not recorded. */
    public Tensor asStrided(long[] shape, long[] strides, long offset) {
        checkOpen();
        return new Tensor(storage, offset, shape.clone(), strides.clone(), dtype);
    }

    // ---- what backends read ----

    public Storage storage() { checkOpen(); return storage; }
    public long storageOffset() { return offset; }
    public DType dtype() { return dtype; }
    public Device device() { return storage.device(); }
    public Backend backend() { return Backends.of(storage.device()); }
    public int dim() { return shape.length; }
    public long numel() { return numel; }
    public long[] shape() { return shape.clone(); }
    public long[] strides() { return strides.clone(); }

    /** Size along {@code dim}; negative dims count from the end. */
    public long size(int dim) { return shape[Shapes.wrapDim(dim, shape.length)]; }
    public long stride(int dim) { return strides[Shapes.wrapDim(dim, shape.length)]; }

    public boolean isContiguous() { return Shapes.isContiguous(shape, strides); }

    // ---- memory ----

    public boolean isClosed() { return closed; }

    /** Throws {@link IllegalStateException} if closed; every operation calls it on its operands. */
    public Tensor checkOpen() {
        if (closed) throw new IllegalStateException("tensor of shape " + Arrays.toString(shape) + " was closed and cannot be used");
        if (storage.isReleased()) throw new IllegalStateException("tensor's storage was freed");
        return this;
    }

    /** Releases this tensor's hold on its storage; the storage is freed when no open tensor uses it. */
    @Override public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        storage.releaseOwner();
    }

    /** Marks this tensor as outliving any {@link MemoryScope} (parameters, gradients, optimizer state). */
    public Tensor persistent() {
        persistent = true;
        return this;
    }

    public boolean isPersistent() { return persistent; }

    private MemoryScope keptBy;
    /** The tensor this one is a view of, for the in-place-on-view check; null for a base. */
    private Tensor base;
    /** The leaf requiring grad this tensor is a view of (through any chain of views), or null. */
    private Tensor viewedLeaf;

    void keepAlive(MemoryScope scope) { keptBy = scope; }

    void closeFromScope(MemoryScope scope) {
        if (persistent || keptBy == scope) return;
        close();
    }

    // ---- autograd state ----

    public boolean requiresGrad() { return requiresGrad; }

    /** Sets requires_grad on a leaf, as {@code tensor.requires_grad_()}. */
    public Tensor requiresGrad(boolean value) {
        if (value && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients, got " + dtype);
        }
        if (!value && gradFn != null) {
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables");
        }
        requiresGrad = value;
        return this;
    }

    public Tensor grad() { return grad; }

    /** Sets {@code .grad}; the gradient outlives memory scopes, as the parameter it belongs to. */
    public void setGrad(Tensor g) {
        if (g != null) {
            if (!Arrays.equals(g.shape, shape)) {
                throw new IllegalArgumentException("assigned grad has shape " + Shapes.str(g.shape) + " but the tensor has shape " + Shapes.str(shape));
            }
            g.persistent();
        }
        grad = g;
    }

    public GradFn gradFn() { return gradFn; }

    /** Set by the autograd engine when this tensor is the output of a recorded operation. */
    public void setGradFn(GradFn fn) {
        gradFn = fn;
        requiresGrad = fn != null || requiresGrad;
    }

    public boolean isLeaf() { return gradFn == null; }

    /** Keeps {@code .grad} for this non-leaf tensor after backward, as {@code retain_grad()}. */
    public Tensor retainGrad() { retainsGrad = true; return this; }
    public boolean retainsGrad() { return retainsGrad; }

    // =====================================================================================================
    // Factories
    // =====================================================================================================

    public static Tensor empty(long... shape) { return empty(shape, DType.FLOAT32, Device.CPU); }

    public static Tensor zeros(long... shape) { return zeros(shape, DType.FLOAT32, Device.CPU); }
    public static Tensor zeros(long[] shape, DType dtype) { return zeros(shape, dtype, Device.CPU); }
    public static Tensor zeros(long[] shape, DType dtype, Device device) { return full(shape, 0, dtype, device); }

    public static Tensor ones(long... shape) { return ones(shape, DType.FLOAT32, Device.CPU); }
    public static Tensor ones(long[] shape, DType dtype) { return ones(shape, dtype, Device.CPU); }
    public static Tensor ones(long[] shape, DType dtype, Device device) { return full(shape, 1, dtype, device); }

    public static Tensor full(long[] shape, double value) { return full(shape, value, DType.FLOAT32, Device.CPU); }
    public static Tensor full(long[] shape, double value, DType dtype) { return full(shape, value, dtype, Device.CPU); }
    public static Tensor full(long[] shape, double value, DType dtype, Device device) {
        Tensor t = empty(shape, dtype, device);
        t.backend().fill(t, value);
        return t;
    }

    /** A 0-dim tensor, as {@code torch.tensor(2.0)}: float32 for a double, as PyTorch's default dtype. */
    public static Tensor scalar(double value) { return full(new long[0], value, DType.FLOAT32, Device.CPU); }
    public static Tensor scalar(double value, DType dtype) { return full(new long[0], value, dtype, Device.CPU); }

    public static Tensor eye(long n) { return eye(n, n, DType.FLOAT32, Device.CPU); }
    public static Tensor eye(long n, long m, DType dtype, Device device) {
        Tensor t = zeros(new long[] {n, m}, dtype, device);
        long k = Math.min(n, m);
        t.asStrided(new long[] {k}, new long[] {m + 1}, 0).fill_(1);
        return t;
    }

    /** {@code torch.arange(end)}: int64 0 .. end-1. */
    public static Tensor arange(long end) { return arange(0, end, 1); }

    public static Tensor arange(long start, long end, long step) {
        if (step == 0) throw new IllegalArgumentException("step must be nonzero");
        long n = Math.max(0, Math.ceilDiv(end - start, step));
        long[] v = new long[(int) n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return of(v);
    }

    /** {@code torch.arange(start, end, step)} with floating bounds: float32, {@code ceil((end-start)/step)} values. */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0) throw new IllegalArgumentException("step must be nonzero");
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        float[] v = new float[(int) n];
        for (int i = 0; i < n; i++) v[i] = (float) (start + i * step);
        return of(v);
    }

    public static Tensor linspace(double start, double end, long steps) {
        if (steps < 0) throw new IllegalArgumentException("number of steps must be non-negative, got " + steps);
        float[] v = new float[(int) steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // PyTorch fills the second half from the end so the last value is exactly `end`.
        long half = steps / 2;
        for (int i = 0; i < steps; i++) v[i] = (float) (i < half ? start + step * i : end - step * (steps - 1 - i));
        return of(v);
    }

    public static Tensor rand(long... shape) { return rand(shape, DType.FLOAT32, Device.CPU, Generator.defaultGenerator()); }
    public static Tensor rand(long[] shape, DType dtype, Device device, Generator g) {
        return empty(shape, dtype, device).uniform_(0, 1, g);
    }

    public static Tensor randn(long... shape) { return randn(shape, DType.FLOAT32, Device.CPU, Generator.defaultGenerator()); }
    public static Tensor randn(long[] shape, DType dtype, Device device, Generator g) {
        return empty(shape, dtype, device).normal_(0, 1, g);
    }

    /** {@code torch.randint(low, high, shape)}: int64 in [low, high). */
    public static Tensor randint(long low, long high, long... shape) {
        if (high <= low) throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from=" + low + " >= to=" + high);
        Tensor t = empty(shape, DType.INT64, Device.CPU);
        t.backend().random(t, Distribution.INTEGER, low, high, Generator.defaultGenerator());
        return t;
    }

    public Tensor emptyLike() { return empty(shape, dtype, device()); }
    public Tensor zerosLike() { return zeros(shape, dtype, device()); }
    public Tensor onesLike() { return ones(shape, dtype, device()); }
    public Tensor fullLike(double v) { return full(shape, v, dtype, device()); }
    public Tensor randLike() { return rand(shape, dtype, device(), Generator.defaultGenerator()); }
    public Tensor randnLike() { return randn(shape, dtype, device(), Generator.defaultGenerator()); }

    // ---- from Java arrays ----

    public static Tensor of(float... data) { return fromSegment(MemorySegment.ofArray(data), new long[] {data.length}, DType.FLOAT32); }
    public static Tensor of(double... data) { return fromSegment(MemorySegment.ofArray(data), new long[] {data.length}, DType.FLOAT64); }
    public static Tensor of(long... data) { return fromSegment(MemorySegment.ofArray(data), new long[] {data.length}, DType.INT64); }
    public static Tensor of(int... data) { return fromSegment(MemorySegment.ofArray(data), new long[] {data.length}, DType.INT32); }
    public static Tensor of(boolean... data) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (data[i] ? 1 : 0);
        return fromSegment(MemorySegment.ofArray(b), new long[] {data.length}, DType.BOOL);
    }

    /** Copies {@code numel(shape)} elements of {@code dtype} from host memory into a new CPU tensor. */
    public static Tensor fromSegment(MemorySegment data, long[] shape, DType dtype) {
        long n = Shapes.numel(shape);
        if (data.byteSize() != n * dtype.byteSize()) {
            throw new IllegalArgumentException("data of " + data.byteSize() / dtype.byteSize() + " elements does not fill shape " + Shapes.str(shape) + " (" + n + " elements)");
        }
        Tensor t = empty(shape, dtype, Device.CPU);
        t.backend().copyFromHost(data, t);
        return t;
    }

    /**
     * A tensor from a (nested) Java array: {@code float[]} gives float32, {@code double[]} float64,
     * {@code long[]} int64, {@code int[]} int32, {@code boolean[]} bool; nesting gives the shape, and
     * ragged nesting is an error naming the dimension, as {@code torch.tensor([[1, 2], [3]])}. A boxed
     * scalar ({@code Tensor.of(5L)}, which Java resolves here rather than to the varargs overloads) gives
     * the 1-element 1-d tensor those overloads give; {@link #scalar} makes a 0-dim one.
     */
    public static Tensor of(Object nested) {
        return NestedArrays.toTensor(nested);
    }

    // =====================================================================================================
    // Reading values back (explicit, synchronising copies)
    // =====================================================================================================

    /** The value of a one-element tensor, as {@code item()}. */
    public double item() {
        if (numel != 1) throw new IllegalStateException("a Tensor with " + numel + " elements cannot be converted to Scalar");
        return toDoubleArray()[0];
    }

    public float[] toFloatArray() {
        float[] out = new float[checkedLength()];
        to(DType.FLOAT32).copyOut(MemorySegment.ofArray(out));
        return out;
    }

    public double[] toDoubleArray() {
        double[] out = new double[checkedLength()];
        to(DType.FLOAT64).copyOut(MemorySegment.ofArray(out));
        return out;
    }

    public long[] toLongArray() {
        long[] out = new long[checkedLength()];
        to(DType.INT64).copyOut(MemorySegment.ofArray(out));
        return out;
    }

    public int[] toIntArray() {
        int[] out = new int[checkedLength()];
        to(DType.INT32).copyOut(MemorySegment.ofArray(out));
        return out;
    }

    public boolean[] toBooleanArray() {
        byte[] b = new byte[checkedLength()];
        to(DType.BOOL).copyOut(MemorySegment.ofArray(b));
        boolean[] out = new boolean[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] != 0;
        return out;
    }

    private int checkedLength() {
        if (numel > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor of " + numel + " elements does not fit a Java array");
        return (int) numel;
    }

    private void copyOut(MemorySegment dst) {
        Tensor c = contiguous();
        c.backend().copyToHost(c, dst);
    }

    /** Reads the raw bytes of this tensor in row-major order (for serialization). */
    public byte[] toByteArray() {
        byte[] out = new byte[Math.toIntExact(numel * dtype.byteSize())];
        copyOut(MemorySegment.ofArray(out));
        return out;
    }

    // =====================================================================================================
    // Conversions
    // =====================================================================================================

    public Tensor to(DType target) {
        checkOpen();
        if (target == dtype) return this;
        Tensor out = empty(shape, target, device());
        backend().copy(this, out);
        if (target.isFloatingPoint() && dtype.isFloatingPoint()) return record(Op.TO_DTYPE, out, new Tensor[] {this}, dtype);
        return out;
    }

    /** Copies to another device; mixing devices in one operation is an error, so this is the way across. */
    public Tensor to(Device target) {
        checkOpen();
        if (target.equals(device())) return this;
        if (requiresGrad && GradMode.isEnabled()) {
            throw new UnsupportedOperationException("moving a tensor that requires grad across devices is not differentiable yet; move the module or detach first");
        }
        Tensor src = contiguous();
        Tensor out = empty(shape, dtype, target);
        if (device().isCpu()) {
            out.backend().copyFromHost(((HostAllocator.HostBlock) src.storage().block()).segment()
                    .asSlice(src.offset * dtype.byteSize(), numel * dtype.byteSize()), out);
        } else if (target.isCpu()) {
            src.backend().copyToHost(src, ((HostAllocator.HostBlock) out.storage().block()).segment().asSlice(0, numel * dtype.byteSize()));
        } else {
            return to(Device.CPU).to(target);
        }
        return out;
    }

    public Tensor toFloat() { return to(DType.FLOAT32); }
    public Tensor toDouble() { return to(DType.FLOAT64); }
    public Tensor toLong() { return to(DType.INT64); }

    /** A new tensor sharing storage but cut from the graph, as {@code detach()}. */
    public Tensor detach() {
        checkOpen();
        Tensor t = new Tensor(storage, offset, shape.clone(), strides.clone(), dtype);
        t.base = base == null ? this : base;
        return t;
    }

    /** In place, as {@code requires_grad_()}. */
    public Tensor requiresGrad_() { return requiresGrad(true); }

    // =====================================================================================================
    // Elementwise
    // =====================================================================================================

    public Tensor add(Tensor o) { return binary(BinaryOp.ADD, o, Op.ADD); }
    public Tensor add(double s) { return add(scalarFor(s)); }
    /** {@code this + alpha * o}, as {@code torch.add(a, b, alpha=...)}. */
    public Tensor add(Tensor o, double alpha) { return add(alpha == 1 ? o : o.mul(alpha)); }
    public Tensor sub(Tensor o) { return binary(BinaryOp.SUB, o, Op.SUB); }
    public Tensor sub(double s) { return sub(scalarFor(s)); }
    /** {@code s - this}, as Python's {@code s - x}. */
    public Tensor rsub(double s) { return scalarFor(s).sub(this); }
    public Tensor mul(Tensor o) { return binary(BinaryOp.MUL, o, Op.MUL); }
    public Tensor mul(double s) { return mul(scalarFor(s)); }
    public Tensor div(Tensor o) { return binary(BinaryOp.DIV, o, Op.DIV); }
    public Tensor div(double s) { return div(scalarFor(s)); }
    public Tensor pow(Tensor o) { return binary(BinaryOp.POW, o, Op.POW); }
    public Tensor pow(double e) { return pow(scalarFor(e)); }
    public Tensor maximum(Tensor o) { return binary(BinaryOp.MAXIMUM, o, Op.MAXIMUM); }
    public Tensor minimum(Tensor o) { return binary(BinaryOp.MINIMUM, o, Op.MINIMUM); }

    public Tensor eq(Tensor o) { return binary(BinaryOp.EQ, o, null); }
    public Tensor eq(double s) { return eq(scalarFor(s)); }
    public Tensor ne(Tensor o) { return binary(BinaryOp.NE, o, null); }
    public Tensor ne(double s) { return ne(scalarFor(s)); }
    public Tensor lt(Tensor o) { return binary(BinaryOp.LT, o, null); }
    public Tensor lt(double s) { return lt(scalarFor(s)); }
    public Tensor le(Tensor o) { return binary(BinaryOp.LE, o, null); }
    public Tensor le(double s) { return le(scalarFor(s)); }
    public Tensor gt(Tensor o) { return binary(BinaryOp.GT, o, null); }
    public Tensor gt(double s) { return gt(scalarFor(s)); }
    public Tensor ge(Tensor o) { return binary(BinaryOp.GE, o, null); }
    public Tensor ge(double s) { return ge(scalarFor(s)); }
    public Tensor logicalAnd(Tensor o) { return to(DType.BOOL).binary(BinaryOp.LOGICAL_AND, o.to(DType.BOOL), null); }
    public Tensor logicalOr(Tensor o) { return to(DType.BOOL).binary(BinaryOp.LOGICAL_OR, o.to(DType.BOOL), null); }
    public Tensor logicalNot() {
        checkOpen();
        Tensor out = empty(shape, DType.BOOL, device());
        backend().unary(UnaryOp.LOGICAL_NOT, this, out);
        return out;
    }

    /** Whether every element equals the other's (same shape), as {@code torch.equal}. */
    public boolean equal(Tensor o) {
        return Arrays.equals(shape, o.shape) && (numel == 0 || eq(o).all());
    }

    /** {@code torch.allclose}: |a - b| <= atol + rtol * |b| everywhere. */
    public boolean allclose(Tensor o, double rtol, double atol) {
        Tensor a = to(DType.FLOAT64), b = o.to(DType.FLOAT64);
        return a.sub(b).abs().le(b.abs().mul(rtol).add(atol)).all();
    }

    public boolean all() { return !anyTrue(to(DType.BOOL).logicalNot()); }
    public boolean any() { return anyTrue(to(DType.BOOL)); }

    private static boolean anyTrue(Tensor bools) {
        for (boolean b : bools.toBooleanArray()) if (b) return true;
        return false;
    }

    public Tensor neg() { return unary(UnaryOp.NEG, Op.NEG); }
    public Tensor abs() { return unary(UnaryOp.ABS, Op.ABS); }
    public Tensor exp() { return unaryFloat(UnaryOp.EXP, Op.EXP); }
    public Tensor log() { return unaryFloat(UnaryOp.LOG, Op.LOG); }
    public Tensor sqrt() { return unaryFloat(UnaryOp.SQRT, Op.SQRT); }
    public Tensor sin() { return unaryFloat(UnaryOp.SIN, Op.SIN); }
    public Tensor cos() { return unaryFloat(UnaryOp.COS, Op.COS); }
    public Tensor tanh() { return unaryFloat(UnaryOp.TANH, Op.TANH); }
    public Tensor sigmoid() { return unaryFloat(UnaryOp.SIGMOID, Op.SIGMOID); }
    public Tensor relu() { return unary(UnaryOp.RELU, Op.RELU); }
    public Tensor erf() { return unaryFloat(UnaryOp.ERF, Op.ERF); }
    /** Not differentiable (its gradient is zero almost everywhere). */
    public Tensor sign() {
        checkOpen();
        Tensor out = empty(shape, dtype, device());
        backend().unary(UnaryOp.SIGN, this, out);
        return out;
    }
    public Tensor square() { return mul(this); }
    public Tensor reciprocal() { return scalarFor(1).to(floatType()).div(this); }
    public Tensor rsqrt() { return sqrt().reciprocal(); }
    public Tensor log1p() { return add(1).log(); }

    /** Clamps into [min, max]; either bound may be null, as {@code torch.clamp}. */
    public Tensor clamp(Double min, Double max) {
        if (min == null && max == null) throw new IllegalArgumentException("At least one of 'min' or 'max' must not be None");
        Tensor t = this;
        if (min != null) t = t.maximum(scalarFor(min));
        if (max != null) t = t.minimum(scalarFor(max));
        return t;
    }
    public Tensor clamp(double min, double max) { return clamp(Double.valueOf(min), Double.valueOf(max)); }
    public Tensor clampMin(double min) { return clamp(min, null); }
    public Tensor clampMax(double max) { return clamp(null, max); }

    /** {@code torch.where(cond, a, b)}: elements of a where cond holds, else of b; all broadcast. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        checkSameDevice("where", cond, a, b);
        if (cond.dtype != DType.BOOL) throw new IllegalArgumentException("where expected condition to be a boolean tensor, but got a tensor with dtype " + cond.dtype.pyName());
        DType dt = resultType(a, b);
        Tensor aa = a.to(dt), bb = b.to(dt);
        long[] shape = Shapes.broadcast(Shapes.broadcast(cond.shape, aa.shape), bb.shape);
        Tensor out = empty(shape, dt, a.device());
        a.backend().where(cond.expandView(shape), aa.expandView(shape), bb.expandView(shape), out);
        return record(Op.WHERE, out, new Tensor[] {aa, bb}, cond);
    }

    public static Tensor where(Tensor cond, Tensor a, double b) { return where(cond, a, a.scalarFor(b)); }

    /** Fills value where mask holds, as {@code masked_fill}. */
    public Tensor maskedFill(Tensor mask, double value) { return where(mask, scalarFor(value), this); }

    // ---- the shared paths ----

    private Tensor binary(BinaryOp kernel, Tensor o, Op op) {
        checkSameDevice(kernel, this, o);
        DType dt = resultType(this, o);
        if (kernel == BinaryOp.DIV && !dt.isFloatingPoint()) dt = DType.FLOAT32;
        if (kernel == BinaryOp.POW && dt == DType.BOOL) dt = DType.INT64;
        Tensor a = to(dt), b = o.to(dt);
        long[] shape = Shapes.broadcast(a.shape, b.shape);
        Tensor out = empty(shape, kernel.writesBool() ? DType.BOOL : dt, device());
        backend().binary(kernel, a.expandView(shape), b.expandView(shape), out);
        return op == null ? out : record(op, out, new Tensor[] {a, b});
    }

    private Tensor unary(UnaryOp kernel, Op op) {
        checkOpen();
        Tensor out = empty(shape, dtype, device());
        backend().unary(kernel, this, out);
        return record(op, out, new Tensor[] {this});
    }

    /** Math functions of integers give float32, as PyTorch's {@code torch.exp(int_tensor)}. */
    private Tensor unaryFloat(UnaryOp kernel, Op op) {
        return dtype.isFloatingPoint() ? unary(kernel, op) : to(DType.FLOAT32).unary(kernel, op);
    }

    private DType floatType() { return dtype.isFloatingPoint() ? dtype : DType.FLOAT32; }

    /**
     * A 0-dim operand for a Python scalar: it takes this tensor's dtype, except that a fractional or
     * floating scalar with an integer tensor gives float32, as PyTorch's wrapped numbers do.
     */
    Tensor scalarFor(double s) {
        DType dt = dtype;
        if (!dt.isFloatingPoint() && (s != Math.rint(s) || Double.isInfinite(s) || Double.isNaN(s))) dt = DType.FLOAT32;
        if (dt == DType.BOOL && s != 0 && s != 1) dt = DType.INT64;
        return full(new long[0], s, dt, device());
    }

    /** PyTorch's result type: a 0-dim operand does not raise the dtype of a dimensioned one of its category. */
    static DType resultType(Tensor a, Tensor b) {
        if (a.dtype == b.dtype) return a.dtype;
        boolean a0 = a.dim() == 0, b0 = b.dim() == 0;
        if (a0 != b0) {
            Tensor dimensioned = a0 ? b : a, zero = a0 ? a : b;
            if (category(zero.dtype) <= category(dimensioned.dtype)) return dimensioned.dtype;
        }
        return DType.promote(a.dtype, b.dtype);
    }

    private static int category(DType d) { return d == DType.BOOL ? 0 : d.isFloatingPoint() ? 2 : 1; }

    /** As below for a binary kernel, naming it only in the message: a training step runs hundreds. */
    private static void checkSameDevice(BinaryOp op, Tensor a, Tensor b) {
        if (!a.checkOpen().device().equals(b.checkOpen().device())) checkSameDevice(op.name().toLowerCase(), a, b);
    }

    private static void checkSameDevice(String op, Tensor... ts) {
        Device d = ts[0].checkOpen().device();
        for (Tensor t : ts) {
            t.checkOpen();
            if (!t.device().equals(d)) {
                throw new IllegalArgumentException("Expected all tensors to be on the same device, but found at least two devices, " + d + " and " + t.device() + "! (in " + op + ")");
            }
        }
    }

    /** A stride-0 broadcast view to {@code target} (no autograd: callers record the op that uses it). */
    Tensor expandView(long[] target) {
        if (Arrays.equals(shape, target)) return this;
        long[] st = new long[target.length];
        int off = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            int j = i - off;
            if (j < 0) continue;
            if (shape[j] == target[i]) st[i] = strides[j];
            else if (shape[j] == 1) st[i] = 0;
            else throw new IllegalArgumentException("The expanded size of the tensor (" + target[i] + ") must match the existing size (" + shape[j]
                    + ") at non-singleton dimension " + i + ".  Target sizes: " + Shapes.str(target) + ".  Tensor sizes: " + Shapes.str(shape));
        }
        return view(target.clone(), st, offset);
    }

    // =====================================================================================================
    // In place (bump the shared version counter so autograd notices)
    // =====================================================================================================

    public Tensor add_(Tensor o) { return writesInPlace(BinaryOp.ADD, o) ? binaryInPlace(BinaryOp.ADD, o) : inPlace(add(o)); }
    public Tensor add_(double s) { return inPlace(add(s)); }
    public Tensor add_(Tensor o, double alpha) { return inPlace(add(o, alpha)); }
    public Tensor sub_(Tensor o) { return writesInPlace(BinaryOp.SUB, o) ? binaryInPlace(BinaryOp.SUB, o) : inPlace(sub(o)); }
    public Tensor sub_(double s) { return inPlace(sub(s)); }
    public Tensor mul_(Tensor o) { return writesInPlace(BinaryOp.MUL, o) ? binaryInPlace(BinaryOp.MUL, o) : inPlace(mul(o)); }
    public Tensor mul_(double s) { return inPlace(mul(s)); }
    public Tensor div_(Tensor o) { return writesInPlace(BinaryOp.DIV, o) ? binaryInPlace(BinaryOp.DIV, o) : inPlace(div(o)); }
    public Tensor div_(double s) { return inPlace(div(s)); }
    public Tensor clamp_(Double min, Double max) { return inPlace(clamp(min, max)); }
    public Tensor relu_() { return inPlace(relu()); }
    public Tensor maskedFill_(Tensor mask, double value) { return inPlace(maskedFill(mask, value)); }

    public Tensor zero_() { return fill_(0); }

    public Tensor fill_(double value) {
        checkInPlaceAllowed(false);
        backend().fill(this, value);
        storage.bumpVersion();
        return this;
    }

    /** Copies {@code src} (broadcast, any dtype, same device) into this tensor, as {@code copy_}. */
    public Tensor copy_(Tensor src) {
        checkSameDevice("copy_", this, src);
        if (src.requiresGrad && GradMode.isEnabled()) return inPlace(src.to(dtype).expand(shape).add(0));
        checkInPlaceAllowed(false);
        backend().copy(src.expandView(shape), this);
        storage.bumpVersion();
        return this;
    }

    public Tensor uniform_(double from, double to) { return uniform_(from, to, Generator.defaultGenerator()); }
    public Tensor uniform_(double from, double to, Generator g) { return randomFill(Distribution.UNIFORM, from, to, g); }
    public Tensor normal_(double mean, double std) { return normal_(mean, std, Generator.defaultGenerator()); }
    public Tensor normal_(double mean, double std, Generator g) { return randomFill(Distribution.NORMAL, mean, std, g); }
    public Tensor bernoulli_(double p) { return randomFill(Distribution.BERNOULLI, p, 0, Generator.defaultGenerator()); }

    private Tensor randomFill(Distribution d, double a, double b, Generator g) {
        checkInPlaceAllowed(false);
        backend().random(this, d, a, b, g);
        storage.bumpVersion();
        return this;
    }

    /**
     * Whether {@code this op= o} can run as one kernel writing this tensor (Backend.binary allows dst to be a), not
     * as the out-of-place op and a copy back: nothing for autograd to record, o of this dtype and device,
     * broadcasting to this shape, and in other storage (an overlapping o would be read after it was written).
     * Autograd's gradient accumulation is the common caller.
     */
    private boolean writesInPlace(BinaryOp op, Tensor o) {
        return !(GradMode.isEnabled() && (requiresGrad || o.requiresGrad)) && o.dtype == dtype && o.device().equals(device())
                && o.storage != storage && (op != BinaryOp.DIV || dtype.isFloatingPoint())
                && Arrays.equals(Shapes.broadcast(shape, o.shape), shape);
    }

    private Tensor binaryInPlace(BinaryOp op, Tensor o) {
        checkInPlaceAllowed(false);
        o.checkOpen();
        backend().binary(op, this, o.expandView(shape), this);
        storage.bumpVersion();
        return this;
    }

    /**
     * Writes an out-of-place result into this tensor. Recorded: the graph takes the result's history, as
     * PyTorch rebases an in-place op's history onto the modified tensor.
     */
    private Tensor inPlace(Tensor result) {
        boolean grad = result.requiresGrad && GradMode.isEnabled();
        checkInPlaceAllowed(grad);
        if (!Arrays.equals(result.shape, shape)) {
            throw new IllegalArgumentException("output with shape " + Shapes.str(shape) + " doesn't match the broadcast shape " + Shapes.str(result.shape));
        }
        backend().copy(result, this);
        storage.bumpVersion();
        if (grad) {
            gradFn = result.gradFn;
            requiresGrad = true;
        }
        return this;
    }

    private void checkInPlaceAllowed(boolean recordsGrad) {
        checkOpen();
        if (GradMode.isEnabled() && requiresGrad && gradFn == null) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation.");
        }
        if (GradMode.isEnabled() && viewedLeaf != null && viewedLeaf.requiresGrad && viewedLeaf.gradFn == null) {
            throw new IllegalStateException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
        }
        if (recordsGrad && base != null) {
            throw new UnsupportedOperationException("in-place operation on a view of a tensor whose history autograd records is not supported; use the out-of-place form");
        }
    }

    // =====================================================================================================
    // Reductions
    // =====================================================================================================

    public Tensor sum() { return sum(allDims(), false); }
    public Tensor sum(int dim) { return sum(new int[] {dim}, false); }
    public Tensor sum(int dim, boolean keepdim) { return sum(new int[] {dim}, keepdim); }
    public Tensor sum(int[] dims, boolean keepdim) {
        Tensor src = dtype == DType.BOOL || dtype == DType.INT32 ? to(DType.INT64) : this;
        return src.reduce(ReduceOp.SUM, Op.SUM, dims, keepdim);
    }

    public Tensor prod() { return prod(allDims(), false); }
    public Tensor prod(int dim, boolean keepdim) { return prod(new int[] {dim}, keepdim); }
    private Tensor prod(int[] dims, boolean keepdim) {
        Tensor src = dtype == DType.BOOL || dtype == DType.INT32 ? to(DType.INT64) : this;
        return src.reduce(ReduceOp.PROD, Op.PROD, dims, keepdim);
    }

    public Tensor mean() { return mean(allDims(), false); }
    public Tensor mean(int dim) { return mean(new int[] {dim}, false); }
    public Tensor mean(int dim, boolean keepdim) { return mean(new int[] {dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: " + dtype.pyName());
        }
        long n = 1;
        for (int d : normalizeDims(dims)) n *= shape[d];
        return sum(dims, keepdim).div(n);
    }

    /** Variance with Bessel's correction (correction = 1), as {@code torch.var}. */
    public Tensor var() { return var(allDims(), 1, false); }
    public Tensor var(int dim, boolean keepdim) { return var(new int[] {dim}, 1, keepdim); }
    public Tensor var(int[] dims, int correction, boolean keepdim) {
        long n = 1;
        for (int d : normalizeDims(dims)) n *= shape[d];
        Tensor centered = sub(mean(dims, true));
        return centered.mul(centered).sum(dims, keepdim).div(Math.max(0, n - correction));
    }

    public Tensor std() { return var().sqrt(); }
    public Tensor std(int dim, boolean keepdim) { return var(dim, keepdim).sqrt(); }
    public Tensor std(int[] dims, int correction, boolean keepdim) { return var(dims, correction, keepdim).sqrt(); }

    /** The p-norm of all elements, as {@code torch.norm(x, p)}; p = inf gives the max of |x|. */
    public Tensor norm(double p) { return norm(p, allDims(), false); }
    public Tensor norm() { return norm(2); }
    public Tensor norm(double p, int[] dims, boolean keepdim) {
        if (Double.isInfinite(p)) {
            Tensor a = abs();
            for (int d : descending(normalizeDims(dims))) a = p > 0 ? a.max(d, true).values() : a.min(d, true).values();
            return keepdim ? a : a.squeezeDims(normalizeDims(dims));
        }
        if (p == 2) return mul(this).sum(dims, keepdim).sqrt();
        if (p == 1) return abs().sum(dims, keepdim);
        return abs().pow(p).sum(dims, keepdim).pow(1 / p);
    }

    /** {@code exp(x) / sum(exp(x))} along dim, stably (shifted by the maximum), as one recorded primitive. */
    public Tensor softmax(int dim) { return softmax(dim, false); }

    /** {@code x - logsumexp(x)} along dim, as one recorded primitive: stable where log(softmax) would underflow. */
    public Tensor logSoftmax(int dim) { return softmax(dim, true); }

    private Tensor softmax(int dim, boolean log) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException((log ? "log_softmax" : "softmax") + " expects a floating point tensor, got " + dtype);
        int d = dim() == 0 ? 0 : Shapes.wrapDim(dim, dim());
        if (dim() == 0 && dim != 0 && dim != -1) Shapes.wrapDim(dim, 1);
        Tensor x = contiguous();
        Tensor out = empty(shape, dtype, device());
        backend().softmax(x, d, log, out);
        return record(log ? Op.LOG_SOFTMAX : Op.SOFTMAX, out, new Tensor[] {x}, d);
    }

    /** {@code log(sum(exp(x)))} along dim, computed stably. */
    public Tensor logsumexp(int dim, boolean keepdim) {
        Tensor m = max(dim, true).values().detach();
        Tensor finite = where(m.abs().eq(Double.POSITIVE_INFINITY), m.zerosLike(), m);
        Tensor r = sub(finite).exp().sum(dim, true).log().add(finite);
        return keepdim ? r : r.squeeze(dim);
    }

    /** Values and their indices, as the {@code (values, indices)} pair of {@code torch.max(x, dim)}. */
    public record ValuesIndices(Tensor values, Tensor indices) {}

    public Tensor max() { return reduceAll(ReduceOp.MAX, Op.MAX_ALL); }
    public Tensor min() { return reduceAll(ReduceOp.MIN, Op.MIN_ALL); }
    public ValuesIndices max(int dim, boolean keepdim) { return argReduce(ReduceOp.MAX, Op.MAX_DIM, dim, keepdim); }
    public ValuesIndices min(int dim, boolean keepdim) { return argReduce(ReduceOp.MIN, Op.MIN_DIM, dim, keepdim); }
    public ValuesIndices max(int dim) { return max(dim, false); }
    public ValuesIndices min(int dim) { return min(dim, false); }

    public Tensor argmax() { return reshape(-1).max(0, false).indices(); }
    public Tensor argmax(int dim, boolean keepdim) { return max(dim, keepdim).indices(); }
    public Tensor argmin() { return reshape(-1).min(0, false).indices(); }
    public Tensor argmin(int dim, boolean keepdim) { return min(dim, keepdim).indices(); }

    private Tensor reduceAll(ReduceOp kernel, Op op) {
        if (numel == 0) throw new IllegalArgumentException(kernel.name().toLowerCase() + "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        Tensor out = empty(new long[0], dtype, device());
        Tensor keep = out.view(ones(dim()), Shapes.contiguousStrides(ones(dim())), 0);
        backend().reduce(kernel, this, keep);
        return record(op, out, new Tensor[] {this});
    }

    private Tensor reduce(ReduceOp kernel, Op op, int[] dims, boolean keepdim) {
        checkOpen();
        int[] ds = normalizeDims(dims);
        long[] keepShape = shape.clone();
        for (int d : ds) keepShape[d] = 1;
        Tensor keep = empty(keepShape, dtype, device());
        backend().reduce(kernel, this, keep);
        Tensor out = keepdim ? keep : keep.squeezeDims(ds);
        return record(op, out, new Tensor[] {this}, ds, keepdim);
    }

    private ValuesIndices argReduce(ReduceOp kernel, Op op, int dim, boolean keepdim) {
        checkOpen();
        int d = Shapes.wrapDim(dim, dim());
        if (dim() == 0) {
            Tensor index = zeros(new long[0], DType.INT64, device());
            return new ValuesIndices(record(op, clone0(), new Tensor[] {this}, 0, true, index), index);
        }
        if (shape[d] == 0) throw new IllegalArgumentException(kernel.name().toLowerCase() + "(): Expected reduction dim " + d + " to have non-zero size.");
        long[] keepShape = shape.clone();
        keepShape[d] = 1;
        Tensor values = empty(keepShape, dtype, device());
        Tensor indices = empty(keepShape, DType.INT64, device());
        backend().argReduce(kernel, this, d, values, indices);
        if (!keepdim) {
            values = values.squeezeDims(new int[] {d});
            indices = indices.squeezeDims(new int[] {d});
        }
        return new ValuesIndices(record(op, values, new Tensor[] {this}, d, keepdim, indices), indices);
    }

    private Tensor clone0() {
        Tensor out = empty(shape, dtype, device());
        backend().copy(this, out);
        return out;
    }

    /** Sums a broadcast gradient back to {@code target}'s shape, as {@code sum_to_size}. */
    public Tensor sumToSize(long... target) {
        if (Arrays.equals(shape, target)) return this;
        int lead = dim() - target.length;
        if (lead < 0) throw new IllegalArgumentException("size " + Shapes.str(target) + " is not expandable to size " + Shapes.str(shape));
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < dim(); i++) {
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) dims.add(i);
        }
        Tensor s = dims.isEmpty() ? this : sum(dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(target);
    }

    private int[] allDims() {
        int[] d = new int[dim()];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    /** Wraps negative dims, sorts, and rejects repeats, as PyTorch's dim lists. */
    int[] normalizeDims(int[] dims) {
        int[] ds = new int[dims.length];
        for (int i = 0; i < dims.length; i++) ds[i] = Shapes.wrapDim(dims[i], dim());
        Arrays.sort(ds);
        for (int i = 1; i < ds.length; i++) {
            if (ds[i] == ds[i - 1]) throw new IllegalArgumentException("dim " + ds[i] + " appears multiple times in the list of dims");
        }
        if (dim() == 0) return new int[0];
        return ds;
    }

    private static int[] descending(int[] sorted) {
        int[] r = new int[sorted.length];
        for (int i = 0; i < r.length; i++) r[i] = sorted[sorted.length - 1 - i];
        return r;
    }

    private static long[] ones(int n) {
        long[] o = new long[n];
        Arrays.fill(o, 1);
        return o;
    }

    // =====================================================================================================
    // Matrix products
    // =====================================================================================================

    /** 2-d matrix product, as {@code torch.mm}. */
    public Tensor mm(Tensor o) {
        if (dim() != 2 || o.dim() != 2) throw new IllegalArgumentException("mm: expected 2-d tensors, got " + dim() + "-d and " + o.dim() + "-d");
        return matmul(o);
    }

    /** Batched product of 3-d tensors, as {@code torch.bmm}. */
    public Tensor bmm(Tensor o) {
        if (dim() != 3 || o.dim() != 3) throw new IllegalArgumentException("batch1 must be a 3D tensor and batch2 must be a 3D tensor, got " + dim() + "-d and " + o.dim() + "-d");
        if (shape[0] != o.shape[0]) throw new IllegalArgumentException("Expected size for first two dimensions of batch2 tensor to be: [" + shape[0] + ", " + shape[2] + "] but got: [" + o.shape[0] + ", " + o.shape[1] + "].");
        return matmul(o);
    }

    /** {@code torch.matmul}: 1-d operands are vectors, leading dimensions broadcast as batches. */
    public Tensor matmul(Tensor o) {
        checkSameDevice("matmul", this, o);
        if (dim() == 0 || o.dim() == 0) throw new IllegalArgumentException("both arguments to matmul need to be at least 1D, but they are " + dim() + "D and " + o.dim() + "D");
        if (dtype != o.dtype) throw new IllegalArgumentException("expected m1 and m2 to have the same dtype, but got: " + dtype.pyName() + " != " + o.dtype.pyName());
        Tensor a = dim() == 1 ? unsqueeze(0) : this;
        Tensor b = o.dim() == 1 ? o.unsqueeze(1) : o;
        long m = a.size(-2), k = a.size(-1), k2 = b.size(-2), n = b.size(-1);
        if (k != k2) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + Shapes.times(new long[] {a.numel / k, k}) + " and " + Shapes.times(new long[] {k2, n}) + ")");
        }
        Tensor out;
        if (b.dim() == 2) {
            // fold a's batch dimensions into its rows: one GEMM, and b (a weight) is never copied
            long[] lead = Arrays.copyOf(a.shape, a.dim() - 2);
            Tensor a3 = a.reshape(1, a.numel / k, k);
            out = a3.bmmRaw(b.unsqueeze(0)).reshape(concat(lead, m, n));
        } else {
            long[] batchA = Arrays.copyOf(a.shape, a.dim() - 2), batchB = Arrays.copyOf(b.shape, b.dim() - 2);
            long[] batch = Shapes.broadcast(batchA, batchB);
            long nb = Shapes.numel(batch);
            Tensor a3 = a.expand(concat(batch, m, k)).reshape(nb, m, k);
            Tensor b3 = b.expand(concat(batch, k, n)).reshape(nb, k, n);
            out = a3.bmmRaw(b3).reshape(concat(batch, m, n));
        }
        if (dim() == 1) out = out.squeeze(-2);
        if (o.dim() == 1) out = out.squeeze(-1);
        return out;
    }

    /**
     * {@code torch.addmm(input, mat1, mat2)} with this as input: {@code this + mat1 @ mat2} for 2-D mat1 [M,K] and
     * mat2 [K,N], this broadcastable to [M,N]. A bias of shape [N] (a linear layer's) is added inside the product
     * ({@link Op#ADDMM}); any other input ([1], [M,1], [M,N]) is added after it.
     */
    public Tensor addmm(Tensor mat1, Tensor mat2) {
        checkSameDevice("addmm", this, mat1);
        checkSameDevice("addmm", mat1, mat2);
        if (mat1.dim() != 2) throw new IllegalArgumentException("mat1 must be a matrix, got " + mat1.dim() + "-D tensor");
        if (mat2.dim() != 2) throw new IllegalArgumentException("mat2 must be a matrix, got " + mat2.dim() + "-D tensor");
        if (mat1.dtype != mat2.dtype || dtype != mat1.dtype) {
            throw new IllegalArgumentException("expected input, mat1 and mat2 to have the same dtype, but got: " + dtype.pyName() + ", "
                    + mat1.dtype.pyName() + " and " + mat2.dtype.pyName());
        }
        long m = mat1.shape[0], k = mat1.shape[1], n = mat2.shape[1];
        if (mat2.shape[0] != k) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + m + "x" + k + " and " + mat2.shape[0] + "x" + n + ")");
        }
        long[] outShape = {m, n};
        if (!Arrays.equals(Shapes.broadcast(shape, outShape), outShape)) {
            throw new IllegalArgumentException("The expanded size of the input " + Arrays.toString(shape) + " must match the product's size [" + m + ", " + n + "]");
        }
        if (dim() != 1 || shape[0] != n) return mat1.matmul(mat2).add(this);
        Tensor bias = contiguous(), out = empty(outShape, dtype, device());
        backend().addmm(bias, mat1.unsqueeze(0), mat2.unsqueeze(0), out.unsqueeze(0));
        return record(Op.ADDMM, out, new Tensor[] {this, mat1, mat2});
    }

    private Tensor bmmRaw(Tensor b) {
        Tensor out = empty(new long[] {shape[0], shape[1], b.shape[2]}, dtype, device());
        backend().matmul(this, b, out);
        return record(Op.BMM, out, new Tensor[] {this, b});
    }

    private static long[] concat(long[] lead, long... tail) {
        long[] r = Arrays.copyOf(lead, lead.length + tail.length);
        System.arraycopy(tail, 0, r, lead.length, tail.length);
        return r;
    }

    // =====================================================================================================
    // Views (share storage; recorded so gradients flow back)
    // =====================================================================================================

    private Tensor view(long[] newShape, long[] newStrides, long newOffset) {
        Tensor t = new Tensor(storage, newOffset, newShape, newStrides, dtype);
        t.base = base == null ? this : base;
        t.viewedLeaf = requiresGrad && gradFn == null ? this : viewedLeaf;
        return t;
    }

    /** {@code view}: same elements, new shape; one -1 is inferred. Fails where strides cannot express it. */
    public Tensor view(long... newShape) {
        checkOpen();
        long[] target = inferShape(newShape);
        long[] st = ViewStrides.compute(shape, strides, target);
        if (st == null) {
            throw new IllegalArgumentException("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        }
        return record(Op.RESHAPE, view(target, st, offset), new Tensor[] {this});
    }

    /** {@code reshape}: a view when strides allow, a copy otherwise. */
    public Tensor reshape(long... newShape) {
        checkOpen();
        long[] target = inferShape(newShape);
        long[] st = ViewStrides.compute(shape, strides, target);
        if (st != null) return record(Op.RESHAPE, view(target, st, offset), new Tensor[] {this});
        return contiguous().view(target);
    }

    public Tensor viewAs(Tensor o) { return view(o.shape); }
    public Tensor reshapeAs(Tensor o) { return reshape(o.shape); }

    private long[] inferShape(long[] s) {
        long known = 1;
        int infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one dimension can be inferred");
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("invalid shape dimension " + s[i]);
            } else {
                known *= s[i];
            }
        }
        long[] r = s.clone();
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) throw new IllegalArgumentException("shape '" + Shapes.str(s) + "' is invalid for input of size " + numel);
            r[infer] = numel / known;
        } else if (known != numel) {
            throw new IllegalArgumentException("shape '" + Shapes.str(s) + "' is invalid for input of size " + numel);
        }
        return r;
    }

    public Tensor permute(int... dims) {
        checkOpen();
        if (dims.length != dim()) {
            throw new IllegalArgumentException("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = " + dim() + " is not equal to len(dims) = " + dims.length);
        }
        long[] ns = new long[dims.length], nst = new long[dims.length];
        boolean[] seen = new boolean[dims.length];
        int[] p = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.wrapDim(dims[i], dim());
            if (seen[d]) throw new IllegalArgumentException("permute(): duplicate dims are not allowed.");
            seen[d] = true;
            p[i] = d;
            ns[i] = shape[d];
            nst[i] = strides[d];
        }
        return record(Op.PERMUTE, view(ns, nst, offset), new Tensor[] {this}, (Object) p);
    }

    public Tensor transpose(int d0, int d1) {
        int a = Shapes.wrapDim(d0, dim()), b = Shapes.wrapDim(d1, dim());
        int[] p = allDims();
        if (p.length == 0) return this;
        p[a] = b;
        p[b] = a;
        return permute(p);
    }

    /** Transpose of a matrix (a vector is returned as is), as {@code t()}. */
    public Tensor t() {
        if (dim() > 2) throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + dim() + "D");
        return dim() < 2 ? this : transpose(0, 1);
    }

    /** Alias of {@code transpose(-2, -1)}, as {@code mT}. */
    public Tensor mT() { return transpose(-2, -1); }

    public Tensor squeeze() {
        List<Integer> ds = new ArrayList<>();
        for (int i = 0; i < dim(); i++) if (shape[i] == 1) ds.add(i);
        return reshape(squeezedShape(ds.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** Removes {@code dim} if its size is 1 (otherwise returns the tensor unchanged), as PyTorch. */
    public Tensor squeeze(int dim) {
        if (dim() == 0) return this;
        int d = Shapes.wrapDim(dim, dim());
        return shape[d] == 1 ? reshape(squeezedShape(new int[] {d})) : this;
    }

    private Tensor squeezeDims(int[] ds) { return view(squeezedShape(ds)); }

    private long[] squeezedShape(int[] ds) {
        boolean[] drop = new boolean[dim()];
        for (int d : ds) drop[d] = true;
        long[] r = new long[dim() - ds.length];
        for (int i = 0, j = 0; i < dim(); i++) if (!drop[i]) r[j++] = shape[i];
        return r;
    }

    public Tensor unsqueeze(int dim) {
        int d = Shapes.wrapDim(dim, dim() + 1);
        long[] r = new long[dim() + 1];
        for (int i = 0, j = 0; i < r.length; i++) r[i] = i == d ? 1 : shape[j++];
        return reshape(r);
    }

    /** Broadcasts to a larger shape without copying; -1 keeps a size, as {@code expand}. */
    public Tensor expand(long... target) {
        checkOpen();
        if (target.length < dim()) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + target.length + ") must be greater or equal to the number of dimensions in the tensor (" + dim() + ")");
        }
        long[] t = target.clone();
        int off = t.length - dim();
        for (int i = off; i < t.length; i++) if (t[i] == -1) t[i] = shape[i - off];
        if (Arrays.equals(t, shape)) return this;
        return record(Op.EXPAND, expandView(t), new Tensor[] {this});
    }

    public Tensor expandAs(Tensor o) { return expand(o.shape); }

    public Tensor flatten() { return flatten(0, -1); }

    public Tensor flatten(int start, int end) {
        if (dim() == 0) return reshape(1);
        int s = Shapes.wrapDim(start, dim()), e = Shapes.wrapDim(end, dim());
        if (s > e) throw new IllegalArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        long[] r = new long[dim() - (e - s)];
        int j = 0;
        for (int i = 0; i < s; i++) r[j++] = shape[i];
        long p = 1;
        for (int i = s; i <= e; i++) p *= shape[i];
        r[j++] = p;
        for (int i = e + 1; i < dim(); i++) r[j++] = shape[i];
        return reshape(r);
    }

    /** {@code narrow(dim, start, length)}: a view of {@code length} entries from {@code start}. */
    public Tensor narrow(int dim, long start, long length) {
        int d = Shapes.wrapDim(dim, dim());
        long st = start < 0 ? start + shape[d] : start;
        if (st < 0 || length < 0 || st + length > shape[d]) {
            throw new IndexOutOfBoundsException("start (" + start + ") + length (" + length + ") exceeds dimension size (" + shape[d] + ").");
        }
        return slice(d, st, st + length, 1);
    }

    /** Python's {@code x[..., start:stop:step, ...]} along one dimension; bounds are clamped as Python's. */
    public Tensor slice(int dim, long start, long stop, long step) {
        checkOpen();
        if (step <= 0) throw new IllegalArgumentException("slice step must be positive, got " + step);
        int d = Shapes.wrapDim(dim, dim());
        long n = shape[d];
        long s = clampIndex(start, n), e = clampIndex(stop, n);
        long len = e > s ? (e - s + step - 1) / step : 0;
        long[] ns = shape.clone(), nst = strides.clone();
        ns[d] = len;
        nst[d] = strides[d] * step;
        return record(Op.SLICE, view(ns, nst, offset + s * strides[d]), new Tensor[] {this}, d, s, step);
    }

    private static long clampIndex(long i, long n) {
        long r = i < 0 ? i + n : i;
        return Math.max(0, Math.min(r, n));
    }

    /** Removes {@code dim} by taking entry {@code index}, as {@code select}; negative index counts from the end. */
    public Tensor select(int dim, long index) {
        int d = Shapes.wrapDim(dim, dim());
        long n = shape[d];
        if (index < -n || index >= n) {
            throw new IndexOutOfBoundsException("index " + index + " is out of bounds for dimension " + d + " with size " + n);
        }
        long i = index < 0 ? index + n : index;
        return slice(d, i, i + 1, 1).squeezeDims(new int[] {d});
    }

    /** Contiguous row-major layout, copying only if needed. */
    public Tensor contiguous() {
        checkOpen();
        return isContiguous() ? this : clone();
    }

    /** A copy with its own storage, recorded so gradients flow back, as {@code clone()}. */
    public Tensor clone() {
        return record(Op.CLONE, clone0(), new Tensor[] {this});
    }

    // =====================================================================================================
    // Indexing
    // =====================================================================================================

    /** {@code x[i]}: selects along dimension 0. */
    public Tensor index(long i) { return select(0, i); }

    /** Basic indexing: integers, slices with step, new axes and an ellipsis, as Python's {@code x[...]}. */
    public Tensor index(Index... idx) { return BasicIndexing.apply(this, idx); }

    /**
     * Advanced indexing by one tensor: an int64/int32 tensor picks entries along dimension 0 (the result
     * has the index's shape followed by the remaining dimensions); a bool tensor is a mask, as
     * {@link #maskedSelect}.
     */
    public Tensor index(Tensor indices) {
        if (indices.dtype == DType.BOOL) {
            if (!Arrays.equals(indices.shape, Arrays.copyOf(shape, Math.min(indices.dim(), dim())))) {
                throw new IndexOutOfBoundsException("The shape of the mask " + Shapes.str(indices.shape) + " does not match the shape of the indexed tensor " + Shapes.str(shape));
            }
            long[] rest = Arrays.copyOfRange(shape, indices.dim(), dim());
            Tensor flat = reshape(concat(new long[] {-1}, rest));
            return flat.indexSelect(0, indices.reshape(-1).flatNonzeroIndices());
        }
        if (dim() == 0) throw new IndexOutOfBoundsException("invalid index of a 0-dim tensor");
        Tensor flat = indexSelect(0, indices.reshape(-1));
        long[] rest = Arrays.copyOfRange(shape, 1, dim());
        return flat.reshape(concat(indices.shape, rest));
    }

    private Tensor flatNonzeroIndices() {
        Tensor c = contiguous();
        return backend().flatNonzero(c);
    }

    /** Indices of the nonzero elements, one row each, as {@code torch.nonzero} ({@code [n, dim]} int64). */
    public Tensor nonzero() {
        long[] flat = to(DType.BOOL).reshape(-1).flatNonzeroIndices().toLongArray();
        long[] out = new long[flat.length * dim()];
        for (int i = 0; i < flat.length; i++) {
            long r = flat[i];
            for (int d = dim() - 1; d >= 0; d--) {
                out[i * dim() + d] = r % shape[d];
                r /= shape[d];
            }
        }
        return fromSegment(MemorySegment.ofArray(out), new long[] {flat.length, dim()}, DType.INT64);
    }

    /** The elements where {@code mask} (broadcast) holds, as a 1-d tensor: {@code masked_select}. */
    public Tensor maskedSelect(Tensor mask) {
        if (mask.dtype != DType.BOOL) throw new IllegalArgumentException("masked_select: expected BoolTensor for mask, got " + mask.dtype.pyName());
        long[] shp = Shapes.broadcast(shape, mask.shape);
        Tensor m = mask.expandView(shp).contiguous().reshape(-1);
        return expand(shp).reshape(-1).indexSelect(0, m.flatNonzeroIndices());
    }

    public Tensor indexSelect(int dim, Tensor index) {
        checkSameDevice("index_select", this, index);
        int d = Shapes.wrapDim(dim, dim());
        Tensor idx = checkIndex("index_select", index);
        if (idx.dim() > 1) throw new IllegalArgumentException("index_select(): Index is supposed to be a vector, got " + idx.dim() + "-d");
        Tensor idx1 = idx.reshape(-1);
        long[] os = shape.clone();
        if (dim() > 0) os[d] = idx1.numel;
        Tensor out = empty(os, dtype, device());
        backend().indexSelect(this, d, idx1, out);
        return record(Op.INDEX_SELECT, out, new Tensor[] {this}, d, idx1);
    }

    public Tensor gather(int dim, Tensor index) {
        checkSameDevice("gather", this, index);
        int d = Shapes.wrapDim(dim, dim());
        Tensor idx = checkIndex("gather", index);
        if (idx.dim() != dim()) throw new IllegalArgumentException("Index tensor must have the same number of dimensions as input tensor (" + idx.dim() + " vs " + dim() + ")");
        for (int i = 0; i < dim(); i++) {
            if (i != d && idx.shape[i] > shape[i]) {
                throw new IllegalArgumentException("Size does not match at dimension " + i + " expected index " + Shapes.str(idx.shape) + " to be smaller than self " + Shapes.str(shape) + " apart from dimension " + d);
            }
        }
        Tensor out = empty(idx.shape, dtype, device());
        backend().gather(this, d, idx, out);
        return record(Op.GATHER, out, new Tensor[] {this}, d, idx);
    }

    /** Out-of-place scatter: a copy of this with {@code src} written at {@code index} along {@code dim}. */
    public Tensor scatter(int dim, Tensor index, Tensor src) {
        checkSameDevice("scatter", this, index, src);
        int d = Shapes.wrapDim(dim, dim());
        Tensor idx = checkIndex("scatter", index);
        if (idx.dim() != dim()) throw new IllegalArgumentException("Index tensor must have the same number of dimensions as self tensor (" + idx.dim() + " vs " + dim() + ")");
        Tensor s = src.to(dtype);
        Tensor out = clone0();
        backend().scatter(out, d, idx, s, false);
        return record(Op.SCATTER, out, new Tensor[] {this, s}, d, idx);
    }

    public Tensor scatter(int dim, Tensor index, double value) { return scatter(dim, index, full(index.shape, value, dtype, device())); }

    /** Accumulating scatter, as {@code scatter_add}: differentiable in {@code self} (a sum), not yet in {@code src}. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        if (src.requiresGrad && GradMode.isEnabled()) {
            throw new UnsupportedOperationException("scatter_add with a src that requires grad is not differentiable yet");
        }
        Tensor spread = zerosLike();
        backend().scatter(spread, Shapes.wrapDim(dim, dim()), checkIndex("scatter_add", index), src.to(dtype), true);
        return add(spread);
    }

    private static Tensor checkIndex(String op, Tensor index) {
        if (index.dtype != DType.INT64 && index.dtype != DType.INT32) {
            throw new IllegalArgumentException(op + "(): Expected dtype int64 for index, got " + index.dtype.pyName());
        }
        return index.to(DType.INT64);
    }

    // =====================================================================================================
    // Joining and splitting
    // =====================================================================================================

    /** Concatenates along {@code dim}; shapes must match elsewhere, as {@code torch.cat}. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("torch.cat(): expected a non-empty list of Tensors");
        Tensor first = tensors.get(0);
        checkSameDevice("cat", tensors.toArray(Tensor[]::new));
        int d = Shapes.wrapDim(dim, first.dim());
        DType dt = first.dtype;
        for (Tensor t : tensors) dt = DType.promote(dt, t.dtype);
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dim() != first.dim()) throw new IllegalArgumentException("Tensors must have same number of dimensions: got " + first.dim() + " and " + t.dim());
            for (int k = 0; k < t.dim(); k++) {
                if (k != d && t.shape[k] != first.shape[k]) {
                    throw new IllegalArgumentException("Sizes of tensors must match except in dimension " + d + ". Expected size " + first.shape[k] + " but got size " + t.shape[k] + " for tensor number " + i + " in the list.");
                }
            }
            total += t.shape[d];
        }
        long[] os = first.shape.clone();
        os[d] = total;
        Tensor out = empty(os, dt, first.device());
        Tensor[] inputs = new Tensor[tensors.size()];
        long at = 0;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = tensors.get(i).to(dt);
            inputs[i] = t;
            long n = t.shape[d];
            long[] ss = os.clone();
            ss[d] = n;
            out.backend().copy(t, out.view(ss, out.strides.clone(), at * out.strides[d]));
            at += n;
        }
        return record(Op.CAT, out, inputs, d);
    }

    public static Tensor cat(int dim, Tensor... tensors) { return cat(List.of(tensors), dim); }

    /** Joins along a new dimension, as {@code torch.stack}: all shapes must be equal. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack expects a non-empty TensorList");
        long[] s0 = tensors.get(0).shape;
        List<Tensor> us = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape, s0)) {
                throw new IllegalArgumentException("stack expects each tensor to be equal size, but got " + Shapes.str(s0) + " at entry 0 and " + Shapes.str(t.shape) + " at entry " + i);
            }
            us.add(t.unsqueeze(dim));
        }
        return cat(us, dim);
    }

    public static Tensor stack(int dim, Tensor... tensors) { return stack(List.of(tensors), dim); }

    /** Pieces of {@code size} along dim (the last may be smaller), as {@code split(int)}. */
    public List<Tensor> split(long size, int dim) {
        if (size <= 0) throw new IllegalArgumentException("split_size must be positive, got " + size);
        int d = Shapes.wrapDim(dim, dim());
        List<Tensor> r = new ArrayList<>();
        for (long s = 0; s < shape[d] || (s == 0 && shape[d] == 0); s += size) {
            r.add(narrow(d, s, Math.min(size, shape[d] - s)));
            if (shape[d] == 0) break;
        }
        return r;
    }

    /** Pieces of the given sizes along dim, which must sum to its size, as {@code split(list)}. */
    public List<Tensor> split(long[] sizes, int dim) {
        int d = Shapes.wrapDim(dim, dim());
        long sum = 0;
        for (long s : sizes) sum += s;
        if (sum != shape[d]) throw new IllegalArgumentException("split_with_sizes expects split_sizes to sum exactly to " + shape[d] + " (input tensor's size at dimension " + d + "), but got split_sizes=" + Arrays.toString(sizes));
        List<Tensor> r = new ArrayList<>();
        long at = 0;
        for (long s : sizes) {
            r.add(narrow(d, at, s));
            at += s;
        }
        return r;
    }

    /** {@code chunks} pieces of ceil(size/chunks) along dim (fewer if it does not divide), as {@code chunk}. */
    public List<Tensor> chunk(int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk expects `chunks` to be greater than 0, got: " + chunks);
        long n = size(dim);
        return split(Math.max(1, Math.ceilDiv(n, chunks)), dim);
    }

    // =====================================================================================================
    // Windows (convolution and pooling building blocks)
    // =====================================================================================================

    /** Columns [N, C*kH*kW, outH*outW] of an NCHW input, as {@code F.unfold}. */
    public Tensor im2col(Window2d w) {
        if (dim() != 4) throw new IllegalArgumentException("im2col expects a 4-d NCHW input, got shape " + Shapes.str(shape));
        Tensor x = contiguous();
        long oh = w.outH(), ow = w.outW();
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("Calculated output size: (" + oh + "x" + ow + ") is too small for input of size (" + shape[2] + "x" + shape[3] + ") and kernel (" + w.kernelH() + "x" + w.kernelW() + ")");
        }
        Tensor cols = empty(new long[] {shape[0], shape[1] * w.kernelH() * w.kernelW(), oh * ow}, dtype, device());
        backend().im2col(x, w, cols);
        return record(Op.IM2COL, cols, new Tensor[] {x}, w);
    }

    /**
     * 2-d cross-correlation of this NCHW input with weight [O, C/groups, kH, kW] and bias [O] (or null) over
     * {@code w}, as one recorded primitive, so a backend picks the algorithm per shape and autograd calls its
     * dedicated gradients. {@code nn.functional.conv2d} checks the arguments PyTorch's way before calling this.
     */
    public Tensor conv2d(Tensor weight, Tensor bias, Window2d w, int groups) {
        if (dim() != 4 || weight.dim() != 4) {
            throw new IllegalArgumentException("conv2d expects a 4-d input and weight, got " + Shapes.str(shape) + " and " + Shapes.str(weight.shape));
        }
        if (groups <= 0 || shape[1] != weight.shape[1] * groups || weight.shape[0] % groups != 0
                || weight.shape[2] != w.kernelH() || weight.shape[3] != w.kernelW() || shape[2] != w.inH() || shape[3] != w.inW()) {
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(shape) + ", weight " + Shapes.str(weight.shape) + ", groups " + groups + " and " + w + " do not agree");
        }
        if (bias != null && (bias.dim() != 1 || bias.shape[0] != weight.shape[0])) {
            throw new IllegalArgumentException("conv2d: bias " + Shapes.str(bias.shape) + " does not match weight " + Shapes.str(weight.shape));
        }
        long oh = w.outH(), ow = w.outW();
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("Calculated output size: (" + oh + "x" + ow + ") is too small for input of size (" + shape[2] + "x" + shape[3] + ") and kernel (" + w.kernelH() + "x" + w.kernelW() + ")");
        }
        Tensor x = contiguous(), k = weight.contiguous(), b = bias == null ? null : bias.contiguous();
        Tensor out = empty(new long[] {shape[0], weight.shape[0], oh, ow}, dtype, device());
        backend().conv2d(x, k, b, w, groups, out);
        return record(Op.CONV2D, out, b == null ? new Tensor[] {x, k} : new Tensor[] {x, k, b}, w, groups);
    }

    public Tensor maxPool2d(Window2d w) {
        Tensor x = checkPoolInput("max_pool2d", w);
        long[] os = {shape[0], shape[1], w.outH(), w.outW()};
        Tensor out = empty(os, dtype, device());
        // the argmax is only for the backward: not made where nothing is recorded (inference)
        Tensor idx = GradMode.isEnabled() && x.requiresGrad ? empty(os, DType.INT64, device()) : null;
        backend().maxPool2d(x, w, out, idx);
        return record(Op.MAX_POOL2D, out, new Tensor[] {x}, w, idx);
    }

    public Tensor avgPool2d(Window2d w) {
        Tensor x = checkPoolInput("avg_pool2d", w);
        Tensor out = empty(new long[] {shape[0], shape[1], w.outH(), w.outW()}, dtype, device());
        backend().avgPool2d(x, w, out);
        return record(Op.AVG_POOL2D, out, new Tensor[] {x}, w);
    }

    private Tensor checkPoolInput(String op, Window2d w) {
        if (dim() != 4) throw new IllegalArgumentException(op + ": expected a 4-d NCHW input, got shape " + Shapes.str(shape));
        if (w.padH() * 2 > w.kernelH() || w.padW() * 2 > w.kernelW()) {
            throw new IllegalArgumentException("pad should be at most half of effective kernel size, but got pad=(" + w.padH() + ", " + w.padW() + "), kernel_size=(" + w.kernelH() + ", " + w.kernelW() + ")");
        }
        if (w.outH() <= 0 || w.outW() <= 0) {
            throw new IllegalArgumentException("Given input size: (" + shape[1] + "x" + shape[2] + "x" + shape[3] + "). Calculated output size: (" + shape[1] + "x" + w.outH() + "x" + w.outW() + "). Output size is too small");
        }
        return contiguous();
    }

    // =====================================================================================================
    // Autograd entry points
    // =====================================================================================================

    /** Back-propagates from a scalar (one element) tensor, as {@code backward()}. */
    public void backward() { backward(null, false); }

    /** Back-propagates with {@code gradient} as d(this)/d(this); keeps the graph with {@code retainGraph}. */
    public void backward(Tensor gradient, boolean retainGraph) {
        checkOpen();
        if (!requiresGrad) throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (gradient == null && numel != 1) throw new IllegalStateException("grad can be implicitly created only for scalar outputs (got shape " + Shapes.str(shape) + ")");
        AutogradEngine e = AutogradEngine.installed();
        if (e == null) throw new IllegalStateException("no autograd engine on the class path: add the jtorch-autograd module");
        e.backward(this, gradient == null ? onesLike() : gradient, retainGraph);
    }

    public void backward(Tensor gradient) { backward(gradient, false); }

    /** Hands a primitive's call to the autograd engine when {@link #recorded} says so; returns out. */
    static Tensor record(Op op, Tensor out, Tensor[] inputs, Object... attrs) {
        if (!recorded(inputs)) return out;
        AutogradEngine e = AutogradEngine.installed();
        if (e != null) e.record(op, out, inputs, attrs);
        return out;
    }

    /** Whether a primitive over these inputs is recorded: grad mode on and an input requires grad. */
    static boolean recorded(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t.requiresGrad) return true;
        return false;
    }

    // =====================================================================================================
    // Printing
    // =====================================================================================================

    /** What PyTorch prints: {@code tensor([[1., 2.]])}, with dtype, grad_fn or requires_grad when it would. */
    @Override public String toString() {
        if (closed) return "tensor(<closed>)";
        return TensorFormatter.format(this);
    }
}
