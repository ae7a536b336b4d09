package dev.jtorch.nn.rnn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.nn.PackedSequence;
import dev.jtorch.nn.PackedSequences;
import dev.jtorch.nn.RNNBase;
import dev.jtorch.nn.RnnOptions;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.jtorch.nn.rnn.RnnFixtures.flatCat;
import static dev.jtorch.nn.rnn.RnnFixtures.leaf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients through time, by float64 finite differences, of every layer kind under every option, with respect
 * to the input, the initial states and every weight and bias (T=3, B=2, in=2, H=3).
 */
class RnnGradcheckTest {
    static final int T = 3, B = 2, IN = 2, H = 3;
    static final long[] LENGTHS = {2, 3}; // unsorted on purpose: packing has to reorder

    /** One combination of options; dropout runs in training mode with a mask fixed by reseeding. */
    record Config(String name, int layers, boolean bidirectional, boolean batchFirst, boolean bias, boolean initialState, boolean packed, double dropout) {
        RnnOptions options() { return new RnnOptions(layers, bias, batchFirst, dropout, bidirectional); }
        @Override public String toString() { return name; }
    }

    static final List<Config> CONFIGS = List.of(
            new Config("one layer", 1, false, false, true, false, false, 0),
            new Config("two layers, h0", 2, false, false, true, true, false, 0),
            new Config("bidirectional, h0", 1, true, false, true, true, false, 0),
            new Config("batchFirst", 1, false, true, true, false, false, 0),
            new Config("no bias, h0", 1, false, false, false, true, false, 0),
            new Config("packed unequal lengths, h0", 1, false, false, true, true, true, 0),
            new Config("packed, two bidirectional layers, h0", 2, true, false, true, true, true, 0),
            new Config("two bidirectional layers batchFirst, dropout", 2, true, true, true, true, false, 0.5));

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (RnnReference.Kind kind : RnnReference.Kind.values()) for (Config c : CONFIGS) all.add(Arguments.of(kind, c));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void gradientsThroughTime(RnnReference.Kind kind, Config config) {
        Generator.defaultGenerator().manualSeed(11);
        RNNBase m = RnnFixtures.build(kind, IN, H, config.options());
        m.to(DType.FLOAT64);
        m.train();
        int states = config.layers() * (config.bidirectional() ? 2 : 1);
        Tensor x = config.batchFirst() ? leaf(1, B, T, IN) : leaf(1, T, B, IN);
        if (kind == RnnReference.Kind.RNN_RELU) x = shiftedAwayFromKinks(x);
        Tensor h0 = config.initialState() ? leaf(2, states, B, H) : null;
        Tensor c0 = config.initialState() && kind == RnnReference.Kind.LSTM ? leaf(3, states, B, H) : null;

        List<Tensor> inputs = new ArrayList<>(List.of(x));
        if (h0 != null) inputs.add(h0);
        if (c0 != null) inputs.add(c0);
        inputs.addAll(m.parameters());
        Tensor finalX = x;
        Function<Tensor[], Tensor> outputs = args -> {
            if (config.dropout() > 0) Generator.defaultGenerator().manualSeed(5); // the same dropout mask on every evaluation
            if (config.packed()) {
                PackedSequence packed = PackedSequences.packPaddedSequence(finalX, LENGTHS, config.batchFirst(), false);
                return flatCat(RnnFixtures.run(m, packed, h0, c0));
            }
            return flatCat(RnnFixtures.run(m, finalX, h0, c0));
        };
        if (states >= 4) {
            // two bidirectional layers have ~60 outputs and ~16 weight tensors: one backward per output and tensor
            // costs minutes, so check 6 fixed random combinations of the outputs instead of each output
            Tensor projection = RnnFixtures.randn(99, 6, outputs.apply(null).numel());
            Function<Tensor[], Tensor> full = outputs;
            outputs = args -> projection.matmul(full.apply(args));
        }
        assertTrue(GradCheck.gradcheck(outputs, inputs.toArray(Tensor[]::new)));
    }

    /** relu's kink at 0 breaks finite differences; a positive shift keeps pre-activations off it in practice. */
    private static Tensor shiftedAwayFromKinks(Tensor x) {
        return x.detach().abs().add(0.5).requiresGrad(true);
    }
}
