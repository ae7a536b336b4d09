package dev.jtorch.optim;

import dev.jtorch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam, as {@code torch.optim.Adam} (its single-tensor algorithm): bias-corrected first and second moment
 * estimates, L2 weight decay added to the gradient, optional AMSGrad and maximization. {@link AdamW} is the
 * same with decoupled weight decay.
 */
public class Adam extends Optimizer {
    /** Adam's hyper-parameters; {@link #options()} gives PyTorch's defaults. */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean maximize) {
        public Options lr(double v) { return new Options(v, beta1, beta2, eps, weightDecay, amsgrad, maximize); }
        public Options betas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay, amsgrad, maximize); }
        public Options eps(double v) { return new Options(lr, beta1, beta2, v, weightDecay, amsgrad, maximize); }
        public Options weightDecay(double v) { return new Options(lr, beta1, beta2, eps, v, amsgrad, maximize); }
        public Options amsgrad(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, v, maximize); }
        public Options maximize(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, v); }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("betas", List.of(beta1, beta2));
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("amsgrad", amsgrad);
            m.put("maximize", maximize);
            return m;
        }
    }

    /** {@code lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0}. */
    public static Options options() { return new Options(1e-3, 0.9, 0.999, 1e-8, 0, false, false); }

    private final boolean decoupledWeightDecay;

    public Adam(Iterable<Tensor> params) { this(oneGroup(params), options()); }
    public Adam(Iterable<Tensor> params, double lr) { this(oneGroup(params), options().lr(lr)); }
    public Adam(Iterable<Tensor> params, Options options) { this(oneGroup(params), options); }
    /** Groups may override any option by its PyTorch key ({@code "lr"}, {@code "betas"} as a list, ...). */
    public Adam(List<ParamGroup> groups, Options defaults) { this(groups, defaults, false); }

    Adam(List<ParamGroup> groups, Options defaults, boolean decoupledWeightDecay) {
        super(groups, defaults.toMap());
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    @Override protected void validate(ParamGroup g) {
        checkNonNegative(g, "lr", "learning rate");
        checkNonNegative(g, "eps", "epsilon value");
        double[] betas = g.getDoubles("betas");
        if (betas.length != 2) throw new IllegalArgumentException("betas must hold two values, got " + betas.length);
        checkRange(betas[0], 0, 1, true, "Invalid beta parameter at index 0");
        checkRange(betas[1], 0, 1, true, "Invalid beta parameter at index 1");
        checkNonNegative(g, "weight_decay", "weight_decay value");
    }

    @Override protected void update(ParamGroup g) {
        double lr = g.lr(), eps = g.getDouble("eps"), weightDecay = g.getDouble("weight_decay");
        double[] betas = g.getDoubles("betas");
        double beta1 = betas[0], beta2 = betas[1];
        boolean amsgrad = g.getBoolean("amsgrad");
        for (Tensor p : g.params()) {
            if (p.grad() == null) continue;
            Tensor grad = direction(g, p);
            Map<String, Object> s = state(p);
            if (s.isEmpty()) {
                s.put("step", stepCounter());
                s.put("exp_avg", zerosState(p));
                s.put("exp_avg_sq", zerosState(p));
                if (amsgrad) s.put("max_exp_avg_sq", zerosState(p));
            }
            Tensor expAvg = (Tensor) s.get("exp_avg"), expAvgSq = (Tensor) s.get("exp_avg_sq");
            double step = incrementStep((Tensor) s.get("step"));
            if (weightDecay != 0) {
                if (decoupledWeightDecay) p.mul_(1 - lr * weightDecay);
                else grad = grad.add(p, weightDecay);
            }
            expAvg.add_(grad.sub(expAvg), 1 - beta1); // lerp toward the gradient
            expAvgSq.mul_(beta2).add_(grad.mul(grad), 1 - beta2);
            double biasCorrection1 = 1 - Math.pow(beta1, step);
            double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
            Tensor second = expAvgSq;
            if (amsgrad) {
                Tensor max = (Tensor) s.computeIfAbsent("max_exp_avg_sq", k -> zerosState(p)); // amsgrad switched on after the first step
                second = max.copy_(max.maximum(expAvgSq));
            }
            Tensor denom = second.sqrt().div(biasCorrection2Sqrt).add(eps);
            p.add_(expAvg.div(denom), -lr / biasCorrection1);
        }
    }
}
