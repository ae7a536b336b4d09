package dev.jtorch.tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints tensors as PyTorch's {@code _tensor_str} does with its default print options: precision 4,
 * line width 80, summarised (3 edge items) above 1000 elements; floats that are all integral print as
 * {@code 1.}, wide-ranging ones in scientific notation; dtype, device and autograd suffixes as PyTorch's.
 */
final class TensorFormatter {
    private static final int PRECISION = 4, LINE_WIDTH = 80, THRESHOLD = 1000, EDGE = 3;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {}

    static String format(Tensor t) {
        Tensor cpu = t.device().isCpu() ? t : t.detach().to(Device.CPU);
        List<String> suffixes = new ArrayList<>();
        if (!t.device().isCpu()) suffixes.add("device='" + t.device() + "'");
        String body;
        if (t.numel() == 0) {
            body = "[]";
            if (t.dim() != 1) suffixes.add("size=(" + joinShape(t.shape()) + ")");
        } else {
            double[] values;
            try (var g = GradMode.noGrad()) {
                values = cpu.toDoubleArray();
            }
            boolean summarize = t.numel() > THRESHOLD;
            Element fmt = Element.of(t.dtype(), summarizedValues(values, t.shape(), summarize));
            body = t.dim() == 0 ? fmt.format(values[0]) : nested(values, t.shape(), t.strides().length == 0 ? new long[0] : Shapes.contiguousStrides(t.shape()), 0, 0, PREFIX.length(), summarize, fmt);
        }
        DType d = t.dtype();
        if (d != DType.FLOAT32 && d != DType.INT64 && d != DType.BOOL) suffixes.add("dtype=" + d);
        else if (t.numel() == 0 && d != DType.FLOAT32) suffixes.add("dtype=" + d);
        if (t.gradFn() != null) suffixes.add("grad_fn=<" + t.gradFn().name() + ">");
        else if (t.requiresGrad()) suffixes.add("requires_grad=True");
        StringBuilder sb = new StringBuilder(PREFIX).append(body);
        // as PyTorch's _add_suffixes, including its count of the last line, which starts 2 above the real length
        int lastLine = sb.length() - sb.lastIndexOf("\n") + 1;
        for (String s : suffixes) {
            if (lastLine + s.length() + 2 > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(PREFIX.length()));
                lastLine = PREFIX.length() + s.length();
            } else {
                sb.append(", ");
                lastLine += s.length() + 2;
            }
            sb.append(s);
        }
        return sb.append(')').toString();
    }

    private static String joinShape(long[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
        if (shape.length == 1) sb.append(',');
        return sb.toString();
    }

    private static String nested(double[] v, long[] shape, long[] strides, int dim, long base, int indent, boolean summarize, Element fmt) {
        long n = shape[dim];
        boolean cut = summarize && n > 2 * EDGE;
        List<String> parts = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                parts.add(dim == shape.length - 1 ? " ..." : "..."); // PyTorch's vector summary is " ..."
                i = n - EDGE - 1;
                continue;
            }
            long at = base + i * strides[dim];
            parts.add(dim == shape.length - 1 ? fmt.format(v[(int) at]) : nested(v, shape, strides, dim + 1, at, indent + 1, summarize, fmt));
        }
        if (dim < shape.length - 1) {
            String sep = "," + "\n".repeat(shape.length - 1 - dim) + " ".repeat(indent + 1);
            return "[" + String.join(sep, parts) + "]";
        }
        int perLine = Math.max(1, (LINE_WIDTH - indent) / (fmt.width + 2));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < parts.size(); i += perLine) lines.add(String.join(", ", parts.subList(i, Math.min(parts.size(), i + perLine))));
        return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }

    /** The values that get printed, so the width and mode follow only them, as PyTorch's summarised data. */
    private static double[] summarizedValues(double[] v, long[] shape, boolean summarize) {
        if (!summarize) return v;
        List<Double> out = new ArrayList<>();
        collect(v, shape, Shapes.contiguousStrides(shape), 0, 0, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(double[] v, long[] shape, long[] strides, int dim, long base, List<Double> out) {
        if (shape.length == 0) {
            out.add(v[0]);
            return;
        }
        long n = shape[dim];
        for (long i = 0; i < n; i++) {
            if (n > 2 * EDGE && i == EDGE) i = n - EDGE;
            long at = base + i * strides[dim];
            if (dim == shape.length - 1) out.add(v[(int) at]);
            else collect(v, shape, strides, dim + 1, at, out);
        }
    }

    /** How one element prints, and the width all elements are padded to. */
    private static final class Element {
        enum Mode { BOOL, INT, FLOAT_INT, FLOAT_SCI, FLOAT_FIXED }

        final Mode mode;
        int width;

        private Element(Mode mode) { this.mode = mode; }

        static Element of(DType dtype, double[] values) {
            Mode mode;
            if (dtype == DType.BOOL) mode = Mode.BOOL;
            else if (!dtype.isFloatingPoint()) mode = Mode.INT;
            else mode = floatMode(values);
            Element e = new Element(mode);
            e.width = 1;
            for (double x : values) {
                // PyTorch's _Formatter measures floats over their nonzero finite values only
                if (dtype.isFloatingPoint() && (x == 0 || Double.isNaN(x) || Double.isInfinite(x))) continue;
                e.width = Math.max(e.width, e.raw(x).length());
            }
            return e;
        }

        private static Mode floatMode(double[] values) {
            boolean intMode = true, any = false;
            double max = 0, min = Double.MAX_VALUE;
            for (double x : values) {
                if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) continue;
                any = true;
                double a = Math.abs(x);
                max = Math.max(max, a);
                min = Math.min(min, a);
                if (x != Math.ceil(x)) intMode = false;
            }
            if (!any) return Mode.FLOAT_INT;
            if (intMode) return max / min > 1000 || max > 1e8 ? Mode.FLOAT_SCI : Mode.FLOAT_INT;
            return max / min > 1000 || max > 1e8 || min < 1e-4 ? Mode.FLOAT_SCI : Mode.FLOAT_FIXED;
        }

        String raw(double x) {
            return switch (mode) {
                case BOOL -> x != 0 ? "True" : "False";
                case INT -> Long.toString((long) x);
                default -> {
                    if (Double.isNaN(x)) yield "nan";
                    if (Double.isInfinite(x)) yield x > 0 ? "inf" : "-inf";
                    yield switch (mode) {
                        case FLOAT_INT -> String.format(Locale.ROOT, "%.0f", x) + ".";
                        case FLOAT_SCI -> sci(x);
                        default -> fixed(x);
                    };
                }
            };
        }

        /** Python's {@code f"{x:.4f}"}: the exact binary value rounded half-even (Java's %f rounds half-up). */
        static String fixed(double x) {
            String s = new BigDecimal(x).setScale(PRECISION, RoundingMode.HALF_EVEN).toPlainString();
            return Math.copySign(1, x) < 0 && !s.startsWith("-") ? "-" + s : s;
        }

        /** Python's {@code f"{x:.4e}"}: mantissa rounded half-even, exponent signed with at least two digits. */
        static String sci(double x) {
            String sign = Math.copySign(1, x) < 0 ? "-" : "";
            if (x == 0) return sign + "0." + "0".repeat(PRECISION) + "e+00";
            BigDecimal r = new BigDecimal(Math.abs(x)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
            int exp = r.precision() - r.scale() - 1;
            String mantissa = r.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN).toPlainString();
            String e = Integer.toString(Math.abs(exp));
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }

        String format(double x) {
            String s = raw(x);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }
}
