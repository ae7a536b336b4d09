package dev.jtorch.examples.lenet;

import dev.jtorch.nn.Conv2d;
import dev.jtorch.nn.F;
import dev.jtorch.nn.Linear;
import dev.jtorch.nn.Module;
import dev.jtorch.tensor.Tensor;

/** LeNet-5 exactly as the seed's Code 5.1: conv 1-6-16-120, average pools, fc 120-84-10, ReLU; 32x32 input. */
public final class LeNet5 extends Module {
    final Conv2d conv1 = new Conv2d(1, 6, 5);
    final Conv2d conv2 = new Conv2d(6, 16, 5);
    final Conv2d conv3 = new Conv2d(16, 120, 5);
    final Linear fc1 = new Linear(120, 84), fc2 = new Linear(84, 10);

    @Override public Tensor forward(Tensor x) {
        x = F.avgPool2d(F.relu(conv1.forward(x)), 2);
        x = F.avgPool2d(F.relu(conv2.forward(x)), 2);
        x = F.relu(conv3.forward(x)).view(x.size(0), -1);
        return fc2.forward(F.relu(fc1.forward(x)));
    }
}
