package dev.jtorch.serialization;

import dev.jtorch.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A training checkpoint in one safetensors file: the model's state dict, the optimizer's state dict, the
 * epoch and free-form string metadata. Saved atomically, so a crash mid-save keeps the previous checkpoint.
 *
 * <p>Layout: model tensors under {@code model.<key>}; optimizer tensors under {@code optimizer.<path>};
 * the optimizer's non-tensor structure (nested maps, lists, numbers) as JSON in the metadata entry
 * {@code jtorch.optimizer} (see {@link StateTree}); the epoch in {@code jtorch.epoch}; user metadata under
 * {@code extra.<key>}. The model part is readable by any safetensors reader.
 *
 * @param model     a module's {@code stateDict()}
 * @param optimizer an optimizer's {@code stateDict()}: maps, lists, tensors, numbers, strings, booleans
 * @param epoch     the epoch the checkpoint was taken after
 * @param extra     anything else worth keeping (run name, git hash, metrics)
 */
public record Checkpoint(Map<String, Tensor> model, Map<String, Object> optimizer, long epoch, Map<String, String> extra) {
    static final String FORMAT_KEY = "format";
    static final String FORMAT = "jtorch.checkpoint/1";
    static final String EPOCH_KEY = "jtorch.epoch";
    static final String OPTIMIZER_KEY = "jtorch.optimizer";
    static final String MODEL_PREFIX = "model.";
    static final String OPTIMIZER_PREFIX = "optimizer";
    static final String EXTRA_PREFIX = "extra.";

    public Checkpoint {
        model = Map.copyOf(Objects.requireNonNull(model, "model"));
        optimizer = optimizer == null ? Map.of() : optimizer;
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public void save(Path path) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : model.entrySet()) tensors.put(MODEL_PREFIX + e.getKey(), e.getValue());
        Json optimizerJson = StateTree.encode(optimizer, OPTIMIZER_PREFIX, tensors);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, FORMAT);
        metadata.put(EPOCH_KEY, Long.toString(epoch));
        metadata.put(OPTIMIZER_KEY, Json.write(optimizerJson));
        for (var e : extra.entrySet()) metadata.put(EXTRA_PREFIX + e.getKey(), e.getValue());
        Safetensors.save(tensors, metadata, path);
    }

    @SuppressWarnings("unchecked")
    public static Checkpoint load(Path path) throws IOException {
        Safetensors.Contents contents = Safetensors.read(path);
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get(FORMAT_KEY))) {
            throw CorruptFileException.of(path, "not a jtorch checkpoint (metadata \"" + FORMAT_KEY + "\" is "
                    + (meta.get(FORMAT_KEY) == null ? "missing" : "'" + meta.get(FORMAT_KEY) + "'") + ", expected '" + FORMAT + "')");
        }
        long epoch;
        try {
            epoch = Long.parseLong(Objects.requireNonNullElse(meta.get(EPOCH_KEY), ""));
        } catch (NumberFormatException e) {
            throw CorruptFileException.of(path, "checkpoint metadata \"" + EPOCH_KEY + "\" is not an integer: '" + meta.get(EPOCH_KEY) + "'");
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        for (var e : contents.tensors().entrySet()) {
            if (e.getKey().startsWith(MODEL_PREFIX)) model.put(e.getKey().substring(MODEL_PREFIX.length()), e.getValue());
        }
        Object optimizer;
        try {
            optimizer = StateTree.decode(Json.parse(Objects.requireNonNullElse(meta.get(OPTIMIZER_KEY), "{}")), contents.tensors());
        } catch (IllegalArgumentException e) {
            throw CorruptFileException.of(path, "checkpoint optimizer state: " + e.getMessage());
        }
        if (!(optimizer instanceof Map<?, ?>)) throw CorruptFileException.of(path, "checkpoint optimizer state is not a map");
        Map<String, String> extra = new LinkedHashMap<>();
        for (var e : meta.entrySet()) {
            if (e.getKey().startsWith(EXTRA_PREFIX)) extra.put(e.getKey().substring(EXTRA_PREFIX.length()), e.getValue());
        }
        return new Checkpoint(model, (Map<String, Object>) optimizer, epoch, extra);
    }
}
