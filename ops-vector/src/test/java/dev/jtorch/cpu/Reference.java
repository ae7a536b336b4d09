package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.UnaryOp;

/**
 * Plain, independent statements of what PyTorch computes for one element, for the tests to compare the
 * kernels with. Written from PyTorch's documentation, not from the kernels' code.
 */
final class Reference {
    private Reference() {}

    static double binary(BinaryOp op, DType t, double x, double y) {
        double r;
        if (t.isFloatingPoint()) {
            r = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
                case POW -> Math.pow(x, y);
                case MAXIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : (x > y ? x : y);
                case MINIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : (x < y ? x : y);
                default -> compare(op, x, y);
            };
        } else {
            long a = (long) x, b = (long) y;
            r = switch (op) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
                case POW -> intPow(a, b);
                case MAXIMUM -> a > b ? a : b;
                case MINIMUM -> a < b ? a : b;
                default -> compare(op, x, y);
            };
        }
        return op.writesBool() ? r : store(t, r);
    }

    private static double compare(BinaryOp op, double x, double y) {
        boolean v = switch (op) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
            case LOGICAL_AND -> x != 0 && y != 0;
            case LOGICAL_OR -> x != 0 || y != 0;
            default -> throw new IllegalArgumentException(op.name());
        };
        return v ? 1 : 0;
    }

    private static long intPow(long base, long exp) {
        if (exp < 0) return base == 1 ? 1 : base == -1 ? (exp % 2 == 0 ? 1 : -1) : 0;
        long r = 1;
        for (long i = 0; i < exp; i++) r *= base;
        return r;
    }

    static double unary(UnaryOp op, DType t, double x) {
        double r = switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case RELU -> Double.isNaN(x) ? x : Math.max(x, 0);
            case ERF -> erfSeries(x);
            case SIGN -> x > 0 ? 1 : x < 0 ? -1 : 0;
            case LOGICAL_NOT -> x == 0 ? 1 : 0;
        };
        return op == UnaryOp.LOGICAL_NOT ? r : store(t, r);
    }

    /** erf by its Taylor series (|x| <= 2) or the continued fraction of erfc, to ~1e-15. */
    static double erfSeries(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax <= 2) {   // beyond 2 the alternating series cancels too much
            double term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int n = 300; n >= 1; n--) f = n / 2.0 / (ax + f);
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }

    /** What storing a double into dtype t keeps: float rounding, C truncation, bool test. */
    static double store(DType t, double v) {
        return switch (t) {
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case INT64 -> (long) v;
            case INT32 -> (int) (long) v;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }
}
