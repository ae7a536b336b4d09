package dev.jtorch.nn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.jtorch.nn.Tensors.leaf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer, converted to float64, passes gradcheck through its own forward with respect to its input and
 * every one of its parameters at once (gradcheck perturbs the live parameters in place).
 */
class LayerGradcheckTest {

    record Layer(String name, Supplier<Module> make, long[] inputShape, boolean eval) {
        @Override public String toString() { return name; }
    }

    private static Layer layer(String name, Supplier<Module> make, long... inputShape) { return new Layer(name, make, inputShape, false); }

    static Stream<Layer> layers() {
        return Stream.of(
                layer("Linear", () -> new Linear(3, 2), 2, 3),
                layer("Linear without bias on 3-d input", () -> new Linear(3, 2, false), 2, 1, 3),
                layer("Conv2d", () -> new Conv2d(2, 2, 2), 1, 2, 3, 3),
                layer("Conv2d stride 2 padding 1", () -> new Conv2d(1, 2, 3, 2, 1), 1, 1, 4, 4),
                layer("Conv2d dilation 2 groups 2", () -> Conv2d.builder(2, 2, 2).dilation(2).groups(2).build(), 1, 2, 4, 4),
                layer("Conv2d same, even kernel", () -> Conv2d.builder(1, 2, 2).padding("same").build(), 1, 1, 3, 3),
                layer("Conv2d unbatched", () -> new Conv2d(1, 1, 2), 1, 3, 3),
                layer("Conv1d stride 2 padding 1", () -> new Conv1d(2, 2, 3, 2, 1), 1, 2, 5),
                layer("Conv1d same dilated", () -> Conv1d.builder(1, 2, 2).padding("same").dilation(2).build(), 1, 1, 5),
                layer("MaxPool2d ceil", () -> new MaxPool2d(2, 2, 0, 1, true), 1, 1, 5, 5),
                layer("AvgPool2d padding not counted", () -> new AvgPool2d(3, 2, 1, false, false), 1, 1, 5, 4),
                layer("AvgPool2d ceil counting padding", () -> new AvgPool2d(3, 2, 1, true, true), 1, 1, 4, 5),
                layer("AdaptiveAvgPool2d", () -> new AdaptiveAvgPool2d(2, 3), 1, 1, 5, 4),
                layer("BatchNorm1d", () -> new BatchNorm1d(2), 3, 2),
                layer("BatchNorm2d", () -> new BatchNorm2d(2), 2, 2, 2, 2),
                new Layer("BatchNorm2d eval", () -> new BatchNorm2d(2), new long[] {1, 2, 2, 2}, true),
                layer("LayerNorm", () -> new LayerNorm(2, 2), 2, 2, 2),
                layer("Flatten", Flatten::new, 2, 2, 2),
                layer("ReLU", ReLU::new, 2, 3),
                layer("LeakyReLU", () -> new LeakyReLU(0.1), 2, 3),
                layer("Sigmoid", Sigmoid::new, 2, 3),
                layer("Tanh", Tanh::new, 2, 3),
                layer("GELU", GELU::new, 2, 3),
                layer("GELU tanh", () -> new GELU("tanh"), 2, 3),
                layer("Softmax", () -> new Softmax(1), 2, 3),
                layer("LogSoftmax", () -> new LogSoftmax(0), 2, 3),
                layer("Identity", Identity::new, 2, 3),
                layer("Sequential", () -> new Sequential(new Conv2d(1, 2, 2), new ReLU(), new Flatten(), new Linear(8, 2), new Tanh()), 1, 1, 3, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void gradcheckWrtInputAndParameters(Layer l) {
        Module m = l.make.get();
        m.to(DType.FLOAT64);
        if (l.eval) m.eval();
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(leaf(l.name.hashCode(), l.inputShape));
        inputs.addAll(m.parameters());
        assertTrue(GradCheck.gradcheck(in -> m.forward(in[0]), inputs.toArray(Tensor[]::new)));
    }

    @ParameterizedTest(name = "p={0}")
    @MethodSource("probabilities")
    void dropoutWithAFixedMask(double p) {
        Dropout dropout = new Dropout(p);
        // reseeding before every call keeps the mask fixed while gradcheck perturbs the input
        assertTrue(GradCheck.gradcheck(in -> {
            Generator.defaultGenerator().manualSeed(11);
            return dropout.forward(in[0]);
        }, leaf(12, 3, 4)));
    }

    static Stream<Double> probabilities() { return Stream.of(0.0, 0.3, 0.5); }
}
