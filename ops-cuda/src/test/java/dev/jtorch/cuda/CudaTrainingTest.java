package dev.jtorch.cuda;

import dev.jtorch.nn.F;
import dev.jtorch.nn.Linear;
import dev.jtorch.nn.Module;
import dev.jtorch.nn.Conv2d;
import dev.jtorch.optim.SGD;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.MemoryScope;
import dev.jtorch.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole models through autograd and nn on cuda:0 against the same models on the CPU: losses and every
 * gradient after one step (float32, 1e-4 relative + absolute), and device memory flat over a long loop.
 * Skipped where no GPU answers.
 */
class CudaTrainingTest {
    private static final Device GPU = Device.CUDA;

    @BeforeEach void gpu() { GpuRequired.assumeGpu(); }

    static final class Mlp extends Module {
        final Linear fc1 = new Linear(20, 64), fc2 = new Linear(64, 10);
        @Override public Tensor forward(Tensor x) { return fc2.forward(F.relu(fc1.forward(x))); }
    }

    /** LeNet-5 as examples' LeNet5 (conv 1-6-16-120, average pools, fc 120-84-10) on 32x32 input. */
    static final class LeNet5 extends Module {
        final Conv2d conv1 = new Conv2d(1, 6, 5), conv2 = new Conv2d(6, 16, 5), conv3 = new Conv2d(16, 120, 5);
        final Linear fc1 = new Linear(120, 84), fc2 = new Linear(84, 10);
        @Override public Tensor forward(Tensor x) {
            x = F.avgPool2d(F.relu(conv1.forward(x)), 2);
            x = F.maxPool2d(F.relu(conv2.forward(x)), 2);
            x = F.relu(conv3.forward(x)).view(x.size(0), -1);
            return fc2.forward(F.relu(fc1.forward(x)));
        }
    }

    /** One forward and backward of the same model and data on each device; the losses and gradients agree. */
    private static void sameStep(Supplier<Module> make, long[] inputShape) {
        Module cpu = make.get();
        Module gpu = make.get();
        gpu.loadStateDict(cpu.stateDict());
        gpu.to(GPU);
        Tensor x = Tensor.randn(inputShape, DType.FLOAT32, Device.CPU, new Generator(1));
        Tensor y = Tensor.randint(0, 10, inputShape[0]);
        Tensor lossCpu = F.crossEntropy(cpu.forward(x), y);
        Tensor lossGpu = F.crossEntropy(gpu.forward(x.to(GPU)), y.to(GPU));
        lossCpu.backward();
        lossGpu.backward();
        assertEquals(lossCpu.item(), lossGpu.item(), 1e-4);
        List<Tensor> pc = cpu.parameters(), pg = gpu.parameters();
        for (int i = 0; i < pc.size(); i++) {
            Tensor g = pg.get(i).grad().to(Device.CPU), e = pc.get(i).grad();
            assertTrue(g.allclose(e, 1e-4, 1e-4), "gradient " + i + " differs by " + g.sub(e).abs().max().item());
        }
    }

    @Test void mlpForwardBackwardMatchesCpu() { sameStep(Mlp::new, new long[] {32, 20}); }

    @Test void leNet5ForwardBackwardMatchesCpu() { sameStep(LeNet5::new, new long[] {16, 1, 32, 32}); }

    /** After warm-up the caching allocator serves every step from its cache: reserved memory stays flat. */
    @Test void memoryReservedFlatOver1000Steps() {
        Module model = new Mlp();
        model.to(GPU);
        SGD sgd = new SGD(model.parameters(), 0.01);
        Tensor x = Tensor.randn(new long[] {64, 20}, DType.FLOAT32, GPU, new Generator(2));
        Tensor y = Tensor.randint(0, 10, 64).to(GPU);
        long reservedAfterWarmup = 0;
        for (int step = 0; step < 1000; step++) {
            try (var scope = MemoryScope.open()) {
                sgd.zeroGrad();
                F.crossEntropy(model.forward(x), y).backward();
                sgd.step();
            }
            if (step == 10) reservedAfterWarmup = Cuda.memoryReserved(GPU);
        }
        Cuda.synchronize(GPU);
        assertEquals(reservedAfterWarmup, Cuda.memoryReserved(GPU), "reserved bytes grew after warm-up");
        assertTrue(Cuda.memoryAllocated(GPU) <= Cuda.memoryReserved(GPU));
    }
}
