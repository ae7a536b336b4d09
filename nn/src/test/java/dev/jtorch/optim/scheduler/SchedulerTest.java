package dev.jtorch.optim.scheduler;

import dev.jtorch.optim.ParamGroup;
import dev.jtorch.optim.SGD;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Learning-rate sequences against PyTorch's closed forms, written out per epoch. */
class SchedulerTest {
    static SGD sgd(double... lrs) {
        List<ParamGroup> groups = new ArrayList<>();
        for (double lr : lrs) groups.add(new ParamGroup(List.of(Tensor.of(new double[] {1}).requiresGrad(true)), Map.of("lr", lr)));
        return new SGD(groups, SGD.options());
    }

    /** Epochs 0..n-1: the value after construction, then after each step. */
    static void assertSequence(SGD opt, LRScheduler s, int n, IntToDoubleFunction... expectedPerGroup) {
        for (int epoch = 0; epoch < n; epoch++) {
            if (epoch > 0) s.step();
            for (int g = 0; g < expectedPerGroup.length; g++) {
                double expected = expectedPerGroup[g].applyAsDouble(epoch);
                assertEquals(expected, s.getLastLr().get(g), 1e-15, "epoch " + epoch + ", group " + g);
                assertEquals(expected, opt.paramGroups().get(g).lr(), 1e-15, "group lr at epoch " + epoch);
            }
        }
    }

    @Test
    void stepLr() {
        SGD opt = sgd(0.1, 0.02);
        var s = new StepLR(opt, 3, 0.5);
        double[] first = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125};
        assertSequence(opt, s, 10, e -> first[e], e -> 0.02 * Math.pow(0.5, e / 3));
        assertEquals(0.1, opt.paramGroups().get(0).getDouble("initial_lr"));
    }

    @Test
    void multiStepLr() {
        SGD opt = sgd(1.0);
        var s = new MultiStepLR(opt, List.of(5, 2), 0.1);
        double[] expected = {1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01};
        assertSequence(opt, s, 8, e -> expected[e]);
    }

    @Test
    void exponentialLr() {
        SGD opt = sgd(0.5);
        var s = new ExponentialLR(opt, 0.9);
        assertSequence(opt, s, 6, e -> 0.5 * Math.pow(0.9, e));
    }

    @Test
    void cosineAnnealingLr() {
        SGD opt = sgd(0.1);
        var s = new CosineAnnealingLR(opt, 4, 0.01);
        // 0.01 + 0.09 * (1 + cos(pi e / 4)) / 2: 0.1, 0.0868198, 0.055, 0.0231802, 0.01, then up again
        double[] expected = {0.1, 0.01 + 0.045 * (1 + Math.sqrt(0.5)), 0.055, 0.01 + 0.045 * (1 - Math.sqrt(0.5)), 0.01, 0.01 + 0.045 * (1 - Math.sqrt(0.5))};
        assertSequence(opt, s, 6, e -> expected[e]);
    }

    @Test
    void stateDictRoundTripResumesTheSequence() {
        SGD a = sgd(0.1);
        var sa = new StepLR(a, 2, 0.5);
        sa.step();
        sa.step();
        sa.step();
        Map<String, Object> saved = sa.stateDict();
        assertEquals(3, saved.get("last_epoch"));
        assertEquals(2, saved.get("step_size"));
        SGD b = sgd(0.7);
        var sb = new StepLR(b, 10, 0.9);
        sb.loadStateDict(saved);
        for (int i = 0; i < 4; i++) {
            sa.step();
            sb.step();
            assertEquals(sa.getLastLr(), sb.getLastLr());
        }
        assertEquals(0.1 * Math.pow(0.5, 3), sb.getLastLr().get(0), 1e-15); // epoch 7
    }

    @Test
    void resumingNeedsInitialLr() {
        SGD opt = sgd(0.1);
        assertEquals("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
                assertThrows(IllegalArgumentException.class, () -> new ExponentialLR(opt, 0.9, 4)).getMessage());
        opt.paramGroups().get(0).set("initial_lr", 1.0);
        var s = new ExponentialLR(opt, 0.5, 4);
        assertEquals(1.0 * Math.pow(0.5, 5), s.getLastLr().get(0), 1e-15);
    }

    @Test
    void reduceOnPlateauWithPatienceCooldownAndMinLr() {
        SGD opt = sgd(0.1);
        var s = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 2, 1e-4, ReduceLROnPlateau.ThresholdMode.REL, 1, 0.02, 1e-8);
        double[] metrics = {1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95};
        double[] expected = {0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02};
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            assertEquals(expected[i], s.getLastLr().get(0), 1e-15, "epoch " + (i + 1));
        }
        assertEquals(0.9, s.best());
    }

    @Test
    void reduceOnPlateauMaxModeAbsoluteThreshold() {
        SGD opt = sgd(1.0);
        var s = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MAX, 0.1, 0, 0.1, ReduceLROnPlateau.ThresholdMode.ABS, 0, 0.0, 1e-8);
        double[] metrics = {1, 2, 2.05, 2.05};
        double[] expected = {1, 1, 0.1, 0.01};
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            assertEquals(expected[i], opt.paramGroups().get(0).lr(), 1e-15, "epoch " + (i + 1));
        }
    }

    @Test
    void reduceOnPlateauStateDictAndErrors() {
        SGD a = sgd(0.1);
        var sa = new ReduceLROnPlateau(a);
        sa.step(1.0);
        sa.step(2.0);
        var sb = new ReduceLROnPlateau(sgd(0.1));
        sb.loadStateDict(sa.stateDict());
        assertEquals(1.0, sb.best());
        assertEquals(1, sb.numBadEpochs());
        assertEquals("Factor should be < 1.0.", assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(a, ReduceLROnPlateau.Mode.MIN, 1.0, 10, 1e-4, ReduceLROnPlateau.ThresholdMode.REL, 0, 0.0, 1e-8)).getMessage());
    }
}
