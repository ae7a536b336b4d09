package dev.jtorch.data;

import dev.jtorch.data.transforms.Compose;
import dev.jtorch.data.transforms.Interpolation;
import dev.jtorch.data.transforms.Lambda;
import dev.jtorch.data.transforms.Normalize;
import dev.jtorch.data.transforms.RandomCrop;
import dev.jtorch.data.transforms.RandomHorizontalFlip;
import dev.jtorch.data.transforms.Resize;
import dev.jtorch.data.transforms.ToTensor;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TransformsTest {
    static float at(Tensor t, int... idx) {
        long[] s = t.shape();
        int flat = 0;
        for (int i = 0; i < idx.length; i++) flat = (int) (flat * s[i] + idx[i]);
        return t.toFloatArray()[flat];
    }

    @Test void toTensorScalesToUnitRangeAndMovesChannelsFirst() {
        Tensor gray = Tensor.of(new int[][] {{0, 255}, {51, 102}});
        Tensor g = new ToTensor().apply(gray);
        assertArrayEquals(new long[] {1, 2, 2}, g.shape());
        assertEquals(DType.FLOAT32, g.dtype());
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, g.toFloatArray(), 1e-7f);

        Tensor rgb = Tensor.of(new int[][][] {{{255, 0, 51}, {0, 255, 102}}}); // H=1, W=2, C=3
        Tensor c = new ToTensor().apply(rgb);
        assertArrayEquals(new long[] {3, 1, 2}, c.shape());
        assertArrayEquals(new float[] {1f, 0f, 0f, 1f, 0.2f, 0.4f}, c.toFloatArray(), 1e-7f);
        assertArrayEquals(c.toFloatArray(), ToTensor.fromBytes(new byte[] {(byte) 255, 0, 51, 0, (byte) 255, 102}, 0, 1, 2, 3).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new ToTensor().apply(Tensor.zeros(2, 2)));
    }

    @Test void normalizeIsPerChannel() {
        Tensor x = Tensor.of(new float[][][] {{{1, 3}}, {{2, 4}}}); // [2, 1, 2]
        Tensor y = new Normalize(new double[] {1, 2}, new double[] {2, 0.5}).apply(x);
        assertArrayEquals(new float[] {0, 1, 0, 4}, y.toFloatArray(), 1e-6f);
        Tensor mnist = new Normalize(0.1307, 0.3081).apply(Tensor.ones(1, 2, 2));
        assertEquals((1 - 0.1307) / 0.3081, at(mnist, 0, 1, 1), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new double[] {0}, new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new double[] {0, 0, 0}, new double[] {1, 1, 1}).apply(x));
    }

    /** F.interpolate(torch.tensor([[[[0., 10.], [20., 30.]]]]), size=4, mode='bilinear', align_corners=False). */
    @Test void bilinearUpsamplingMatchesPyTorch() {
        Tensor x = Tensor.of(new float[][][] {{{0, 10}, {20, 30}}});
        Tensor y = new Resize(4, 4).apply(x);
        assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10, 5, 7.5f, 12.5f, 15, 15, 17.5f, 22.5f, 25, 20, 22.5f, 27.5f, 30}, y.toFloatArray(), 1e-5f);
    }

    /** LeNet's 28 to 32: on a ramp x[i][j] = 28 i + j, source coordinate (d + 0.5) * 28/32 - 0.5 clamped to [0, 27]. */
    @Test void resize28To32AtHandComputedPixels() {
        float[] ramp = new float[28 * 28];
        for (int i = 0; i < 28; i++) for (int j = 0; j < 28; j++) ramp[i * 28 + j] = 28 * i + j;
        Tensor x = Tensor.of(ramp).reshape(1, 28, 28);
        Tensor y = new Resize(32).apply(x);
        assertArrayEquals(new long[] {1, 32, 32}, y.shape());
        assertEquals(0f, at(y, 0, 0, 0), 1e-4);           // source -0.0625 clamps to 0
        assertEquals(4.3125f * 29, at(y, 0, 5, 5), 1e-3);  // source 4.3125 in both axes
        assertEquals(4.3125f * 28 + 27, at(y, 0, 5, 31), 1e-3); // column 27.0625 clamps to the last column
        assertEquals(783f, at(y, 0, 31, 31), 1e-3);
        assertEquals(16.5625f * 28 + 0.8125f, at(y, 0, 19, 1), 1e-3); // row 19.5*.875-.5, column 1.5*.875-.5
    }

    @Test void nearestAndIntegerResize() {
        Tensor x = Tensor.of(new float[][][] {{{0, 10}, {20, 30}}});
        assertArrayEquals(new float[] {0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30, 20, 20, 30, 30},
                new Resize(4, 4, Interpolation.NEAREST).apply(x).toFloatArray());
        Tensor ints = new Resize(4, 4).apply(Tensor.of(new int[][] {{0, 10}, {20, 30}}));
        assertEquals(DType.INT32, ints.dtype());
        assertArrayEquals(new int[] {0, 2, 8, 10}, java.util.Arrays.copyOf(ints.toIntArray(), 4), "rounded half to even: 2.5 -> 2, 7.5 -> 8");
    }

    @Test void randomFlipAndCropDrawFromTheirGenerator() {
        Tensor x = Tensor.of(new float[][][] {{{1, 2, 3}, {4, 5, 6}}});
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, new RandomHorizontalFlip(1.0).apply(x).toFloatArray());
        assertSame(x, new RandomHorizontalFlip(0.0).apply(x));

        Tensor img = Tensor.arange(0, 16, 1).toFloat().reshape(1, 4, 4);
        Tensor a = new RandomCrop(4, 4, 2, new Generator(9)).apply(img);
        Tensor b = new RandomCrop(4, 4, 2, new Generator(9)).apply(img);
        assertArrayEquals(new long[] {1, 4, 4}, a.shape());
        assertArrayEquals(a.toFloatArray(), b.toFloatArray(), "same seed, same crop");
        assertArrayEquals(img.toFloatArray(), new RandomCrop(4).apply(img).toFloatArray(), "a full-size crop without padding is the image");
        Tensor corner = new RandomCrop(2, 2, 0, new Generator(1)).apply(Tensor.ones(1, 2, 2));
        assertArrayEquals(new float[] {1, 1, 1, 1}, corner.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(5).apply(img));
    }

    @Test void composeAndLambdaChain() {
        var t = Compose.of(new ToTensor(), new Lambda(v -> v.mul(2.0)), new Normalize(1, 1));
        Tensor y = t.apply(Tensor.of(new int[][] {{255, 0}}));
        assertArrayEquals(new float[] {1, -1}, y.toFloatArray(), 1e-6f);
    }
}
