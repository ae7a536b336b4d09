package dev.jtorch.nn;

import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Tensor;

/**
 * Parameter initialisation, as {@code torch.nn.init}: every function fills its tensor in place without
 * recording autograd history, draws from the default {@link Generator} (so a seeded run is repeatable),
 * and returns the tensor.
 */
public final class Init {
    private Init() {}

    /** Whether fan-based scaling uses the input or the output fan. */
    public enum FanMode {
        FAN_IN, FAN_OUT;

        /** PyTorch's spelling: "fan_in" or "fan_out". */
        public static FanMode parse(String mode) {
            return switch (mode) {
                case "fan_in" -> FAN_IN;
                case "fan_out" -> FAN_OUT;
                default -> throw new IllegalArgumentException("Mode " + mode + " not supported, please use one of fan_in, fan_out");
            };
        }
    }

    /** Fan in and fan out of a weight: dims 1 and 0 times the receptive field (the product of dims 2...). */
    public record Fans(long fanIn, long fanOut) {}

    public static Fans calculateFanInAndFanOut(Tensor tensor) {
        if (tensor.dim() < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        }
        long receptive = 1;
        for (int i = 2; i < tensor.dim(); i++) receptive *= tensor.size(i);
        return new Fans(tensor.size(1) * receptive, tensor.size(0) * receptive);
    }

    /** The recommended gain for a nonlinearity, as {@code calculate_gain}; {@code param} is leaky_relu's slope. */
    public static double calculateGain(String nonlinearity, Double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid" -> 1;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> {
                double slope = param == null ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        };
    }

    public static double calculateGain(String nonlinearity) { return calculateGain(nonlinearity, null); }

    // ---- fan-based ----

    /** Uniform on {@code [-b, b]} with {@code b = gain * sqrt(3 / fan)}, as {@code kaiming_uniform_}. */
    public static Tensor kaimingUniform_(Tensor tensor, double a, FanMode mode, String nonlinearity) {
        if (tensor.numel() == 0) return tensor;
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(tensor, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform_(tensor, -bound, bound);
    }

    /** {@code kaiming_uniform_(tensor, a)} with fan_in and leaky_relu, the form Linear and Conv use with a = sqrt(5). */
    public static Tensor kaimingUniform_(Tensor tensor, double a) { return kaimingUniform_(tensor, a, FanMode.FAN_IN, "leaky_relu"); }
    public static Tensor kaimingUniform_(Tensor tensor) { return kaimingUniform_(tensor, 0); }

    public static Tensor kaimingUniform_(Tensor tensor, double a, String mode, String nonlinearity) {
        return kaimingUniform_(tensor, a, FanMode.parse(mode), nonlinearity);
    }

    /** Normal with std {@code gain / sqrt(fan)}, as {@code kaiming_normal_}. */
    public static Tensor kaimingNormal_(Tensor tensor, double a, FanMode mode, String nonlinearity) {
        if (tensor.numel() == 0) return tensor;
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(tensor, mode));
        return normal_(tensor, 0, std);
    }

    public static Tensor kaimingNormal_(Tensor tensor, double a) { return kaimingNormal_(tensor, a, FanMode.FAN_IN, "leaky_relu"); }
    public static Tensor kaimingNormal_(Tensor tensor) { return kaimingNormal_(tensor, 0); }

    public static Tensor kaimingNormal_(Tensor tensor, double a, String mode, String nonlinearity) {
        return kaimingNormal_(tensor, a, FanMode.parse(mode), nonlinearity);
    }

    /** Uniform on {@code [-b, b]} with {@code b = gain * sqrt(6 / (fan_in + fan_out))}, as {@code xavier_uniform_}. */
    public static Tensor xavierUniform_(Tensor tensor, double gain) {
        Fans f = calculateFanInAndFanOut(tensor);
        double bound = Math.sqrt(3.0) * gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
        return uniform_(tensor, -bound, bound);
    }

    public static Tensor xavierUniform_(Tensor tensor) { return xavierUniform_(tensor, 1); }

    /** Normal with std {@code gain * sqrt(2 / (fan_in + fan_out))}, as {@code xavier_normal_}. */
    public static Tensor xavierNormal_(Tensor tensor, double gain) {
        Fans f = calculateFanInAndFanOut(tensor);
        return normal_(tensor, 0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())));
    }

    public static Tensor xavierNormal_(Tensor tensor) { return xavierNormal_(tensor, 1); }

    private static long fan(Tensor tensor, FanMode mode) {
        Fans f = calculateFanInAndFanOut(tensor);
        return mode == FanMode.FAN_IN ? f.fanIn() : f.fanOut();
    }

    // ---- plain fills ----

    public static Tensor uniform_(Tensor tensor, double a, double b) {
        try (var g = GradMode.noGrad()) {
            return tensor.uniform_(a, b, Generator.defaultGenerator());
        }
    }

    public static Tensor uniform_(Tensor tensor) { return uniform_(tensor, 0, 1); }

    public static Tensor normal_(Tensor tensor, double mean, double std) {
        try (var g = GradMode.noGrad()) {
            return tensor.normal_(mean, std, Generator.defaultGenerator());
        }
    }

    public static Tensor normal_(Tensor tensor) { return normal_(tensor, 0, 1); }

    public static Tensor constant_(Tensor tensor, double value) {
        try (var g = GradMode.noGrad()) {
            return tensor.fill_(value);
        }
    }

    public static Tensor zeros_(Tensor tensor) { return constant_(tensor, 0); }
    public static Tensor ones_(Tensor tensor) { return constant_(tensor, 1); }
}
