package dev.jtorch.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code toString()} against what PyTorch 2.x prints with default print options (the expected strings follow
 * {@code torch/_tensor_str.py}: precision 4, line width 80, threshold 1000, 3 edge items).
 */
class PrintingTest {

    static Tensor x34() { return Tensor.arange(12).reshape(3, 4); }

    @Test
    void seedSnippetScalarWithGradFn() {
        Tensor x = Tensor.scalar(2.0).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(3));
        assertEquals("tensor(10., grad_fn=<AddBackward0>)", y.toString());
        assertEquals("tensor(2., requires_grad=True)", x.toString());
    }

    @Test
    void seedIndexingExamples() {
        Tensor x = x34();
        assertEquals("tensor([[ 0,  1,  2,  3],\n        [ 4,  5,  6,  7],\n        [ 8,  9, 10, 11]])", x.toString());
        assertEquals("tensor([4, 5, 6, 7])", x.index(1).toString());
        assertEquals("tensor([1, 5, 9])", x.index(Index.all(), Index.at(1)).toString());
        assertEquals("tensor([[ 4,  6],\n        [ 8, 10]])", x.index(Index.slice(1, 3), Index.slice(null, null, 2)).toString());
        assertEquals("tensor([ 6,  7,  8,  9, 10, 11])", x.index(x.gt(5)).toString());
        assertEquals("tensor([[ 0,  1,  2,  3],\n        [ 8,  9, 10, 11]])", x.index(Tensor.of(0L, 2L)).toString());
    }

    @Test
    void seedCatExamples() {
        Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor y = Tensor.of(new float[][] {{7, 8, 9}, {10, 11, 12}});
        assertEquals("tensor([[ 1.,  2.,  3.],\n        [ 4.,  5.,  6.],\n        [ 7.,  8.,  9.],\n        [10., 11., 12.]])", Tensor.cat(0, x, y).toString());
        assertEquals("tensor([[ 1.,  2.,  3.,  7.,  8.,  9.],\n        [ 4.,  5.,  6., 10., 11., 12.]])", Tensor.cat(1, x, y).toString());
    }

    @Test
    void floatFixedPoint() {
        assertEquals("tensor([0.5000, 1.2500])", Tensor.of(0.5f, 1.25f).toString());
        assertEquals("tensor([[ 0.1000, -2.5000],\n        [ 3.0000,  4.2500]])", Tensor.of(new float[][] {{0.1f, -2.5f}, {3f, 4.25f}}).toString());
    }

    @Test
    void floatScientificWhenRangeIsWideOrValuesAreTiny() {
        assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.of(1e-5f, 1f).toString());
        assertEquals("tensor([1.0000e+09, 1.0000e+00])", Tensor.of(1e9f, 1f).toString());
        assertEquals("tensor([1.0000e+00, 1.0000e+04])", Tensor.of(1f, 1e4f).toString());
    }

    @Test
    void roundsHalfEvenOnTheExactValueAsPython() {
        // 0.03125 and 1.03125 are exact binary ties: Python's format rounds them to even
        assertEquals("tensor([0.0312, 1.0000])", Tensor.of(0.03125f, 1f).toString());
        assertEquals("tensor([1.0312e+00, 1.0000e-05])", Tensor.of(1.03125f, 1e-5f).toString());
        assertEquals("tensor([-0.0312,  1.0000])", Tensor.of(-0.03125f, 1f).toString());
    }

    @Test
    void dtypeSuffixes() {
        assertEquals("tensor([1., 2.], dtype=torch.float64)", Tensor.of(1.0, 2.0).toString());
        assertEquals("tensor([1, 2], dtype=torch.int32)", Tensor.of(1, 2).toString());
        assertEquals("tensor([1, 2])", Tensor.of(1L, 2L).toString());
        assertEquals("tensor([ True, False])", Tensor.of(true, false).toString());
        assertEquals("tensor([ -1,  10, 100])", Tensor.of(-1L, 10L, 100L).toString());
    }

    @Test
    void requiresGradAndGradFnSuffixes() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        assertEquals("tensor([1., 2.], requires_grad=True)", x.toString());
        assertEquals("tensor([2., 4.], grad_fn=<MulBackward0>)", x.mul(2).toString());
        assertEquals("tensor([1., 2.], dtype=torch.float64, requires_grad=True)", Tensor.of(1.0, 2.0).requiresGrad(true).toString());
        try (var g = GradMode.noGrad()) {
            assertEquals("tensor([2., 4.])", x.mul(2).toString());
        }
    }

    @Test
    void suffixWrapsAsPyTorchCountsTheLastLine() {
        // "tensor([1., ... 1.]" of 12 ones is 55 chars: PyTorch counts 57 + 18 + 2 <= 80, one line
        assertEquals("tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.], requires_grad=True)",
                Tensor.ones(12).requiresGrad(true).toString());
        // 13 ones: 59 chars, counted as 61 + 18 + 2 > 80, so the suffix goes to its own line
        assertEquals("tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.],\n       requires_grad=True)",
                Tensor.ones(13).requiresGrad(true).toString());
    }

    @Test
    void zeroDim() {
        assertEquals("tensor(3.5000)", Tensor.scalar(3.5).toString());
        assertEquals("tensor(2)", Tensor.scalar(2, DType.INT64).toString());
        assertEquals("tensor(True)", Tensor.scalar(1, DType.BOOL).toString());
        assertEquals("tensor(-0.5000, dtype=torch.float64)", Tensor.scalar(-0.5, DType.FLOAT64).toString());
        assertEquals("tensor(nan)", Tensor.scalar(Double.NaN).toString());
        assertEquals("tensor(1.0000e-05)", Tensor.scalar(1e-5).toString());
    }

    @Test
    void empty() {
        assertEquals("tensor([])", Tensor.of(new float[0]).toString());
        assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
        assertEquals("tensor([], dtype=torch.int64)", Tensor.of(new long[0]).toString());
        assertEquals("tensor([], size=(2, 0), dtype=torch.int32)", Tensor.zeros(new long[] {2, 0}, DType.INT32).toString());
        assertEquals("tensor([], dtype=torch.bool)", Tensor.of(new boolean[0]).toString());
    }

    @Test
    void summarisedAboveAThousandElements() {
        assertEquals("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", Tensor.arange(2000).toString());
        assertEquals("tensor([[   0,    1,    2,  ...,   97,   98,   99],\n"
                + "        [ 100,  101,  102,  ...,  197,  198,  199],\n"
                + "        [ 200,  201,  202,  ...,  297,  298,  299],\n"
                + "        ...,\n"
                + "        [9700, 9701, 9702,  ..., 9797, 9798, 9799],\n"
                + "        [9800, 9801, 9802,  ..., 9897, 9898, 9899],\n"
                + "        [9900, 9901, 9902,  ..., 9997, 9998, 9999]])", Tensor.arange(10000).reshape(100, 100).toString());
        assertEquals("tensor([[   0,    1],\n        [   2,    3],\n        [   4,    5],\n        ...,\n"
                + "        [3994, 3995],\n        [3996, 3997],\n        [3998, 3999]])", Tensor.arange(4000).reshape(2000, 2).toString());
        // the mode and width follow only the printed values: 0..2 and 1997..1999 span more than 1000x, so sci
        assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
                Tensor.arange(0.0, 2000.0, 1.0).toString());
        // exactly 1000 elements is not summarised
        String thousand = Tensor.arange(1000).toString();
        assertEquals(false, thousand.contains("..."));
    }

    @Test
    void nanAndInfinity() {
        assertEquals("tensor([   nan,    inf, 1.5000])", Tensor.of(Float.NaN, Float.POSITIVE_INFINITY, 1.5f).toString());
        // width comes from nonzero finite values only: "-inf" is wider than the others and is not padded against
        assertEquals("tensor([-inf, 1., 0.])", Tensor.of(Float.NEGATIVE_INFINITY, 1f, 0f).toString());
        assertEquals("tensor([nan, nan])", Tensor.of(Float.NaN, Float.NaN).toString());
        assertEquals("tensor([0., nan, inf])", Tensor.of(0f, Float.NaN, Float.POSITIVE_INFINITY).toString());
        assertEquals("tensor([      -inf, 1.0000e-05])", Tensor.of(Float.NEGATIVE_INFINITY, 1e-5f).toString());
    }

    @Test
    void longRowsWrapAtEightyColumns() {
        assertEquals("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "        14., 15., 16., 17., 18., 19.])", Tensor.arange(0.0, 20.0, 1.0).toString());
        assertEquals("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "        14., 15., 16., 17., 18., 19.], dtype=torch.float64)", Tensor.arange(0.0, 20.0, 1.0).to(DType.FLOAT64).toString());
        // inside a matrix the rows are indented one more: floor((80 - 8) / 5) = 14 per line, continued under the row's first element
        String m = Tensor.arange(0.0, 40.0, 1.0).reshape(2, 20).toString();
        assertEquals("tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "         14., 15., 16., 17., 18., 19.],\n"
                + "        [20., 21., 22., 23., 24., 25., 26., 27., 28., 29., 30., 31., 32., 33.,\n"
                + "         34., 35., 36., 37., 38., 39.]])", m);
    }

    @Test
    void threeDimensionsAndNonContiguousViews() {
        assertEquals("tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])", Tensor.arange(8).reshape(2, 2, 2).toString());
        assertEquals("tensor([[ 0,  4,  8],\n        [ 1,  5,  9],\n        [ 2,  6, 10],\n        [ 3,  7, 11]])", x34().t().toString());
    }

    @Test
    void closedTensorPrintsWithoutReadingMemory() {
        Tensor t = Tensor.ones(3);
        t.close();
        assertEquals("tensor(<closed>)", t.toString());
    }
}
