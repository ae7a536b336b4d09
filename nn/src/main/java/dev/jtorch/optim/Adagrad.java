package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adagrad, as {@code torch.optim.Adagrad}: each parameter's step is divided by the root of its summed squared
 * gradients; the learning rate decays as {@code lr / (1 + (step - 1) * lr_decay)}. Its state starts with the
 * optimizer (sum = {@code initial_accumulator_value}), as PyTorch's does.
 */
public final class Adagrad extends Optimizer {
    /** Adagrad's hyper-parameters; {@link #options()} gives PyTorch's defaults. */
    public record Options(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps, boolean maximize) {
        public Options lr(double v) { return new Options(v, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize); }
        public Options lrDecay(double v) { return new Options(lr, v, weightDecay, initialAccumulatorValue, eps, maximize); }
        public Options weightDecay(double v) { return new Options(lr, lrDecay, v, initialAccumulatorValue, eps, maximize); }
        public Options initialAccumulatorValue(double v) { return new Options(lr, lrDecay, weightDecay, v, eps, maximize); }
        public Options eps(double v) { return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, v, maximize); }
        public Options maximize(boolean v) { return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, v); }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("lr_decay", lrDecay);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("initial_accumulator_value", initialAccumulatorValue);
            m.put("maximize", maximize);
            return m;
        }
    }

    /** {@code lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10}. */
    public static Options options() { return new Options(1e-2, 0, 0, 0, 1e-10, false); }

    public Adagrad(Iterable<Tensor> params) { this(oneGroup(params), options()); }
    public Adagrad(Iterable<Tensor> params, double lr) { this(oneGroup(params), options().lr(lr)); }
    public Adagrad(Iterable<Tensor> params, Options options) { this(oneGroup(params), options); }
    public Adagrad(List<ParamGroup> groups, Options defaults) { super(groups, defaults.toMap()); }

    @Override protected void validate(ParamGroup g) {
        checkNonNegative(g, "lr", "learning rate");
        checkNonNegative(g, "lr_decay", "lr_decay value");
        checkNonNegative(g, "weight_decay", "weight_decay value");
        checkNonNegative(g, "initial_accumulator_value", "initial_accumulator_value value");
        checkNonNegative(g, "eps", "epsilon value");
    }

    @Override protected void groupAdded(ParamGroup g) {
        for (Tensor p : g.params()) initState(g, p);
    }

    private Map<String, Object> initState(ParamGroup g, Tensor p) {
        Map<String, Object> s = state(p);
        if (s.isEmpty()) {
            s.put("step", stepCounter());
            s.put("sum", p.fullLike(g.getDouble("initial_accumulator_value")).persistent());
        }
        return s;
    }

    @Override protected void update(ParamGroup g) {
        double lr = g.lr(), lrDecay = g.getDouble("lr_decay"), weightDecay = g.getDouble("weight_decay"), eps = g.getDouble("eps");
        for (Tensor p : g.params()) {
            if (p.grad() == null) continue;
            Map<String, Object> s = initState(g, p);
            double step = incrementStep((Tensor) s.get("step"));
            Tensor grad = direction(g, p);
            if (weightDecay != 0) grad = grad.add(p, weightDecay);
            double clr = lr / (1 + (step - 1) * lrDecay);
            Tensor sum = (Tensor) s.get("sum");
            sum.add_(grad.mul(grad));
            p.add_(grad.div(sum.sqrt().add(eps)), -clr);
        }
    }
}
