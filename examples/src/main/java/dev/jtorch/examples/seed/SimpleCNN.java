package dev.jtorch.examples.seed;

import dev.jtorch.nn.Conv2d;
import dev.jtorch.nn.Dropout;
import dev.jtorch.nn.F;
import dev.jtorch.nn.Linear;
import dev.jtorch.nn.Module;
import dev.jtorch.tensor.Tensor;

/** The seed's SimpleCNN for 28x28 digits: conv 32 and 64 (3x3, padding 1), max pools, dropout, fc 1024. */
public final class SimpleCNN extends Module {
    final Conv2d conv1 = new Conv2d(1, 32, 3, 1, 1);
    final Conv2d conv2 = new Conv2d(32, 64, 3, 1, 1);
    final Dropout dropout = new Dropout(0.25);
    final Linear fc1 = new Linear(64 * 7 * 7, 1024), fc2 = new Linear(1024, 10);

    @Override public Tensor forward(Tensor x) {
        x = F.maxPool2d(F.relu(conv1.forward(x)), 2);
        x = F.maxPool2d(F.relu(conv2.forward(x)), 2);
        x = x.view(x.size(0), -1);
        x = dropout.forward(F.relu(fc1.forward(x)));
        return fc2.forward(x);
    }
}
