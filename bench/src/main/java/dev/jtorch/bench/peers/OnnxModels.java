package dev.jtorch.bench.peers;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The latency benchmark's models written as ONNX without Python: the {@code ModelProto} is built with the ONNX
 * protobuf classes generated from {@code onnx-ml.proto} that {@code org.tribuo:tribuo-util-onnx} ships
 * ({@code ai.onnx.proto.OnnxMl}, protobuf-java 3.25), IR version 8, default-domain opset 17.
 *
 * <p>Every model comes with its parameters under PyTorch's {@code state_dict} names and layouts
 * ({@code fc1.weight} is {@code [out, in]}, {@code lstm.weight_ih_l0} is {@code [4H, I]} with gates i, f, g, o),
 * so the same numbers can be loaded into the jtorch model; the ONNX graph holds them converted where ONNX differs
 * (LSTM gate order i, o, f, c and the {@code [1, 8H]} bias).
 */
public final class OnnxModels {
    public static final int IR_VERSION = 8;
    public static final int OPSET = 17;

    /** A serialized model and the parameters in it, under PyTorch names, with their PyTorch shapes. */
    public record Model(String name, byte[] bytes, Map<String, float[]> params, Map<String, long[]> shapes) {}

    private OnnxModels() {}

    // ---------------------------------------------------------------------------------------------------
    // Models
    // ---------------------------------------------------------------------------------------------------

    /** MLP 784-256-10: {@code fc2(relu(fc1(x)))}; input {@code x [N, 784]}, output logits {@code [N, 10]}. */
    public static Model mlp(long seed) {
        Params p = new Params(seed);
        p.linear("fc1", 784, 256);
        p.linear("fc2", 256, 10);
        Graph g = new Graph("mlp");
        g.input("x", "N", 784L);
        String h = g.node("Relu", g.gemm("x", p, "fc1"));
        g.output(g.gemm(h, p, "fc2"), "logits", "N", 10L);
        return g.model(p);
    }

    /**
     * LeNet-5 (the classic layout with ReLU and max pooling): conv1 1->6 5x5 pad 2, relu, maxpool 2; conv2 6->16
     * 5x5, relu, maxpool 2; flatten; fc1 400->120, relu; fc2 120->84, relu; fc3 84->10. Input {@code [N, 1, 28, 28]}.
     */
    public static Model lenet5(long seed) {
        Params p = new Params(seed);
        p.conv("conv1", 1, 6, 5);
        p.conv("conv2", 6, 16, 5);
        p.linear("fc1", 400, 120);
        p.linear("fc2", 120, 84);
        p.linear("fc3", 84, 10);
        Graph g = new Graph("lenet5");
        g.input("x", "N", 1L, 28L, 28L);
        String t = g.conv("x", p, "conv1", 2);
        t = g.maxPool(g.node("Relu", t), 2);
        t = g.conv(t, p, "conv2", 0);
        t = g.maxPool(g.node("Relu", t), 2);
        t = g.node("Flatten", List.of(t), Map.of("axis", 1L));
        t = g.node("Relu", g.gemm(t, p, "fc1"));
        t = g.node("Relu", g.gemm(t, p, "fc2"));
        g.output(g.gemm(t, p, "fc3"), "logits", "N", 10L);
        return g.model(p);
    }

