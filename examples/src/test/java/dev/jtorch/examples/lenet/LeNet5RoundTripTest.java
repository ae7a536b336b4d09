package dev.jtorch.examples.lenet;

import dev.jtorch.Torch;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job's model through its file format: save, reload into a fresh model, and every way a file can be wrong. */
class LeNet5RoundTripTest {
    @TempDir Path dir;

    @Test void reloadedModelGivesIdenticalOutputs() throws IOException {
        Torch.manualSeed(1);
        LeNet5 trained = new LeNet5();
        Tensor x = Torch.randn(4, 1, 32, 32);
        Path file = dir.resolve("lenet5.safetensors");
        Torch.save(trained.stateDict(), file);

        Torch.manualSeed(2);
        LeNet5 fresh = new LeNet5();
        float[] before;
        try (var g = Torch.noGrad()) {
            before = fresh.forward(x).toFloatArray();
            assertFalse(java.util.Arrays.equals(before, trained.forward(x).toFloatArray()), "differently seeded models must differ before loading");
            fresh.loadStateDict(Torch.load(file));
            assertArrayEquals(trained.forward(x).toFloatArray(), fresh.forward(x).toFloatArray(), 0f);
        }
        assertEquals(trained.stateDict().keySet(), Torch.load(file).keySet());
        assertEquals(java.util.List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias",
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), java.util.List.copyOf(trained.stateDict().keySet()));
    }

    @Test void wrongKeyIsNamed() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>(new LeNet5().stateDict());
        state.put("fc3.weight", state.remove("fc2.weight"));
        Path file = dir.resolve("renamed.safetensors");
        Torch.save(state, file);
        var e = assertThrows(IllegalArgumentException.class, () -> new LeNet5().loadStateDict(Torch.load(file)));
        assertTrue(e.getMessage().contains("Missing key(s) in state_dict: \"fc2.weight\""), e.getMessage());
        assertTrue(e.getMessage().contains("Unexpected key(s) in state_dict: \"fc3.weight\""), e.getMessage());
    }

    @Test void wrongShapeIsNamed() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>(new LeNet5().stateDict());
        state.put("conv1.weight", Torch.zeros(6, 1, 3, 3));
        Path file = dir.resolve("shape.safetensors");
        Torch.save(state, file);
        var e = assertThrows(IllegalArgumentException.class, () -> new LeNet5().loadStateDict(Torch.load(file)));
        assertTrue(e.getMessage().contains("size mismatch for conv1.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[6, 1, 3, 3]") && e.getMessage().contains("[6, 1, 5, 5]"), e.getMessage());
    }

    @Test void wrongDtypeIsNamed() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>(new LeNet5().stateDict());
        state.put("fc1.bias", state.get("fc1.bias").to(DType.FLOAT64));
        Path file = dir.resolve("dtype.safetensors");
        Torch.save(state, file);
        var e = assertThrows(IllegalArgumentException.class, () -> new LeNet5().loadStateDict(Torch.load(file)));
        assertTrue(e.getMessage().contains("fc1.bias") && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test void truncatedFileIsAClearErrorNotAnOutOfMemoryError() throws IOException {
        Path file = dir.resolve("full.safetensors");
        Torch.save(new LeNet5().stateDict(), file);
        byte[] bytes = Files.readAllBytes(file);
        for (int keep : new int[] {0, 4, 12, bytes.length / 2, bytes.length - 1}) {
            Path cut = dir.resolve("cut" + keep + ".safetensors");
            Files.write(cut, java.util.Arrays.copyOf(bytes, keep));
            IOException e = assertThrows(IOException.class, () -> Torch.load(cut), "truncated at " + keep);
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
        }
        // a header length field claiming far more than the file holds must not allocate it
        byte[] lying = bytes.clone();
        java.nio.ByteBuffer.wrap(lying).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE / 2);
        Path liar = dir.resolve("liar.safetensors");
        Files.write(liar, lying);
        assertThrows(IOException.class, () -> Torch.load(liar));
    }
}
