package dev.jtorch.serialization;

import dev.jtorch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    @TempDir Path dir;

    @Test void roundTripsModelOptimizerEpochAndExtra() throws IOException {
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("fc.weight", Tensor.of(new float[][] {{1, 2}, {3, 4}}));
        model.put("fc.bias", Tensor.of(0.5f, -0.5f));

        Map<Object, Object> state = new LinkedHashMap<>();
        state.put(0, new LinkedHashMap<>(Map.of("step", 3L, "exp_avg", Tensor.of(0.1f, 0.2f))));
        state.put(1, new LinkedHashMap<>(Map.of("step", Tensor.scalar(3.0), "exp_avg", Tensor.of(new float[] {0.3f}))));
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("lr", 1e-3);
        group.put("betas", new double[] {0.9, 0.999});
        group.put("eps", 1e-8);
        group.put("weight_decay", 0.0);
        group.put("amsgrad", false);
        group.put("maximize", Boolean.FALSE);
        group.put("foreach", null);
        group.put("params", List.of(0, 1));
        group.put("momentum", 0.9f);
        group.put("name", "default");
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("state", state);
        optimizer.put("param_groups", List.of(group));

        Path f = dir.resolve("ckpt.safetensors");
        new Checkpoint(model, optimizer, 7, Map.of("run", "lenet", "acc", "0.98")).save(f);
        Checkpoint back = Checkpoint.load(f);

        assertEquals(7, back.epoch());
        assertEquals(Map.of("run", "lenet", "acc", "0.98"), back.extra());
        assertEquals(model.keySet(), back.model().keySet());
        assertArrayEquals(new float[] {1, 2, 3, 4}, back.model().get("fc.weight").toFloatArray());

        Map<?, ?> backState = (Map<?, ?>) back.optimizer().get("state");
        assertEquals(List.of(0, 1), List.copyOf(backState.keySet()), "integer keys stay Integers");
        Map<?, ?> s0 = (Map<?, ?>) backState.get(0);
        assertEquals(3L, s0.get("step"));
        assertArrayEquals(new float[] {0.1f, 0.2f}, ((Tensor) s0.get("exp_avg")).toFloatArray());
        assertEquals(3.0, ((Tensor) ((Map<?, ?>) backState.get(1)).get("step")).item());

        Map<?, ?> g = (Map<?, ?>) ((List<?>) back.optimizer().get("param_groups")).getFirst();
        assertEquals(1e-3, g.get("lr"));
        assertArrayEquals(new double[] {0.9, 0.999}, (double[]) g.get("betas"));
        assertEquals(1e-8, g.get("eps"));
        assertEquals(0.0, g.get("weight_decay"));
        assertEquals(false, g.get("amsgrad"));
        assertTrue(g.containsKey("foreach"));
        assertNull(g.get("foreach"));
        assertEquals(List.of(0, 1), g.get("params"));
        assertEquals(0.9f, g.get("momentum"));
        assertEquals("default", g.get("name"));

        // The model part is plain safetensors any reader can use.
        assertTrue(Safetensors.load(f).containsKey("model.fc.weight"));
    }

    @Test void aPlainSafetensorsFileIsNotACheckpoint() throws IOException {
        Path f = dir.resolve("plain.safetensors");
        Safetensors.save(Map.of("w", Tensor.of(new float[] {1f})), f);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().contains("not a jtorch checkpoint"), e.getMessage());
    }

    @Test void unsupportedStateValuesAreRejectedBeforeWriting() {
        Path f = dir.resolve("x.safetensors");
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(Map.of(), Map.of("state", new Object()), 0, null).save(f));
        assertTrue(e.getMessage().contains("cannot save a java.lang.Object at 'optimizer.state'"), e.getMessage());
        assertFalse(Files.exists(f));
    }
}