    /**
     * The forecasting model of the examples ({@code MultiStepLSTM}): a stacked LSTM {@code nn.LSTM(inputSize, hidden,
     * num_layers=layers)}, sequence-first, then {@code fc} from the last layer's final hidden state to {@code horizon}
     * outputs. Input {@code x [T, N, inputSize]}, output {@code [N, horizon]}. Each layer is its own ONNX LSTM node;
     * a layer's {@code Y [T, 1, N, H]} is squeezed to {@code [T, N, H]} to feed the next.
     */
    public static Model forecastLstm(long seed, int inputSize, int hidden, int layers, int horizon) {
        Params p = new Params(seed);
        double k = 1 / Math.sqrt(hidden);
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? inputSize : hidden;
            p.uniform("lstm.weight_ih_l" + l, k, 4L * hidden, in);
            p.uniform("lstm.weight_hh_l" + l, k, 4L * hidden, hidden);
            p.uniform("lstm.bias_ih_l" + l, k, 4L * hidden);
            p.uniform("lstm.bias_hh_l" + l, k, 4L * hidden);
        }
        p.linear("fc", hidden, horizon);
        Graph g = new Graph("lstm");
        g.input("x", "T", "N", (long) inputSize);
        String axis0 = g.init("axes0", new long[] {0}), axis1 = layers > 1 ? g.init("axes1", new long[] {1}) : null;
        String sequence = "x", lastHidden = null;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? inputSize : hidden;
            String layer = "lstm_l" + l;
            // ONNX: W [1, 4H, I], R [1, 4H, H], B [1, 8H] = [Wb, Rb], gates in the order i, o, f, c (PyTorch: i, f, g, o).
            String w = g.init(layer + "_W", ifgoToIofc(p.get("lstm.weight_ih_l" + l), hidden), 1, 4L * hidden, in);
            String r = g.init(layer + "_R", ifgoToIofc(p.get("lstm.weight_hh_l" + l), hidden), 1, 4L * hidden, hidden);
            float[] b = new float[8 * hidden];
            System.arraycopy(ifgoToIofc(p.get("lstm.bias_ih_l" + l), hidden), 0, b, 0, 4 * hidden);
            System.arraycopy(ifgoToIofc(p.get("lstm.bias_hh_l" + l), hidden), 0, b, 4 * hidden, 4 * hidden);
            String bias = g.init(layer + "_B", b, 1, 8L * hidden);
            g.g.addNode(NodeProto.newBuilder().setOpType("LSTM").setName(layer)
                    .addInput(sequence).addInput(w).addInput(r).addInput(bias)
                    .addOutput(layer + "_y").addOutput(layer + "_h").addOutput(layer + "_c")
                    .addAttribute(attr("hidden_size", (long) hidden)));
            if (l < layers - 1) sequence = g.node("Squeeze", List.of(layer + "_y", axis1), Map.of()); // [T, 1, N, H] -> [T, N, H]
            lastHidden = layer + "_h";
        }
        String h = g.node("Squeeze", List.of(lastHidden, axis0), Map.of()); // [1, N, H] -> [N, H]
        g.output(g.gemm(h, p, "fc"), "forecast", "N", (long) horizon);
        return g.model(p);
    }

    /** Reorders PyTorch's [i, f, g, o] row blocks (each {@code hidden} rows) into ONNX's [i, o, f, c]. */
    static float[] ifgoToIofc(float[] w, int hidden) {
        int block = w.length / 4;
        float[] out = new float[w.length];
        int[] from = {0, 3, 1, 2}; // ONNX block j takes PyTorch block from[j]
        for (int j = 0; j < 4; j++) System.arraycopy(w, from[j] * block, out, j * block, block);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // Parameters, initialized like PyTorch's defaults (uniform in +-1/sqrt(fan_in)), from a seed
    // ---------------------------------------------------------------------------------------------------

    static final class Params {
        final SplittableRandom rnd;
        final Map<String, float[]> values = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();

        Params(long seed) { rnd = new SplittableRandom(seed); }

        float[] get(String name) { return values.get(name); }

        void uniform(String name, double bound, long... shape) {
            long n = 1;
            for (long d : shape) n *= d;
            float[] v = new float[Math.toIntExact(n)];
            for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            values.put(name, v);
            shapes.put(name, shape.clone());
        }

        void linear(String name, int in, int out) {
            double k = 1 / Math.sqrt(in);
            uniform(name + ".weight", k, out, in);
            uniform(name + ".bias", k, out);
        }

        void conv(String name, int in, int out, int kernel) {
            double k = 1 / Math.sqrt((double) in * kernel * kernel);
            uniform(name + ".weight", k, out, in, kernel, kernel);
            uniform(name + ".bias", k, out);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // A minimal graph builder over the generated protobuf classes
    // ---------------------------------------------------------------------------------------------------

    static final class Graph {
        final GraphProto.Builder g = GraphProto.newBuilder();
        private final String name;
        private int counter;

        Graph(String name) { this.name = name; g.setName(name); }

        void input(String n, Object... dims) { g.addInput(valueInfo(n, dims)); }

        void output(String produced, String n, Object... dims) {
            g.addNode(NodeProto.newBuilder().setOpType("Identity").setName(n).addInput(produced).addOutput(n));
            g.addOutput(valueInfo(n, dims));
        }

        String init(String n, float[] data, long... dims) {
            ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bb.asFloatBuffer().put(data);
            TensorProto.Builder t = TensorProto.newBuilder().setName(n)
                    .setDataType(TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(bb.array()));
            for (long d : dims) t.addDims(d);
            g.addInitializer(t);
            return n;
        }

        String init(String n, long[] data) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(n)
                    .setDataType(TensorProto.DataType.INT64.getNumber()).addDims(data.length);
            for (long v : data) t.addInt64Data(v);
            g.addInitializer(t);
            return n;
        }

        String param(Params p, String n) {
            return init(n, p.get(n), p.shapes.get(n));
        }

        String node(String op, String input) { return node(op, List.of(input), Map.of()); }

        String node(String op, List<String> inputs, Map<String, Object> attrs) {
            String out = op.toLowerCase() + "_" + (counter++);
            NodeProto.Builder nb = NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(inputs).addOutput(out);
            for (Map.Entry<String, Object> e : attrs.entrySet()) nb.addAttribute(attr(e.getKey(), e.getValue()));
            g.addNode(nb);
            return out;
        }

        /** {@code x W^T + b} with {@code W} in nn.Linear's [out, in] layout. */
        String gemm(String x, Params p, String layer) {
            return node("Gemm", List.of(x, param(p, layer + ".weight"), param(p, layer + ".bias")), Map.of("transB", 1L));
        }

        String conv(String x, Params p, String layer, int pad) {
            long[] w = p.shapes.get(layer + ".weight");
            return node("Conv", List.of(x, param(p, layer + ".weight"), param(p, layer + ".bias")),
                    Map.of("kernel_shape", new long[] {w[2], w[3]}, "pads", new long[] {pad, pad, pad, pad},
                            "strides", new long[] {1, 1}));
        }

        String maxPool(String x, int k) {
            return node("MaxPool", List.of(x), Map.of("kernel_shape", new long[] {k, k}, "strides", new long[] {k, k}));
        }

        Model model(Params p) {
            ModelProto m = ModelProto.newBuilder()
                    .setIrVersion(IR_VERSION)
                    .setProducerName("jtorch-bench")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                    .setGraph(g)
                    .build();
            return new Model(name, m.toByteArray(), Collections.unmodifiableMap(p.values),
                    Collections.unmodifiableMap(p.shapes));
        }

        private static ValueInfoProto valueInfo(String n, Object... dims) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (Object d : dims) {
                TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
                if (d instanceof String s) db.setDimParam(s); else db.setDimValue(((Number) d).longValue());
                shape.addDim(db);
            }
            TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
            return ValueInfoProto.newBuilder().setName(n).setType(type).build();
        }
    }

    static AttributeProto attr(String name, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (v) {
            case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
            case Integer i -> a.setType(AttributeProto.AttributeType.INT).setI(i);
            case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            case String s -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
            case long[] ls -> {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long l : ls) a.addInts(l);
            }
            default -> throw new IllegalArgumentException("unsupported attribute " + name + ": " + v);
        }
        return a.build();
    }
}
