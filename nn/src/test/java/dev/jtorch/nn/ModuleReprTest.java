package dev.jtorch.nn;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Module reprs, written as PyTorch prints the same modules. */
class ModuleReprTest {

    static Sequential leNetLike() {
        return new Sequential(
                new Conv2d(1, 6, 5, 1, 2), new ReLU(), new AvgPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2, 2),
                new Flatten(), new Linear(400, 120), new ReLU(), new Dropout(0.5),
                new Linear(120, 84), new Sigmoid(), new Linear(84, 10, false), new LogSoftmax(1));
    }

    /** As {@code class Net(nn.Module)} assigning these attributes in this order. */
    static final class Net extends Module {
        final Sequential features = new Sequential(Conv2d.builder(3, 8, 3).padding(1).bias(false).build(), new BatchNorm2d(8), new ReLU(true));
        final AdaptiveAvgPool2d pool = new AdaptiveAvgPool2d(1, 1);
        final ModuleList blocks = new ModuleList(new Linear(8, 8), new Linear(8, 8), new Linear(8, 8));
        final ModuleDict head = new ModuleDict(orderedOf("cls", new Linear(8, 10), "act", new GELU()));
        final LayerNorm norm = new LayerNorm(10);

        @Override public dev.jtorch.tensor.Tensor forward(dev.jtorch.tensor.Tensor x) {
            x = pool.forward(features.forward(x)).flatten(1, -1);
            for (Module b : blocks) x = b.forward(x);
            return norm.forward(head.get("act").forward(head.get("cls").forward(x)));
        }
    }

    static Map<String, Module> orderedOf(String k1, Module v1, String k2, Module v2) {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    @Test
    void leNetLikeSequential() {
        assertEquals("""
                Sequential(
                  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
                  (1): ReLU()
                  (2): AvgPool2d(kernel_size=2, stride=2, padding=0)
                  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))
                  (4): ReLU()
                  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
                  (6): Flatten(start_dim=1, end_dim=-1)
                  (7): Linear(in_features=400, out_features=120, bias=True)
                  (8): ReLU()
                  (9): Dropout(p=0.5, inplace=False)
                  (10): Linear(in_features=120, out_features=84, bias=True)
                  (11): Sigmoid()
                  (12): Linear(in_features=84, out_features=10, bias=False)
                  (13): LogSoftmax(dim=1)
                )""", leNetLike().toString());
    }

    @Test
    void customModuleWithNestedContainers() {
        assertEquals("""
                Net(
                  (features): Sequential(
                    (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)
                    (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                    (2): ReLU(inplace=True)
                  )
                  (pool): AdaptiveAvgPool2d(output_size=(1, 1))
                  (blocks): ModuleList(
                    (0-2): 3 x Linear(in_features=8, out_features=8, bias=True)
                  )
                  (head): ModuleDict(
                    (cls): Linear(in_features=8, out_features=10, bias=True)
                    (act): GELU(approximate='none')
                  )
                  (norm): LayerNorm((10,), eps=1e-05, elementwise_affine=True)
                )""", new Net().toString());
    }

    @Test
    void moduleListFoldsOnlyConsecutiveRepeats() {
        ModuleList list = new ModuleList(new ReLU(), new Linear(2, 2), new Linear(2, 2), new ReLU());
        assertEquals("""
                ModuleList(
                  (0): ReLU()
                  (1-2): 2 x Linear(in_features=2, out_features=2, bias=True)
                  (3): ReLU()
                )""", list.toString());
        assertEquals("ModuleList()", new ModuleList().toString());
    }

    @Test
    void leafReprs() {
        assertEquals("Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2)",
                Conv2d.builder(4, 4, 3).padding("same").dilation(2).groups(2).build().toString());
        assertEquals("Conv2d(3, 2, kernel_size=(3, 5), stride=(2, 1), padding=valid)",
                Conv2d.builder(3, 2, 3, 5).stride(2, 1).padding("valid").build().toString());
        assertEquals("Conv2d(3, 2, kernel_size=(3, 3), stride=(1, 1), padding=(0, 1))",
                Conv2d.builder(3, 2, 3).padding(0, 1).build().toString());
        assertEquals("Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,))", new Conv1d(2, 4, 3, 2, 1).toString());
        assertEquals("Conv1d(2, 4, kernel_size=(3,), stride=(1,), dilation=(2,), bias=False)",
                Conv1d.builder(2, 4, 3).dilation(2).bias(false).build().toString());
        assertEquals("BatchNorm1d(4, eps=0.001, momentum=None, affine=False, track_running_stats=True)",
                new BatchNorm1d(4, 1e-3, null, false, true).toString());
        assertEquals("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(16).toString());
        assertEquals("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)", new MaxPool2d(3, 2, 1, 1, true).toString());
        assertEquals("MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)",
                new MaxPool2d(new int[] {2, 3}, null, new int[] {0}, new int[] {1}, false).toString());
        assertEquals("AvgPool2d(kernel_size=3, stride=1, padding=1)", new AvgPool2d(3, 1, 1, true, false).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=7)", new AdaptiveAvgPool2d(7).toString());
        assertEquals("LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)", new LayerNorm(new long[] {2, 3}, 1e-6, false).toString());
        assertEquals("LeakyReLU(negative_slope=0.01)", new LeakyReLU().toString());
        assertEquals("LeakyReLU(negative_slope=0.2, inplace=True)", new LeakyReLU(0.2, true).toString());
        assertEquals("Dropout(p=0.1, inplace=False)", new Dropout(0.1).toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertEquals("Softmax(dim=-1)", new Softmax(-1).toString());
        assertEquals("Flatten(start_dim=0, end_dim=2)", new Flatten(0, 2).toString());
        assertEquals("Identity()", new Identity().toString());
        assertEquals("Tanh()", new Tanh().toString());
        assertEquals("Sequential()", new Sequential().toString());
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-05", PyRepr.floating(1e-5));
        assertEquals("0.0001", PyRepr.floating(1e-4));
        assertEquals("0.1", PyRepr.floating(0.1));
        assertEquals("1.0", PyRepr.floating(1));
        assertEquals("2.5e-07", PyRepr.floating(2.5e-7));
        assertEquals("1e+16", PyRepr.floating(1e16));
        assertEquals("123456.5", PyRepr.floating(123456.5));
        assertEquals("-0.5", PyRepr.floating(-0.5));
    }
}
