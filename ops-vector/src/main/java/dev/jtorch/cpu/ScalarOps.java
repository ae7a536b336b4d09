package dev.jtorch.cpu;

import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.UnaryOp;

/**
 * What each elementwise op means on one element, in double (floating dtypes) and long (integer and bool
 * dtypes) arithmetic, as PyTorch defines it. Every kernel's generic path calls these, and the vector fast
 * paths must agree with them: they are the reference. Results that are bool come out as 1 or 0.
 */
final class ScalarOps {
    private ScalarOps() {}

    static double unary(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0.0;
            case ERF -> Erf.erf(x);
            // (0 < x) - (x < 0), as PyTorch computes it: sign(0) = 0
            case SIGN -> x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
            case LOGICAL_NOT -> x == 0 ? 1.0 : 0.0;
        };
    }

    static long unary(UnaryOp op, long x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case RELU -> Math.max(x, 0);
            case SIGN -> Long.signum(x);
            case LOGICAL_NOT -> x == 0 ? 1 : 0;
            case EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID, ERF ->
                    throw new UnsupportedOperationException(op.name().toLowerCase() + " is only implemented for floating point tensors");
        };
    }

    static double binary(BinaryOp op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> Math.pow(x, y);
            case MAXIMUM -> Math.max(x, y);   // NaN in either operand gives NaN, as torch.maximum
            case MINIMUM -> Math.min(x, y);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case LOGICAL_AND -> x != 0 && y != 0 ? 1 : 0;
            case LOGICAL_OR -> x != 0 || y != 0 ? 1 : 0;
        };
    }

    static long binary(BinaryOp op, long x, long y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> {
                if (y == 0) throw new ArithmeticException("ZeroDivisionError: integer division by zero");
                yield x / y;
            }
            case POW -> integerPow(x, y);
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case LOGICAL_AND -> x != 0 && y != 0 ? 1 : 0;
            case LOGICAL_OR -> x != 0 || y != 0 ? 1 : 0;
        };
    }

    /** Integer power by squaring (wrapping on overflow); a negative exponent gives 0 unless |base| is 1, as PyTorch. */
    static long integerPow(long base, long exp) {
        if (exp < 0) {
            if (base == 1) return 1;
            if (base == -1) return (exp & 1) == 0 ? 1 : -1;
            return 0;
        }
        long result = 1;
        while (exp > 0) {
            if ((exp & 1) != 0) result *= base;
            base *= base;
            exp >>= 1;
        }
        return result;
    }
}
