package dev.jtorch.optim;

import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.jtorch.optim.OptimizerReferenceTest.params;
import static dev.jtorch.optim.OptimizerReferenceTest.random;
import static dev.jtorch.optim.OptimizerReferenceTest.setGradients;
import static dev.jtorch.optim.OptimizerReferenceTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** State dicts, parameter groups, validation and memory behaviour of the optimizers. */
class OptimizerStateTest {
    record Maker(String name, Function<List<Tensor>, Optimizer> make) {
        @Override public String toString() { return name; }
    }

    static Stream<Maker> makers() {
        return Stream.of(
                new Maker("SGD", ps -> new SGD(ps, SGD.options().lr(0.05).momentum(0.9).nesterov(true))),
                new Maker("Adam", ps -> new Adam(ps, Adam.options().lr(0.05).amsgrad(true))),
                new Maker("AdamW", ps -> new AdamW(ps, 0.05)),
                new Maker("RMSprop", ps -> new RMSprop(ps, RMSprop.options().centered(true).momentum(0.5))),
                new Maker("Adagrad", ps -> new Adagrad(ps, Adagrad.options().lrDecay(0.1))),
                new Maker("Adadelta", ps -> new Adadelta(ps)));
    }

    @ParameterizedTest
    @MethodSource("makers")
    void stateDictRoundTripContinuesIdentically(Maker m) {
        double[] p0 = random(51, 10, -1, 1);
        List<Tensor> a = params(p0);
        Optimizer optA = m.make().apply(a);
        for (int i = 0; i < 2; i++) {
            setGradients(a);
            optA.step();
        }
        Map<String, Object> saved = optA.stateDict();
        List<Tensor> b = params(values(a));
        Optimizer optB = m.make().apply(b);
        optB.loadStateDict(saved);
        for (int i = 0; i < 3; i++) {
            setGradients(a);
            optA.step();
            setGradients(b);
            optB.step();
            assertArrayEquals(values(a), values(b), 0, m.name() + ": step " + (i + 3));
        }
    }

