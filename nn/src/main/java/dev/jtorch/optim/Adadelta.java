package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adadelta, as {@code torch.optim.Adadelta}: steps scaled by the ratio of the running root-mean-square of
 * past updates to that of gradients (decay {@code rho}), times {@code lr} (default 1.0).
 */
public final class Adadelta extends Optimizer {
    /** Adadelta's hyper-parameters; {@link #options()} gives PyTorch's defaults. */
    public record Options(double lr, double rho, double eps, double weightDecay, boolean maximize) {
        public Options lr(double v) { return new Options(v, rho, eps, weightDecay, maximize); }
        public Options rho(double v) { return new Options(lr, v, eps, weightDecay, maximize); }
        public Options eps(double v) { return new Options(lr, rho, v, weightDecay, maximize); }
        public Options weightDecay(double v) { return new Options(lr, rho, eps, v, maximize); }
        public Options maximize(boolean v) { return new Options(lr, rho, eps, weightDecay, v); }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("rho", rho);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("maximize", maximize);
            return m;
        }
    }

    /** {@code lr=1.0, rho=0.9, eps=1e-6, weight_decay=0}. */
    public static Options options() { return new Options(1.0, 0.9, 1e-6, 0, false); }

    public Adadelta(Iterable<Tensor> params) { this(oneGroup(params), options()); }
    public Adadelta(Iterable<Tensor> params, double lr) { this(oneGroup(params), options().lr(lr)); }
    public Adadelta(Iterable<Tensor> params, Options options) { this(oneGroup(params), options); }
    public Adadelta(List<ParamGroup> groups, Options defaults) { super(groups, defaults.toMap()); }

    @Override protected void validate(ParamGroup g) {
        checkNonNegative(g, "lr", "learning rate");
        checkRange(g.getDouble("rho"), 0, 1, false, "Invalid rho value");
        checkNonNegative(g, "eps", "epsilon value");
        checkNonNegative(g, "weight_decay", "weight_decay value");
    }

    @Override protected void update(ParamGroup g) {
        double lr = g.lr(), rho = g.getDouble("rho"), eps = g.getDouble("eps"), weightDecay = g.getDouble("weight_decay");
        for (Tensor p : g.params()) {
            if (p.grad() == null) continue;
            Map<String, Object> s = state(p);
            if (s.isEmpty()) {
                s.put("step", stepCounter());
                s.put("square_avg", zerosState(p));
                s.put("acc_delta", zerosState(p));
            }
            incrementStep((Tensor) s.get("step"));
            Tensor grad = direction(g, p);
            if (weightDecay != 0) grad = grad.add(p, weightDecay);
            Tensor squareAvg = (Tensor) s.get("square_avg"), accDelta = (Tensor) s.get("acc_delta");
            squareAvg.mul_(rho).add_(grad.mul(grad), 1 - rho);
            Tensor std = squareAvg.add(eps).sqrt();
            Tensor delta = accDelta.add(eps).sqrt().div(std).mul(grad);
            accDelta.mul_(rho).add_(delta.mul(delta), 1 - rho);
            p.add_(delta, -lr);
        }
    }
}
