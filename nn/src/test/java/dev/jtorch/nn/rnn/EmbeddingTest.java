package dev.jtorch.nn.rnn;

import dev.jtorch.autograd.GradCheck;
import dev.jtorch.nn.Embedding;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nn.Embedding}: lookup, shapes, the padding row, init, errors, pretrained weights. */
class EmbeddingTest {
    @Test
    void looksUpRowsInTheIndicesShape() {
        Embedding e = Embedding.fromPretrained(Tensor.of(new float[][] {{0, 1}, {10, 11}, {20, 21}}), false, null);
        Tensor out = e.forward(Tensor.of(new long[][] {{2, 0}, {1, 1}}));
        assertArrayEquals(new long[] {2, 2, 2}, out.shape());
        assertArrayEquals(new float[] {20, 21, 0, 1, 10, 11, 10, 11}, out.toFloatArray());
        assertArrayEquals(new float[] {10, 11}, e.forward(Tensor.of(1, 1).narrow(0, 0, 1)).reshape(-1).toFloatArray()); // int32 indices
    }

    @Test
    void initIsStandardNormalWithAZeroPaddingRow() {
        Generator.defaultGenerator().manualSeed(0);
        Embedding e = new Embedding(1000, 16, 3);
        double[] w = e.weight().toDoubleArray();
        double sum = 0, sq = 0;
        for (double v : w) { sum += v; sq += v * v; }
        double mean = sum / w.length, std = Math.sqrt(sq / w.length - mean * mean);
        assertEquals(0, mean, 0.02);
        assertEquals(1, std, 0.02);
        assertEquals(0, e.weight().select(0, 3).abs().sum().item());
        assertEquals("Embedding(1000, 16, padding_idx=3)", e.toString());
        assertEquals(9, new Embedding(10, 2, -1).paddingIdx()); // negative counts from the end
    }

    @Test
    void thePaddingRowGetsNoGradient() {
        Generator.defaultGenerator().manualSeed(1);
        Embedding e = new Embedding(5, 3, 0);
        e.forward(Tensor.of(new long[] {0, 2, 0, 2, 4})).sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0, 1, 1, 1}, e.weight().grad().toFloatArray());
    }

    @Test
    void gradcheckWrtTheWeight() {
        Generator.defaultGenerator().manualSeed(2);
        Embedding e = (Embedding) new Embedding(4, 3, 1).to(DType.FLOAT64);
        Tensor idx = Tensor.of(new long[][] {{0, 1, 3}, {3, 3, 2}});
        assertTrue(GradCheck.gradcheck(a -> e.forward(idx).mul(e.forward(idx)), e.weight()));
    }

    @Test
    void errorsNameTheBadValues() {
        Embedding e = new Embedding(10, 2);
        var high = assertThrows(IndexOutOfBoundsException.class, () -> e.forward(Tensor.of(new long[] {1, 12})));
        assertTrue(high.getMessage().contains("index 12") && high.getMessage().contains("num_embeddings=10"), high.getMessage());
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> e.forward(Tensor.of(new long[] {-1}))).getMessage().contains("index -1"));
        assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(1f, 2f)));
        assertEquals("Padding_idx must be within num_embeddings, got padding_idx=10 and num_embeddings=10",
                assertThrows(IllegalArgumentException.class, () -> new Embedding(10, 2, 10)).getMessage());
    }

    @Test
    void pretrainedIsACopyAndFrozenByDefault() {
        Tensor w = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        Embedding e = Embedding.fromPretrained(w);
        assertFalse(e.weight().requiresGrad());
        w.fill_(0);
        assertArrayEquals(new float[] {3, 4}, e.forward(Tensor.of(new long[] {1})).reshape(-1).toFloatArray());
        assertEquals(1, e.parameters().size());
        assertTrue(Embedding.fromPretrained(w, false, null).weight().requiresGrad());
    }
}
