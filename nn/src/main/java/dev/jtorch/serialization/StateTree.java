package dev.jtorch.serialization;

import dev.jtorch.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a state tree (what an optimizer's {@code stateDict()} returns: nested maps and lists of tensors,
 * numbers, strings, booleans, nulls and primitive arrays) as JSON, moving each tensor out into a named
 * safetensors entry so the numbers stay binary. Java types survive the round trip:
 * <ul>
 *   <li>{@code Long} is a JSON integer, {@code Double} a JSON number with a fraction or exponent;</li>
 *   <li>other types are one-key objects: {@code {"$int": 3}}, {@code {"$float": 0.5}},
 *       {@code {"$double": "NaN"}} (non-finite), {@code {"$tensor": "optimizer.state.0.exp_avg"}},
 *       {@code {"$double[]": [...]}}, {@code {"$float[]": [...]}}, {@code {"$long[]": [...]}},
 *       {@code {"$int[]": [...]}}, {@code {"$boolean[]": [...]}};</li>
 *   <li>a map whose keys are all strings not starting with {@code $} is a JSON object; any other map
 *       (integer keys, as optimizer state is keyed by parameter index) is {@code {"$map": [[key, value], ...]}}.</li>
 * </ul>
 */
final class StateTree {
    private StateTree() {}

