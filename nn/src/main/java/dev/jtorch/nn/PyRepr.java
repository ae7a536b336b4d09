package dev.jtorch.nn;

import java.math.BigDecimal;

/** Python's repr of the values that module reprs print: floats ({@code 1e-05}), bools, tuples. */
final class PyRepr {
    private PyRepr() {}

    static String bool(boolean b) { return b ? "True" : "False"; }

    /** Python's {@code repr(float)}: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
    static String floating(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale(); // decimal exponent of the leading digit
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String exp = String.format("%02d", Math.abs(exponent));
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
        }
        String plain = exact.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** A Python tuple of ints: {@code (5,)} or {@code (5, 5)}. */
    static String tuple(int[] values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ", ").append(values[i]);
        return sb.append(values.length == 1 ? ",)" : ")").toString();
    }

    static String tuple(long[] values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ", ").append(values[i]);
        return sb.append(values.length == 1 ? ",)" : ")").toString();
    }

    /** An argument the user gave as an int or a pair, printed as given: {@code 2} or {@code (2, 2)}. */
    static String intOrTuple(int[] given) { return given.length == 1 ? Integer.toString(given[0]) : tuple(given); }
}
