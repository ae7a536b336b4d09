package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Wrong shapes and arguments fail with PyTorch's wording, naming both sides. */
class MisuseTest {

    private static void fails(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void linearWithWrongInFeatures() {
        Linear fc = new Linear(84, 10);
        fails("mat1 and mat2 shapes cannot be multiplied (64x120 and 84x10)", () -> fc.forward(Tensor.zeros(64, 120)));
    }

    @Test
    void conv2dWithWrongChannels() {
        Conv2d conv = new Conv2d(1, 6, 5);
        fails("Given groups=1, weight of size [6, 1, 5, 5], expected input[64, 3, 32, 32] to have 1 channels, but got 3 channels instead",
                () -> conv.forward(Tensor.zeros(64, 3, 32, 32)));
        Conv2d grouped = Conv2d.builder(4, 4, 3).groups(2).build();
        fails("Given groups=2, weight of size [4, 2, 3, 3], expected input[1, 6, 5, 5] to have 4 channels, but got 6 channels instead",
                () -> grouped.forward(Tensor.zeros(1, 6, 5, 5)));
    }

    @Test
    void convWithWrongRank() {
        fails("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [64, 784]",
                () -> new Conv2d(1, 6, 5).forward(Tensor.zeros(64, 784)));
        fails("Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [1, 2, 3, 4]",
                () -> new Conv1d(2, 3, 1).forward(Tensor.zeros(1, 2, 3, 4)));
    }

    @Test
    void convConstructorArguments() {
        fails("in_channels must be divisible by groups", () -> Conv2d.builder(3, 4, 3).groups(2).build());
        fails("out_channels must be divisible by groups", () -> Conv2d.builder(4, 3, 3).groups(2).build());
        fails("groups must be a positive integer", () -> Conv2d.builder(4, 4, 3).groups(0).build());
        fails("padding='same' is not supported for strided convolutions", () -> new Conv2d(1, 1, 3, 2, "same"));
        fails("Invalid padding string 'full', should be one of {'valid', 'same'}", () -> new Conv2d(1, 1, 3, 1, "full"));
    }

    @Test
    void convKernelLargerThanInput() {
        fails("Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size",
                () -> new Conv2d(1, 1, 5).forward(Tensor.zeros(1, 1, 4, 4)));
    }

    @Test
    void convOperandMismatches() {
        Tensor w = Tensor.zeros(6, 1, 5, 5);
        fails("Given weight of size [6, 1, 5, 5], expected bias to be 1-dimensional with 6 elements, but got bias of size [5] instead",
                () -> F.conv2d(Tensor.zeros(1, 1, 8, 8), w, Tensor.zeros(5)));
        fails("Input type (torch.DoubleTensor) and weight type (torch.FloatTensor) should be the same",
                () -> F.conv2d(Tensor.zeros(new long[] {1, 1, 8, 8}, DType.FLOAT64), w));
        fails("Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 1, 3, 3] instead",
                () -> F.conv2d(Tensor.zeros(1, 2, 5, 5), Tensor.zeros(3, 1, 3, 3), null, new int[] {1}, new int[] {0}, new int[] {1}, 2));
    }

    @Test
    void batchNormMisuse() {
        fails("running_mean should contain 3 elements not 16", () -> new BatchNorm2d(16).forward(Tensor.zeros(2, 3, 4, 4)));
        fails("Expected more than 1 value per channel when training, got input size torch.Size([1, 16, 1, 1])",
                () -> new BatchNorm2d(16).forward(Tensor.zeros(1, 16, 1, 1)));
        fails("Expected more than 1 value per channel when training, got input size torch.Size([1, 4])",
                () -> new BatchNorm1d(4).forward(Tensor.zeros(1, 4)));
        fails("expected 4D input (got 3D input)", () -> new BatchNorm2d(3).forward(Tensor.zeros(3, 4, 4)));
        fails("expected 2D or 3D input (got 4D input)", () -> new BatchNorm1d(3).forward(Tensor.zeros(2, 3, 4, 4)));
        // a single sample is fine in eval, where the running statistics normalise
        BatchNorm2d bn = new BatchNorm2d(16);
        bn.eval();
        bn.forward(Tensor.zeros(1, 16, 1, 1));
    }

    @Test
    void layerNormShapeMismatch() {
        fails("Given normalized_shape=[10], expected input with shape [*, 10], but got input of size[3, 5]",
                () -> new LayerNorm(10).forward(Tensor.zeros(3, 5)));
    }

    @Test
    void poolingMisuse() {
        fails("non-empty 3D or 4D (batch mode) tensor expected for input to max_pool2d, but got input of size: [4, 4]",
                () -> new MaxPool2d(2).forward(Tensor.zeros(4, 4)));
        fails("pad should be at most half of effective kernel size, but got pad=(2, 2), kernel_size=(2, 2)",
                () -> new MaxPool2d(2, 2, 2).forward(Tensor.zeros(1, 1, 4, 4)));
        fails("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [4]", () -> new AdaptiveAvgPool2d(1).forward(Tensor.zeros(4)));
    }

    @Test
    void badArguments() {
        fails("dropout probability has to be between 0 and 1, but got 1.5", () -> new Dropout(1.5));
        fails("approximate argument must be either none or tanh, got 'fast'", () -> new GELU("fast"));
        fails("nn.Module.to only accepts floating point dtypes, but got desired dtype=torch.int64", () -> new Linear(1, 1).to(DType.INT64));
    }
}