    static Json encode(Object value, String path, Map<String, Tensor> tensorsOut) {
        return switch (value) {
            case null -> Json.Null.INSTANCE;
            case Tensor t -> {
                if (tensorsOut.containsKey(path)) throw new IllegalArgumentException("two tensors in the state map to the key '" + path + "'");
                tensorsOut.put(path, t);
                yield tagged("$tensor", Json.str(path));
            }
            case String s -> Json.str(s);
            case Boolean b -> new Json.Bool(b);
            case Long l -> Json.num(l);
            case Integer i -> tagged("$int", Json.num(i));
            case Short s -> tagged("$int", Json.num(s));
            case Byte b -> tagged("$int", Json.num(b));
            case Double d -> Double.isFinite(d) ? Json.num(d) : tagged("$double", Json.str(d.toString()));
            case Float f -> Float.isFinite(f) ? tagged("$float", Json.num(f.doubleValue())) : tagged("$float", Json.str(f.toString()));
            case double[] a -> { List<Json> l = new ArrayList<>(); for (double x : a) l.add(encode(x, path, tensorsOut)); yield tagged("$double[]", new Json.Arr(l)); }
            case float[] a -> { List<Json> l = new ArrayList<>(); for (float x : a) l.add(encode((double) x, path, tensorsOut)); yield tagged("$float[]", new Json.Arr(l)); }
            case long[] a -> { List<Json> l = new ArrayList<>(); for (long x : a) l.add(Json.num(x)); yield tagged("$long[]", new Json.Arr(l)); }
            case int[] a -> { List<Json> l = new ArrayList<>(); for (int x : a) l.add(Json.num(x)); yield tagged("$int[]", new Json.Arr(l)); }
            case boolean[] a -> { List<Json> l = new ArrayList<>(); for (boolean x : a) l.add(new Json.Bool(x)); yield tagged("$boolean[]", new Json.Arr(l)); }
            case List<?> list -> {
                List<Json> items = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) items.add(encode(list.get(i), path + "." + i, tensorsOut));
                yield new Json.Arr(items);
            }
            case Map<?, ?> map -> {
                boolean plain = map.keySet().stream().allMatch(k -> k instanceof String s && !s.startsWith("$"));
                if (plain) {
                    Map<String, Json> fields = new LinkedHashMap<>();
                    for (var e : map.entrySet()) fields.put((String) e.getKey(), encode(e.getValue(), path + "." + e.getKey(), tensorsOut));
                    yield new Json.Obj(fields);
                }
                List<Json> pairs = new ArrayList<>();
                for (var e : map.entrySet()) {
                    Object k = e.getKey();
                    if (!(k instanceof String || k instanceof Integer || k instanceof Long)) {
                        throw new IllegalArgumentException("state map keys must be String, Integer or Long; got " + (k == null ? "null" : k.getClass().getName()) + " at '" + path + "'");
                    }
                    pairs.add(new Json.Arr(List.of(encode(k, path, new LinkedHashMap<>()), encode(e.getValue(), path + "." + k, tensorsOut))));
                }
                yield tagged("$map", new Json.Arr(pairs));
            }
            default -> throw new IllegalArgumentException("cannot save a " + value.getClass().getName() + " at '" + path
                    + "' in a checkpoint (supported: Tensor, Map, List, String, Boolean, numbers, primitive arrays)");
        };
    }

    private static Json tagged(String tag, Json v) {
        return new Json.Obj(Map.of(tag, v));
    }

    static Object decode(Json json, Map<String, Tensor> tensors) {
        return switch (json) {
            case Json.Null n -> null;
            case Json.Bool b -> b.value();
            case Json.Str s -> s.value();
            case Json.Num n -> n.isInteger() ? (Object) Long.parseLong(n.literal()) : (Object) n.doubleValue();
            case Json.Arr a -> {
                List<Object> out = new ArrayList<>();
                for (Json item : a.items()) out.add(decode(item, tensors));
                yield out;
            }
            case Json.Obj o -> {
                if (o.fields().size() == 1) {
                    var e = o.fields().entrySet().iterator().next();
                    if (e.getKey().startsWith("$")) yield decodeTagged(e.getKey(), e.getValue(), tensors);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                for (var e : o.fields().entrySet()) out.put(e.getKey(), decode(e.getValue(), tensors));
                yield out;
            }
        };
    }

    private static Object decodeTagged(String tag, Json v, Map<String, Tensor> tensors) {
        switch (tag) {
            case "$tensor" -> {
                String key = ((Json.Str) require(v, Json.Str.class, tag)).value();
                Tensor t = tensors.get(key);
                if (t == null) throw new IllegalArgumentException("tensor '" + key + "' is referenced but not in the file");
                return t;
            }
            case "$int" -> { return Math.toIntExact(Long.parseLong(((Json.Num) require(v, Json.Num.class, tag)).literal())); }
            case "$float" -> { return v instanceof Json.Str s ? Float.parseFloat(s.value()) : (float) ((Json.Num) require(v, Json.Num.class, tag)).doubleValue(); }
            case "$double" -> { return Double.parseDouble(((Json.Str) require(v, Json.Str.class, tag)).value()); }
            case "$map" -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Json pair : ((Json.Arr) require(v, Json.Arr.class, tag)).items()) {
                    List<Json> kv = ((Json.Arr) require(pair, Json.Arr.class, "$map entry")).items();
                    if (kv.size() != 2) throw new IllegalArgumentException("$map entry must be [key, value]");
                    out.put(decode(kv.get(0), tensors), decode(kv.get(1), tensors));
                }
                return out;
            }
            case "$double[]", "$float[]", "$long[]", "$int[]", "$boolean[]" -> {
                List<Json> items = ((Json.Arr) require(v, Json.Arr.class, tag)).items();
                int n = items.size();
                switch (tag) {
                    case "$double[]" -> { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = ((Number) decode(items.get(i), tensors)).doubleValue(); return a; }
                    case "$float[]" -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = ((Number) decode(items.get(i), tensors)).floatValue(); return a; }
                    case "$long[]" -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = ((Number) decode(items.get(i), tensors)).longValue(); return a; }
                    case "$int[]" -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = ((Number) decode(items.get(i), tensors)).intValue(); return a; }
                    default -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = (Boolean) decode(items.get(i), tensors); return a; }
                }
            }
            default -> {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put(tag, decode(v, tensors));
                return out;
            }
        }
    }

    private static Json require(Json v, Class<? extends Json> type, String what) {
        if (!type.isInstance(v)) throw new IllegalArgumentException(what + " holds a " + v.getClass().getSimpleName() + ", expected " + type.getSimpleName());
        return v;
    }
}
