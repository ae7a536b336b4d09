package dev.jtorch.serialization;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle interpreter that knows only what {@code torch.save} writes for tensors and (ordered) dicts: the data
 * opcodes of protocols 2 to 5, a fixed allow-list of globals, and {@code BINPERSID} storage references. Nothing
 * is ever looked up or called by name: an allowed global becomes a {@link Global} marker and {@code REDUCE}
 * on it is interpreted here. Any other global or opcode is rejected, naming it, so loading cannot run code.
 */
final class RestrictedUnpickler {
    /** A callable the pickle named; only allowed ones are ever created. */
    record Global(String module, String name) {
        String qualified() { return module + "." + name; }
    }

    /** What {@code REDUCE} and {@code BINPERSID} are turned into; supplied by the .pth reader. */
    interface Hooks {
        Object persistentLoad(Object pid) throws CorruptFileException;
        Object rebuildTensor(List<Object> args) throws CorruptFileException;
    }

    static final Set<String> ALLOWED_GLOBALS = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter",
            "torch.FloatStorage", "torch.DoubleStorage", "torch.LongStorage", "torch.IntStorage", "torch.BoolStorage");

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final String source;
    private final Hooks hooks;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    RestrictedUnpickler(byte[] pickle, String source, Hooks hooks) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.hooks = hooks;
    }

    private CorruptFileException error(int at, String what) {
        return new CorruptFileException(source + ": pickle offset " + at + ": " + what);
    }

    Object load() throws CorruptFileException {
        while (true) {
            if (!in.hasRemaining()) throw error(in.position(), "truncated pickle: no STOP opcode");
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8(at);
                    if (proto < 2 || proto > 5) throw error(at, "unsupported pickle protocol " + proto);
                }
                case 0x95 -> skip(at, 8); // FRAME: a length hint only
                case '.' -> { // STOP
                    if (stack.size() != 1) throw error(at, "STOP with " + stack.size() + " values on the stack");
                    return stack.getFirst();
                }
                case '(' -> marks.add(stack.size());
                case ')' -> push(Collections.emptyList());
                case 't' -> push(Collections.unmodifiableList(popMark(at)));
                case 0x85 -> push(tuple(at, 1));
                case 0x86 -> push(tuple(at, 2));
                case 0x87 -> push(tuple(at, 3));
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> push(dictOf(at, popMark(at)));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark(at)));
                case 'a' -> { Object v = pop(at); list(at, peek(at)).add(v); }
                case 'e' -> { List<Object> items = popMark(at); list(at, peek(at)).addAll(items); }
                case 's' -> { Object v = pop(at); Object k = pop(at); dict(at, peek(at)).put(k, v); }
                case 'u' -> {
                    List<Object> items = popMark(at);
                    if (items.size() % 2 != 0) throw error(at, "SETITEMS with an odd number of items");
                    Map<Object, Object> d = dict(at, peek(at));
                    for (int i = 0; i < items.size(); i += 2) d.put(items.get(i), items.get(i + 1));
                }
                case 'q' -> memo.put(u8(at), peek(at));
                case 'r' -> memo.put(nonNegativeInt(at), peek(at));
                case 0x94 -> memo.put(memo.size(), peek(at)); // MEMOIZE
                case 'h' -> push(memoGet(at, u8(at)));
                case 'j' -> push(memoGet(at, nonNegativeInt(at)));
                case 'J' -> push((long) int32(at));
                case 'K' -> push((long) u8(at));
                case 'M' -> { need(at, 2); push((long) (in.getShort() & 0xffff)); }
                case 0x8a -> push(long1(at)); // LONG1
                case 'G' -> { need(at, 8); push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); } // big-endian
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(null);
                case 'X' -> push(utf8(at, nonNegativeInt(at)));
                case 0x8c -> push(utf8(at, u8(at))); // SHORT_BINUNICODE
                case 0x8d -> { need(at, 8); long n = in.getLong(); if (n < 0 || n > in.remaining()) throw error(at, "string length " + n + " runs past the end"); push(utf8(at, (int) n)); }
                case 'U' -> push(latin1(at, u8(at))); // SHORT_BINSTRING
                case 'T' -> push(latin1(at, nonNegativeInt(at))); // BINSTRING
                case 'c' -> push(global(at, line(at), line(at)));
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at), module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) throw error(at, "STACK_GLOBAL needs two strings");
                    push(global(at, m, n));
                }
                case 'Q' -> push(hooks.persistentLoad(pop(at))); // BINPERSID
                case 'R' -> { Object args = pop(at); Object fn = pop(at); push(reduce(at, fn, args)); }
                case 'b' -> { // BUILD: only the _metadata attribute torch sets on state-dict OrderedDicts
                    Object state = pop(at);
                    Object target = peek(at);
                    if (!(target instanceof Map<?, ?>)) throw error(at, "BUILD on a " + describe(target) + " is not allowed");
                    if (state != null && !(state instanceof Map<?, ?>)) throw error(at, "BUILD with a " + describe(state) + " state is not allowed");
                }
                default -> throw error(at, "pickle opcode " + opcodeName(op) + " is not allowed in a .pth file (only tensors and dicts can be loaded)");
            }
        }
    }

    private Object global(int at, String module, String name) throws CorruptFileException {
        String q = module + "." + name;
        if (!ALLOWED_GLOBALS.contains(q)) {
            throw error(at, "pickle global '" + q + "' is not allowed: .pth loading accepts only tensors and dicts, never code (allowed: "
                    + String.join(", ", new java.util.TreeSet<>(ALLOWED_GLOBALS)) + ")");
        }
        return new Global(module, name);
    }

    private Object reduce(int at, Object fn, Object args) throws CorruptFileException {
        if (!(fn instanceof Global g)) throw error(at, "REDUCE on a " + describe(fn) + " is not allowed");
        if (!(args instanceof List<?> a)) throw error(at, "REDUCE arguments of " + g.qualified() + " are not a tuple");
        @SuppressWarnings("unchecked") List<Object> argList = (List<Object>) a;
        return switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                if (!argList.isEmpty()) throw error(at, "collections.OrderedDict called with arguments");
                yield new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2" -> hooks.rebuildTensor(argList);
            case "torch._utils._rebuild_parameter" -> {
                if (argList.isEmpty()) throw error(at, "_rebuild_parameter without arguments");
                yield argList.getFirst();
            }
            default -> throw error(at, "calling " + g.qualified() + " is not allowed");
        };
    }

    private List<Object> tuple(int at, int n) throws CorruptFileException {
        if (stack.size() < n) throw error(at, "stack underflow");
        List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return Collections.unmodifiableList(items);
    }

    private Map<Object, Object> dictOf(int at, List<Object> items) throws CorruptFileException {
        if (items.size() % 2 != 0) throw error(at, "DICT with an odd number of items");
        Map<Object, Object> d = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) d.put(items.get(i), items.get(i + 1));
        return d;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(int at, Object o) throws CorruptFileException {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw error(at, "APPEND to a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(int at, Object o) throws CorruptFileException {
        if (o instanceof LinkedHashMap<?, ?> m) return (Map<Object, Object>) m;
        throw error(at, "SETITEM on a " + describe(o));
    }

    private List<Object> popMark(int at) throws CorruptFileException {
        if (marks.isEmpty()) throw error(at, "no MARK on the stack");
        int m = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void push(Object o) { stack.add(o); }

    private Object pop(int at) throws CorruptFileException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.getLast() >= stack.size())) throw error(at, "stack underflow");
        return stack.removeLast();
    }

    private Object peek(int at) throws CorruptFileException {
        if (stack.isEmpty()) throw error(at, "stack underflow");
        return stack.getLast();
    }

    private Object memoGet(int at, int i) throws CorruptFileException {
        if (!memo.containsKey(i)) throw error(at, "memo key " + i + " was never stored");
        return memo.get(i);
    }

    private void need(int at, int n) throws CorruptFileException {
        if (in.remaining() < n) throw error(at, "truncated pickle: opcode needs " + n + " more bytes");
    }

    private void skip(int at, int n) throws CorruptFileException { need(at, n); in.position(in.position() + n); }

    private int u8(int at) throws CorruptFileException { need(at, 1); return in.get() & 0xff; }

    private int int32(int at) throws CorruptFileException { need(at, 4); return in.getInt(); }

    private int nonNegativeInt(int at) throws CorruptFileException {
        int v = int32(at);
        if (v < 0) throw error(at, "negative length or index " + v);
        return v;
    }

    private long long1(int at) throws CorruptFileException {
        int n = u8(at);
        if (n > 8) throw error(at, "integer of " + n + " bytes is too large");
        need(at, n);
        long v = 0;
        for (int i = 0; i < n; i++) v |= (in.get() & 0xffL) << (8 * i);
        if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) v -= 1L << (8 * n); // sign-extend
        return v;
    }

    private String utf8(int at, int n) throws CorruptFileException {
        need(at, n);
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String latin1(int at, int n) throws CorruptFileException {
        need(at, n);
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private String line(int at) throws CorruptFileException {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        throw error(at, "truncated pickle: GLOBAL name without newline");
    }

    static String describe(Object o) {
        return switch (o) {
            case null -> "None";
            case Global g -> g.qualified();
            case List<?> l -> "tuple/list";
            case Map<?, ?> m -> "dict";
            default -> o.getClass().getSimpleName();
        };
    }

    static String opcodeName(int op) {
        String name = switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 0x82, 0x83, 0x84 -> "EXT";
            case 'P' -> "PERSID";
            case 'S' -> "STRING";
            case 'I' -> "INT";
            case 'L' -> "LONG";
            case 'F' -> "FLOAT";
            case 'V' -> "UNICODE";
            case 'C', 'B', 0x8e -> "BINBYTES";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            case 0x8b -> "LONG4";
            case 0x8f -> "EMPTY_SET";
            case 0x90 -> "ADDITEMS";
            case 0x91 -> "FROZENSET";
            case '0' -> "POP";
            case '1' -> "POP_MARK";
            case '2' -> "DUP";
            case 'g' -> "GET";
            case 'p' -> "PUT";
            default -> "?";
        };
        return String.format("0x%02x (%s)", op, name);
    }
}
