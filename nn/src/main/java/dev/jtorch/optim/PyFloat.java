package dev.jtorch.optim;

import java.math.BigDecimal;

/** Python's {@code repr(float)}, so messages read as PyTorch's ({@code 1e-08}, {@code 0.001}, {@code -1.0}). */
final class PyFloat {
    private PyFloat() {}

    static String repr(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        // Java and Python both print the shortest digits that round-trip; only the layout differs
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = d.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
        return sign + mantissa + "e" + exp;
    }

    /** A Python literal for an option value: floats as above, booleans as True/False, lists as tuples. */
    static String value(Object o) {
        if (o instanceof Double d) return repr(d);
        if (o instanceof Float f) return repr(f);
        if (o instanceof Boolean b) return b ? "True" : "False";
        if (o == null) return "None";
        if (o instanceof java.util.List<?> l) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < l.size(); i++) sb.append(i == 0 ? "" : ", ").append(value(l.get(i)));
            return sb.append(l.size() == 1 ? ",)" : ")").toString();
        }
        return String.valueOf(o);
    }
}
