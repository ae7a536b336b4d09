package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight decay and
 * maximization, as {@code torch.optim.SGD}. The momentum buffer starts as the first step's gradient (no
 * dampening on that step), as PyTorch.
 */
public final class SGD extends Optimizer {
    /** SGD's hyper-parameters; {@link #options()} gives PyTorch's defaults ({@code lr=1e-3}, everything else off). */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        public Options lr(double v) { return new Options(v, momentum, dampening, weightDecay, nesterov, maximize); }
        public Options momentum(double v) { return new Options(lr, v, dampening, weightDecay, nesterov, maximize); }
        public Options dampening(double v) { return new Options(lr, momentum, v, weightDecay, nesterov, maximize); }
        public Options weightDecay(double v) { return new Options(lr, momentum, dampening, v, nesterov, maximize); }
        public Options nesterov(boolean v) { return new Options(lr, momentum, dampening, weightDecay, v, maximize); }
        public Options maximize(boolean v) { return new Options(lr, momentum, dampening, weightDecay, nesterov, v); }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("momentum", momentum);
            m.put("dampening", dampening);
            m.put("weight_decay", weightDecay);
            m.put("nesterov", nesterov);
            m.put("maximize", maximize);
            return m;
        }
    }

    public static Options options() { return new Options(1e-3, 0, 0, 0, false, false); }

    public SGD(Iterable<Tensor> params, double lr) { this(oneGroup(params), options().lr(lr)); }
    public SGD(Iterable<Tensor> params, Options options) { this(oneGroup(params), options); }
    /** Groups may override any option by its PyTorch key ({@code "lr"}, {@code "momentum"}, ...). */
    public SGD(List<ParamGroup> groups, Options defaults) { super(groups, defaults.toMap()); }

    @Override protected void validate(ParamGroup g) {
        checkNonNegative(g, "lr", "learning rate");
        checkNonNegative(g, "momentum", "momentum value");
        checkNonNegative(g, "weight_decay", "weight_decay value");
        if (g.getBoolean("nesterov") && (g.getDouble("momentum") <= 0 || g.getDouble("dampening") != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
    }

    @Override protected void update(ParamGroup g) {
        double lr = g.lr(), momentum = g.getDouble("momentum"), dampening = g.getDouble("dampening"), weightDecay = g.getDouble("weight_decay");
        boolean nesterov = g.getBoolean("nesterov");
        for (Tensor p : g.params()) {
            if (p.grad() == null) continue;
            Tensor d = direction(g, p);
            if (weightDecay != 0) d = d.add(p, weightDecay);
            if (momentum != 0) {
                Map<String, Object> s = state(p);
                Tensor buf = (Tensor) s.get("momentum_buffer");
                if (buf == null) {
                    buf = d.clone().persistent();
                    s.put("momentum_buffer", buf);
                } else {
                    buf.mul_(momentum).add_(d, 1 - dampening);
                }
                d = nesterov ? d.add(buf, momentum) : buf;
            }
            p.add_(d, -lr);
        }
    }
}
