package dev.jtorch.nn;

import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gives PyTorch's messages, naming both sides. */
class LossErrorTest {
    static String message(Class<? extends Throwable> type, Executable e) { return assertThrows(type, e).getMessage(); }

    @Test
    void targetOutOfRange() {
        Tensor x = Tensor.zeros(3, 10);
        assertEquals("Target 12 is out of bounds.", message(IndexOutOfBoundsException.class, () -> Losses.crossEntropy(x, Tensor.of(1L, 12L, 0L))));
        assertEquals("Target -1 is out of bounds.", message(IndexOutOfBoundsException.class, () -> Losses.nllLoss(x, Tensor.of(1L, -1L, 0L))));
    }

    @Test
    void batchSizeMismatch() {
        assertEquals("Expected input batch_size (64) to match target batch_size (32).",
                message(IllegalArgumentException.class, () -> new CrossEntropyLoss().forward(Tensor.zeros(64, 10), Tensor.zeros(new long[] {32}, dev.jtorch.tensor.DType.INT64))));
    }

    @Test
    void spatialTargetShapeMismatch() {
        Tensor x = Tensor.zeros(2, 3, 4);
        Tensor target = Tensor.zeros(new long[] {2, 5}, dev.jtorch.tensor.DType.INT64);
        assertEquals("Expected target size [2, 4], got [2, 5]", message(IllegalArgumentException.class, () -> Losses.crossEntropy(x, target)));
    }

    @Test
    void wrongTargetDtypes() {
        Tensor x = Tensor.zeros(3, 4);
        String m = message(IllegalArgumentException.class, () -> Losses.nllLoss(x, Tensor.of(1, 2, 3)));
        assertTrue(m.startsWith("expected scalar type Long but found Int"), m);
        m = message(IllegalArgumentException.class, () -> Losses.crossEntropy(x, Tensor.of(1f, 2f, 3f)));
        assertTrue(m.contains("[3, 4]") && m.contains("[3]") && m.contains("float32"), m);
        m = message(IllegalArgumentException.class, () -> Losses.binaryCrossEntropy(Tensor.of(new float[] {0.5f}), Tensor.of(new long[] {1})));
        assertTrue(m.contains("Found dtype Long but expected Float"), m);
    }

    @Test
    void binaryShapesMustMatch() {
        assertEquals("Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])) is deprecated. Please ensure they have the same size.",
                message(IllegalArgumentException.class, () -> Losses.binaryCrossEntropy(Tensor.full(new long[] {3, 1}, 0.5), Tensor.zeros(3))));
        assertEquals("Target size (torch.Size([3])) must be the same as input size (torch.Size([3, 1]))",
                message(IllegalArgumentException.class, () -> Losses.binaryCrossEntropyWithLogits(Tensor.zeros(3, 1), Tensor.zeros(3))));
    }

    @Test
    void binaryCrossEntropyInputMustBeProbabilities() {
        assertEquals("all elements of input should be between 0 and 1",
                message(IllegalArgumentException.class, () -> Losses.binaryCrossEntropy(Tensor.of(0.5f, 1.5f), Tensor.of(0f, 1f))));
    }

    @Test
    void regressionShapesThatCannotBroadcast() {
        String m = message(IllegalArgumentException.class, () -> Losses.mseLoss(Tensor.zeros(3, 4), Tensor.zeros(3, 5)));
        assertTrue(m.contains("[3, 4]") && m.contains("[3, 5]"), m);
    }

    @Test
    void badOptions() {
        assertEquals("label_smoothing must be between 0.0 and 1.0. Got: 1.5",
                message(IllegalArgumentException.class, () -> new CrossEntropyLoss(null, -100, Reduction.MEAN, 1.5)));
        assertEquals("batchmean is not a valid value for reduction", message(IllegalArgumentException.class, () -> new MSELoss(Reduction.BATCHMEAN)));
        assertEquals("batchmean is not a valid value for reduction", message(IllegalArgumentException.class, () -> new L1Loss(Reduction.parse("batchmean"))));
        assertEquals("avg is not a valid value for reduction", message(IllegalArgumentException.class, () -> Reduction.parse("avg")));
        assertEquals("smooth_l1_loss does not support negative values for beta.", message(IllegalArgumentException.class, () -> new SmoothL1Loss(Reduction.MEAN, -1)));
        assertEquals("huber_loss does not support non-positive values for delta.", message(IllegalArgumentException.class, () -> new HuberLoss(Reduction.MEAN, 0)));
        String m = message(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.of(0L, 1L), Tensor.ones(4), -100, Reduction.MEAN, 0));
        assertTrue(m.contains("weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [4]"), m);
        assertEquals("ignore_index is not supported for floating point target",
                message(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.zeros(2, 3), null, 1, Reduction.MEAN, 0)));
    }

    @Test
    void integerInputIsRejected() {
        String m = message(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.of(1L, 2L), Tensor.scalar(0, dev.jtorch.tensor.DType.INT64)));
        assertTrue(m.contains("floating point input") && m.contains("int64"), m);
    }
}
