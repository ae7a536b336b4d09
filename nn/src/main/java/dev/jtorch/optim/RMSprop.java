package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, as {@code torch.optim.RMSprop}: a running average of squared gradients (smoothing {@code alpha}),
 * optionally centered by the running average of gradients, with optional momentum and L2 weight decay.
 */
public final class RMSprop extends Optimizer {
    /** RMSprop's hyper-parameters; {@link #options()} gives PyTorch's defaults. */
    public record Options(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered, boolean maximize) {
        public Options lr(double v) { return new Options(v, alpha, eps, weightDecay, momentum, centered, maximize); }
        public Options alpha(double v) { return new Options(lr, v, eps, weightDecay, momentum, centered, maximize); }
        public Options eps(double v) { return new Options(lr, alpha, v, weightDecay, momentum, centered, maximize); }
        public Options weightDecay(double v) { return new Options(lr, alpha, eps, v, momentum, centered, maximize); }
        public Options momentum(double v) { return new Options(lr, alpha, eps, weightDecay, v, centered, maximize); }
        public Options centered(boolean v) { return new Options(lr, alpha, eps, weightDecay, momentum, v, maximize); }
        public Options maximize(boolean v) { return new Options(lr, alpha, eps, weightDecay, momentum, centered, v); }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("alpha", alpha);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("momentum", momentum);
            m.put("centered", centered);
            m.put("maximize", maximize);
            return m;
        }
    }

    /** {@code lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False}. */
    public static Options options() { return new Options(1e-2, 0.99, 1e-8, 0, 0, false, false); }

    public RMSprop(Iterable<Tensor> params) { this(oneGroup(params), options()); }
    public RMSprop(Iterable<Tensor> params, double lr) { this(oneGroup(params), options().lr(lr)); }
    public RMSprop(Iterable<Tensor> params, Options options) { this(oneGroup(params), options); }
    public RMSprop(List<ParamGroup> groups, Options defaults) { super(groups, defaults.toMap()); }

    @Override protected void validate(ParamGroup g) {
        checkNonNegative(g, "lr", "learning rate");
        checkNonNegative(g, "eps", "epsilon value");
        checkNonNegative(g, "momentum", "momentum value");
        checkNonNegative(g, "weight_decay", "weight_decay value");
        checkNonNegative(g, "alpha", "alpha value");
    }

    @Override protected void update(ParamGroup g) {
        double lr = g.lr(), alpha = g.getDouble("alpha"), eps = g.getDouble("eps"), weightDecay = g.getDouble("weight_decay"), momentum = g.getDouble("momentum");
        boolean centered = g.getBoolean("centered");
        for (Tensor p : g.params()) {
            if (p.grad() == null) continue;
            Tensor grad = direction(g, p);
            Map<String, Object> s = state(p);
            if (s.isEmpty()) {
                s.put("step", stepCounter());
                s.put("square_avg", zerosState(p));
                if (momentum > 0) s.put("momentum_buffer", zerosState(p));
                if (centered) s.put("grad_avg", zerosState(p));
            }
            incrementStep((Tensor) s.get("step"));
            if (weightDecay != 0) grad = grad.add(p, weightDecay);
            Tensor squareAvg = (Tensor) s.get("square_avg");
            squareAvg.mul_(alpha).add_(grad.mul(grad), 1 - alpha);
            Tensor avg;
            if (centered) {
                Tensor gradAvg = (Tensor) s.computeIfAbsent("grad_avg", k -> zerosState(p));
                gradAvg.add_(grad.sub(gradAvg), 1 - alpha); // lerp toward the gradient
                avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
            } else {
                avg = squareAvg.sqrt();
            }
            avg = avg.add(eps);
            if (momentum > 0) {
                Tensor buf = (Tensor) s.computeIfAbsent("momentum_buffer", k -> zerosState(p));
                buf.mul_(momentum).add_(grad.div(avg));
                p.add_(buf, -lr);
            } else {
                p.add_(grad.div(avg), -lr);
            }
        }
    }
}