    @Test
    void stateDictHasPyTorchsStructure() {
        List<Tensor> ps = params(random(52, 10, -1, 1));
        Adam adam = new Adam(ps, Adam.options().lr(0.01).amsgrad(true));
        setGradients(ps);
        adam.step();
        Map<String, Object> sd = adam.stateDict();
        assertEquals(List.of("state", "param_groups"), List.copyOf(sd.keySet()));
        @SuppressWarnings("unchecked") Map<Integer, Map<String, Object>> state = (Map<Integer, Map<String, Object>>) sd.get("state");
        assertEquals(List.of(0, 1), List.copyOf(state.keySet()), "the frozen parameter has no state");
        assertEquals(List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"), List.copyOf(state.get(0).keySet()));
        Tensor step = (Tensor) state.get(0).get("step");
        assertEquals(0, step.dim());
        assertEquals(dev.jtorch.tensor.DType.FLOAT32, step.dtype());
        assertEquals(1.0, step.item());
        Tensor expAvg = (Tensor) state.get(0).get("exp_avg");
        assertArrayEquals(new long[] {2, 3}, expAvg.shape());
        assertTrue(expAvg.isPersistent() && step.isPersistent());
        @SuppressWarnings("unchecked") List<Map<String, Object>> groups = (List<Map<String, Object>>) sd.get("param_groups");
        Map<String, Object> g = groups.get(0);
        assertEquals(List.of("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "params"), List.copyOf(g.keySet()));
        assertEquals(0.01, g.get("lr"));
        assertEquals(List.of(0.9, 0.999), g.get("betas"));
        assertEquals(List.of(0, 1, 2), g.get("params"));
    }

    @Test
    void loadedStateIsCopiedAndChecked() {
        List<Tensor> a = params(random(53, 10, -1, 1));
        SGD sgdA = new SGD(a, SGD.options().lr(0.1).momentum(0.9));
        setGradients(a);
        sgdA.step();
        List<Tensor> b = params(values(a));
        SGD sgdB = new SGD(b, SGD.options().lr(0.1).momentum(0.9));
        sgdB.loadStateDict(sgdA.stateDict());
        Tensor bufA = (Tensor) stateOf(sgdA, 0).get("momentum_buffer"), bufB = (Tensor) stateOf(sgdB, 0).get("momentum_buffer");
        assertFalse(bufA == bufB);
        assertArrayEquals(bufA.toDoubleArray(), bufB.toDoubleArray(), 0);

        SGD oneGroupOfTwo = new SGD(a.subList(0, 2), 0.1);
        String msg = assertThrows(IllegalArgumentException.class, () -> oneGroupOfTwo.loadStateDict(sgdA.stateDict())).getMessage();
        assertTrue(msg.startsWith("loaded state dict contains a parameter group that doesn't match the size of optimizer's group"), msg);
        SGD twoGroups = new SGD(List.of(new ParamGroup(a.subList(0, 1)), new ParamGroup(a.subList(1, 3))), SGD.options());
        msg = assertThrows(IllegalArgumentException.class, () -> twoGroups.loadStateDict(sgdA.stateDict())).getMessage();
        assertTrue(msg.startsWith("loaded state dict has a different number of parameter groups"), msg);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stateOf(Optimizer opt, int index) {
        return ((Map<Integer, Map<String, Object>>) opt.stateDict().get("state")).get(index);
    }

    @Test
    void parameterGroupsTakeTheirOwnOptionsAndDefaultsForTheRest() {
        Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true), b = Tensor.of(new double[] {3}).requiresGrad(true);
        SGD sgd = new SGD(List.of(new ParamGroup(List.of(w)), new ParamGroup(List.of(b), Map.of("lr", 0.5))), SGD.options().lr(0.1).momentum(0.0));
        assertEquals(0.1, sgd.paramGroups().get(0).lr());
        assertEquals(0.5, sgd.paramGroups().get(1).lr());
        assertEquals(0.0, sgd.paramGroups().get(1).getDouble("momentum"));
        w.setGrad(Tensor.of(new double[] {1, 1}));
        b.setGrad(Tensor.of(new double[] {1}));
        sgd.step();
        assertArrayEquals(new double[] {0.9, 1.9}, w.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {2.5}, b.toDoubleArray(), 1e-15);
        sgd.zeroGrad();
        assertNull(w.grad());
        assertNull(b.grad());

        Tensor c = Tensor.of(new double[] {0}).requiresGrad(true);
        sgd.addParamGroup(new ParamGroup(List.of(c), Map.of("momentum", 0.9)));
        assertEquals(0.1, sgd.paramGroups().get(2).lr());
        assertEquals("some parameters appear in more than one parameter group",
                assertThrows(IllegalArgumentException.class, () -> sgd.addParamGroup(new ParamGroup(List.of(w)))).getMessage());
    }

    @Test
    void zeroGradWithoutSetToNoneKeepsZeroTensors() {
        Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        SGD sgd = new SGD(List.of(w), 0.1);
        Tensor g = Tensor.of(new double[] {3, 4});
        w.setGrad(g);
        sgd.zeroGrad(false);
        assertTrue(w.grad() == g);
        assertArrayEquals(new double[] {0, 0}, g.toDoubleArray());
    }

    static String message(Executable e) { return assertThrows(IllegalArgumentException.class, e).getMessage(); }

    @Test
    void invalidHyperParametersUsePyTorchsWording() {
        List<Tensor> ps = params(random(54, 10, -1, 1));
        assertEquals("Invalid learning rate: -1.0", message(() -> new Adam(ps, -1.0)));
        assertEquals("Invalid beta parameter at index 0: 1.5", message(() -> new Adam(ps, Adam.options().betas(1.5, 0.999))));
        assertEquals("Invalid beta parameter at index 1: 1.0", message(() -> new AdamW(ps, AdamW.options().betas(0.9, 1.0))));
        assertEquals("Invalid epsilon value: -1e-08", message(() -> new Adam(ps, Adam.options().eps(-1e-8))));
        assertEquals("Invalid weight_decay value: -0.1", message(() -> new SGD(ps, SGD.options().weightDecay(-0.1))));
        assertEquals("Invalid momentum value: -0.5", message(() -> new SGD(ps, SGD.options().momentum(-0.5))));
        assertEquals("Nesterov momentum requires a momentum and zero dampening", message(() -> new SGD(ps, SGD.options().nesterov(true))));
        assertEquals("Invalid alpha value: -0.99", message(() -> new RMSprop(ps, RMSprop.options().alpha(-0.99))));
        assertEquals("Invalid lr_decay value: -0.1", message(() -> new Adagrad(ps, Adagrad.options().lrDecay(-0.1))));
        assertEquals("Invalid initial_accumulator_value value: -1.0", message(() -> new Adagrad(ps, Adagrad.options().initialAccumulatorValue(-1))));
        assertEquals("Invalid rho value: 1.5", message(() -> new Adadelta(ps, Adadelta.options().rho(1.5))));
        assertEquals("Invalid learning rate: -0.001", message(() -> new SGD(List.of(new ParamGroup(ps, Map.of("lr", -1e-3))), SGD.options())));
        assertEquals("optimizer got an empty parameter list", message(() -> new SGD(List.<Tensor>of(), SGD.options())));
        Tensor nonLeaf = Tensor.of(new double[] {1}).requiresGrad(true).mul(2);
        assertEquals("can't optimize a non-leaf Tensor", message(() -> new SGD(List.of(nonLeaf), 0.1)));
    }

    @Test
    void printsAsPyTorch() {
        Adam adam = new Adam(params(random(55, 10, -1, 1)));
        assertEquals("Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    eps: 1e-08\n    lr: 0.001\n    maximize: False\n    weight_decay: 0.0\n)",
                adam.toString());
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-08", PyFloat.repr(1e-8));
        assertEquals("0.001", PyFloat.repr(1e-3));
        assertEquals("0.0001", PyFloat.repr(1e-4));
        assertEquals("1e-05", PyFloat.repr(1e-5));
        assertEquals("1.5e-07", PyFloat.repr(1.5e-7));
        assertEquals("-1.0", PyFloat.repr(-1.0));
        assertEquals("123456.789", PyFloat.repr(123456.789));
        assertEquals("1e+16", PyFloat.repr(1e16));
        assertEquals("1000000000000000.0", PyFloat.repr(1e15));
    }

    @Test
    void stateSurvivesMemoryScopesAndTrainingWithAutogradConverges() {
        Tensor w = Tensor.of(new double[] {0.5, -0.3, 0.8}).requiresGrad(true);
        Tensor x = Tensor.of(new double[][] {{1, 2, 3}, {0, 1, -1}, {2, 0, 1}, {1, 1, 1}});
        Tensor y = Tensor.of(new double[] {1, 0, 2, 1.5});
        Adam adam = new Adam(List.of(w), 0.05);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            try (var _ = MemoryScope.open()) {
                adam.zeroGrad();
                Tensor loss = x.matmul(w).sub(y).square().mean();
                loss.backward();
                adam.step();
                losses.add(loss.item());
            }
        }
        assertFalse(w.isClosed());
        Map<String, Object> s = stateOf(adam, 0);
        assertFalse(((Tensor) s.get("exp_avg")).isClosed());
        assertEquals(60.0, ((Tensor) s.get("step")).item());
        assertTrue(losses.get(59) < 0.1 * losses.get(0), "loss " + losses.get(0) + " -> " + losses.get(59));
    }

    @Test
    void stepWithClosureReturnsTheLoss() {
        Tensor w = Tensor.of(new double[] {2.0}).requiresGrad(true);
        SGD sgd = new SGD(List.of(w), 0.25);
        Tensor loss = sgd.step(() -> {
            sgd.zeroGrad();
            Tensor l = w.square().sum();
            l.backward();
            return l;
        });
        assertEquals(4.0, loss.item());
        assertArrayEquals(new double[] {1.0}, w.toDoubleArray(), 1e-15); // 2 - 0.25 * 4
    }
}
