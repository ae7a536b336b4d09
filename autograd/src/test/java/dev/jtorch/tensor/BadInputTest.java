package dev.jtorch.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of misuse gives an exception whose message names the offending shapes or values. */
class BadInputTest {

    static <T extends Throwable> T fails(Class<T> type, Executable e, String... mustContain) {
        T t = assertThrows(type, e);
        assertNotNull(t.getMessage());
        for (String s : mustContain) assertTrue(t.getMessage().contains(s), "message \"" + t.getMessage() + "\" lacks \"" + s + "\"");
        return t;
    }

    // ---- shapes ----

    @Test
    void matmulShapeMismatchNamesBothShapes() {
        Tensor a = Tensor.zeros(64, 120), b = Tensor.zeros(84, 10);
        IllegalArgumentException e = fails(IllegalArgumentException.class, () -> a.matmul(b));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (64x120 and 84x10)", e.getMessage());
        fails(IllegalArgumentException.class, () -> a.mm(b), "64x120", "84x10");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 6)), "6x4", "5x6");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).bmm(Tensor.zeros(3, 4, 5)), "[2, 4]", "[3, 4]");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(3).matmul(Tensor.scalar(1)), "1D", "0D");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).matmul(Tensor.zeros(new long[] {2, 2}, DType.FLOAT64)), "float32", "float64");
    }

    @Test
    void addmmNamesWhatDoesNotFit() {
        Tensor bias = Tensor.zeros(4);
        IllegalArgumentException e = fails(IllegalArgumentException.class, () -> bias.addmm(Tensor.zeros(3, 5), Tensor.zeros(4, 4)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (3x5 and 4x4)", e.getMessage());
        fails(IllegalArgumentException.class, () -> Tensor.zeros(7).addmm(Tensor.zeros(3, 5), Tensor.zeros(5, 4)), "[7]", "[3, 4]");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).addmm(Tensor.zeros(3, 5), Tensor.zeros(5, 4)), "[2, 3, 4]", "[3, 4]");
        fails(IllegalArgumentException.class, () -> bias.addmm(Tensor.zeros(2, 3, 5), Tensor.zeros(5, 4)), "mat1 must be a matrix", "3-D");
        fails(IllegalArgumentException.class, () -> bias.addmm(Tensor.zeros(3, 5), Tensor.zeros(5)), "mat2 must be a matrix", "1-D");
        fails(IllegalArgumentException.class, () -> bias.addmm(Tensor.zeros(3, 5), Tensor.zeros(new long[] {5, 4}, DType.FLOAT64)), "float32", "float64");
    }

    @Test
    void broadcastMismatchNamesBothShapes() {
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)),
                "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", "[2, 3]", "[4]");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).expand(2, 4), "(4)", "(3)", "[2, 4]", "[2, 3]");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add_(Tensor.zeros(4, 2, 3)), "[2, 3]", "[4, 2, 3]");
    }

    @Test
    void viewIncompatibleAndReshapeInvalid() {
        Tensor t = Tensor.arange(12).reshape(3, 4).t();
        fails(IllegalArgumentException.class, () -> t.view(12), "view size is not compatible with input tensor's size and stride");
        assertEquals(12, t.reshape(12).numel(), "reshape copies where view cannot");
        fails(IllegalArgumentException.class, () -> Tensor.arange(12).reshape(5, -1), "shape '[5, -1]' is invalid for input of size 12");
        fails(IllegalArgumentException.class, () -> Tensor.arange(12).view(5, 3), "shape '[5, 3]' is invalid for input of size 12");
        fails(IllegalArgumentException.class, () -> Tensor.arange(12).reshape(-1, -1), "only one dimension can be inferred");
        fails(IllegalArgumentException.class, () -> Tensor.arange(12).reshape(-2, 6), "-2");
        fails(IllegalArgumentException.class, () -> Tensor.zeros(new long[] {2, -1}, DType.FLOAT32), "-1", "[2, -1]");
    }

    @Test
    void joinMismatchesNameTheSizes() {
        fails(IllegalArgumentException.class, () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)),
                "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1");
        fails(IllegalArgumentException.class, () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(3)), "2 and 1");
        fails(IllegalArgumentException.class, () -> Tensor.stack(0, Tensor.zeros(2, 3), Tensor.zeros(3, 2)), "[2, 3]", "[3, 2]", "entry 1");
        fails(IllegalArgumentException.class, () -> Tensor.cat(List.of(), 0), "non-empty");
        fails(IllegalArgumentException.class, () -> Tensor.arange(5).split(new long[] {2, 2}, 0), "sum exactly to 5", "[2, 2]");
    }

    @Test
    void permuteAndDimensionErrors() {
        Tensor t = Tensor.zeros(2, 3);
        fails(IllegalArgumentException.class, () -> t.permute(0), "input.dim() = 2", "len(dims) = 1");
        fails(IllegalArgumentException.class, () -> t.permute(0, 0), "duplicate dims");
        fails(IndexOutOfBoundsException.class, () -> t.sum(2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
        fails(IndexOutOfBoundsException.class, () -> t.transpose(0, -3), "but got -3");
        fails(IllegalArgumentException.class, () -> t.sum(new int[] {1, -1}, false), "dim 1 appears multiple times");
    }

    // ---- indices ----

    @Test
    void indexOutOfRangeNamesIndexAndSize() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        fails(IndexOutOfBoundsException.class, () -> x.index(3), "index 3 is out of bounds for dimension 0 with size 3");
        fails(IndexOutOfBoundsException.class, () -> x.select(1, -5), "index -5", "dimension 1 with size 4");
        fails(IndexOutOfBoundsException.class, () -> x.index(Index.all(), Index.at(4)), "index 4", "size 4");
        fails(IndexOutOfBoundsException.class, () -> x.index(Index.at(0), Index.at(0), Index.at(0)), "too many indices for tensor of dimension 2");
        fails(IllegalArgumentException.class, () -> x.index(Index.ellipsis(), Index.ellipsis()), "single ellipsis");
        fails(IndexOutOfBoundsException.class, () -> x.narrow(1, 3, 2), "start (3) + length (2) exceeds dimension size (4)");
        fails(IllegalArgumentException.class, () -> Index.slice(0L, 2L, 0), "step must be positive");
        fails(IndexOutOfBoundsException.class, () -> Tensor.scalar(1).index(Tensor.of(0L)), "0-dim");
        fails(IndexOutOfBoundsException.class, () -> x.index(Tensor.of(true, false)), "[2]", "[3, 4]");
    }

    @Test
    void advancedIndexValuesOutOfRangeNameTheValue() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        fails(IndexOutOfBoundsException.class, () -> x.indexSelect(0, Tensor.of(0L, 3L)), "3", "size 3");
        fails(IndexOutOfBoundsException.class, () -> x.indexSelect(1, Tensor.of(-1L)), "-1");
        fails(IndexOutOfBoundsException.class, () -> x.index(Tensor.of(5L)), "5");
        fails(IndexOutOfBoundsException.class, () -> x.gather(1, Tensor.of(new long[][] {{4}})), "4");
        fails(IndexOutOfBoundsException.class, () -> x.scatter(1, Tensor.of(new long[][] {{7}}), 1.0), "7");
        fails(IndexOutOfBoundsException.class, () -> x.toDouble().scatterAdd(0, Tensor.of(new long[][] {{3}}), Tensor.ones(new long[] {1, 1}, DType.FLOAT64)), "3");
    }

    @Test
    void floatIndicesAreRejected() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        fails(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(new float[][] {{0}})), "gather", "Expected dtype int64 for index", "float32");
        fails(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.of(0.0)), "index_select", "float64");
        fails(IllegalArgumentException.class, () -> x.scatter(0, Tensor.of(new float[][] {{0}}), 1.0), "scatter", "float32");
        fails(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(0L)), "same number of dimensions", "1 vs 2");
        fails(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.of(new long[][] {{0}})), "vector", "2-d");
    }

    // ---- dtypes ----

    @Test
    void whereAndMaskedOpsNeedABoolCondition() {
        Tensor a = Tensor.zeros(3);
        fails(IllegalArgumentException.class, () -> Tensor.where(Tensor.of(1f, 0f, 1f), a, a), "where expected condition to be a boolean tensor", "float32");
        fails(IllegalArgumentException.class, () -> a.maskedFill(Tensor.of(1L, 0L, 1L), 2), "int64");
        fails(IllegalArgumentException.class, () -> a.maskedSelect(Tensor.of(1, 0, 1)), "masked_select", "int32");
    }

    @Test
    void integerTensorsCannotRequireGradAndMeanNeedsFloats() {
        fails(IllegalArgumentException.class, () -> Tensor.arange(3).requiresGrad(true), "only Tensors of floating point dtype can require gradients", "torch.int64");
        fails(IllegalArgumentException.class, () -> Tensor.of(true).requiresGrad(true), "torch.bool");
        fails(IllegalArgumentException.class, () -> Tensor.arange(3).mean(), "mean(): could not infer output dtype", "int64");
        fails(IllegalArgumentException.class, () -> DType.parse("float16"), "unknown dtype 'float16'");
    }

    @Test
    void nestedArraysMustNotBeRagged() {
        fails(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}), "expected sequence of length 2 at dim 1 (got 1)");
        fails(IllegalArgumentException.class, () -> Tensor.of((Object) new String[] {"a"}), "String");
        fails(IllegalArgumentException.class, () -> Tensor.fromSegment(java.lang.foreign.MemorySegment.ofArray(new float[5]), new long[] {2, 3}, DType.FLOAT32), "5 elements", "[2, 3]", "6 elements");
        fails(IllegalStateException.class, () -> Tensor.zeros(2).item(), "a Tensor with 2 elements cannot be converted to Scalar");
    }

    // ---- autograd misuse ----

    @Test
    void inPlaceOnALeafThatRequiresGrad() {
        Tensor w = Tensor.ones(3).requiresGrad(true);
        fails(IllegalStateException.class, () -> w.add_(1), "a leaf Variable that requires grad is being used in an in-place operation.");
        fails(IllegalStateException.class, () -> w.fill_(0), "leaf Variable");
        fails(IllegalStateException.class, () -> w.narrow(0, 0, 1).zero_(), "leaf Variable");
        try (var g = GradMode.noGrad()) {
            w.add_(1); // allowed without grad, as an optimizer step
        }
        assertEquals(2.0, w.toDoubleArray()[0]);
    }

    @Test
    void modifiedSavedTensorFailsOnBackwardWithVersions() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor h = x.mul(2);
        Tensor y = h.exp(); // saves its output
        y.mul_(2);
        fails(IllegalStateException.class, () -> h.sum().add(y.sum()).backward(),
                "one of the variables needed for gradient computation has been modified by an inplace operation", "[torch.float64 [2]] is at version 1; expected version 0");
    }

    @Test
    void backwardTwiceWithoutRetainGraph() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward();
        fails(IllegalStateException.class, y::backward, "Trying to backward through the graph a second time", "retainGraph=true");
    }

    // ---- devices ----

    /** A block that claims to be device memory; never read (the device check comes first). */
    record FakeBlock(long byteSize) implements Block {
        @Override public void free() {}
    }

    @Test
    void deviceMismatchNamesBothDevices() {
        // No GPU is needed to reach the check: a tensor whose storage claims cuda:0 (never read or computed on).
        Tensor onGpu = new Tensor(new Storage(Device.CUDA, new FakeBlock(12)), 0, new long[] {3}, new long[] {1}, DType.FLOAT32);
        Tensor onCpu = Tensor.zeros(3);
        assertEquals(Device.CUDA, onGpu.device());
        fails(IllegalArgumentException.class, () -> onCpu.add(onGpu), "Expected all tensors to be on the same device", "cpu and cuda:0", "(in add)");
        fails(IllegalArgumentException.class, () -> onCpu.matmul(onGpu), "cpu and cuda:0", "matmul");
        fails(IllegalArgumentException.class, () -> Tensor.where(Tensor.of(true, false, true), onCpu, onGpu), "cpu and cuda:0");
        fails(IllegalArgumentException.class, () -> Tensor.cat(0, onCpu, onGpu), "cpu and cuda:0", "cat");
        fails(IllegalArgumentException.class, () -> onCpu.indexSelect(0, new Tensor(new Storage(Device.CUDA, new FakeBlock(8)), 0, new long[] {1}, new long[] {1}, DType.INT64)), "cuda:0");
    }

    @Test
    void deviceParsingAndUnavailableBackends() {
        fails(IllegalArgumentException.class, () -> Device.parse("tpu"), "Expected one of cpu, cuda device type at start of device string: tpu");
        fails(IllegalArgumentException.class, () -> Device.parse("cuda:x"), "bad device string 'cuda:x'");
        fails(IllegalArgumentException.class, () -> Device.cuda(-1), "must be >= 0, got -1");
        fails(IllegalArgumentException.class, () -> new Device(Device.Kind.CPU, 0), "cpu device has no index, got 0");
        assertEquals(Device.cuda(1), Device.parse("cuda:1"));
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertTrue(Backends.isAvailable(Device.Kind.CPU));
        assertEquals(null, Backends.unavailableReason(Device.Kind.CPU));
        // ops-cuda is not on this module's test class path: CUDA is unavailable with a one-line reason
        assertFalse(Backends.isAvailable(Device.Kind.CUDA));
        {
            String why = Backends.unavailableReason(Device.Kind.CUDA);
            assertNotNull(why);
            assertFalse(why.contains("\n"), why);
            assertTrue(why.toLowerCase().contains("cuda"), why);
            RuntimeException e = assertThrows(RuntimeException.class, () -> Tensor.zeros(new long[] {2}, DType.FLOAT32, Device.CUDA));
            assertTrue(e.getMessage().toLowerCase().contains("cuda"), e.getMessage());
        }
    }

    // ---- memory misuse ----

    @Test
    void closedTensorUseIsAnIllegalStateException() {
        Tensor t = Tensor.ones(2, 3);
        Tensor other = Tensor.ones(2, 3);
        t.close();
        assertTrue(t.isClosed());
        fails(IllegalStateException.class, () -> t.add(1), "tensor of shape [2, 3] was closed");
        fails(IllegalStateException.class, () -> other.add(t), "closed");
        fails(IllegalStateException.class, t::toFloatArray, "closed");
        fails(IllegalStateException.class, () -> t.view(6), "closed");
        fails(IllegalStateException.class, () -> t.reshape(3, 2), "closed");
        fails(IllegalStateException.class, t::sum, "closed");
        fails(IllegalStateException.class, () -> t.matmul(Tensor.ones(3, 1)), "closed");
        fails(IllegalStateException.class, () -> t.copy_(other), "closed");
        fails(IllegalStateException.class, t::storage, "closed");
        t.close(); // closing twice is a no-op
    }

    @Test
    void useAfterMemoryScopeCloseIsAnIllegalStateException() {
        Tensor inside;
        try (var scope = MemoryScope.open()) {
            inside = Tensor.ones(4).mul(2);
        }
        Tensor t = inside;
        assertTrue(t.isClosed());
        fails(IllegalStateException.class, t::toDoubleArray, "closed");
        fails(IllegalStateException.class, () -> t.add(1), "closed");
    }

    @Test
    void scopeMisuse() {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        fails(IllegalStateException.class, outer::close, "closed out of order");
        inner.close();
        outer.close();
        MemoryScope s = MemoryScope.open();
        // the check runs on another thread: its failure is carried back, or the test could never fail
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread th = new Thread(() -> {
            try {
                fails(IllegalStateException.class, s::close, "thread that did not open it");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            th.start();
            th.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            s.close();
        }
        if (failure.get() != null) throw new AssertionError("closing from a foreign thread", failure.get());
    }
}
