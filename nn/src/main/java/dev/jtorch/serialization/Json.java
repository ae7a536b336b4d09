package dev.jtorch.serialization;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that safetensors headers and checkpoint metadata need, and no more: a value tree, a strict parser
 * (bounded nesting, duplicate keys rejected, the whole input consumed) and a compact writer that prints what
 * Rust's {@code serde_json} prints, so headers come out byte for byte as Python's safetensors writes them.
 */
public sealed interface Json {
    record Obj(Map<String, Json> fields) implements Json {
        public Obj { fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields)); }
    }
    record Arr(List<Json> items) implements Json {
        public Arr { items = List.copyOf(items); }
    }
    record Str(String value) implements Json {}
    /** A number kept as its literal text, so integers beyond 2^53 survive. */
    record Num(String literal) implements Json {
        public boolean isInteger() { return literal.indexOf('.') < 0 && literal.indexOf('e') < 0 && literal.indexOf('E') < 0; }
        public BigDecimal decimal() { return new BigDecimal(literal); }
        public double doubleValue() { return Double.parseDouble(literal); }
    }
    record Bool(boolean value) implements Json {}
    enum Null implements Json { INSTANCE }

    static Json num(long v) { return new Num(Long.toString(v)); }
    static Json num(double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("JSON has no representation for " + v);
        String s = Double.toString(v);
        return new Num(s);
    }
    static Json str(String s) { return new Str(s); }

    /** Deepest nesting the parser accepts; real headers nest three levels. */
    int MAX_DEPTH = 128;

    /** Parses a complete JSON text; trailing whitespace is allowed, anything else after the value is not. */
    static Json parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Json v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "' after the end of the JSON value");
        return v;
    }

    /** Compact JSON text of a value (no spaces), as {@code serde_json::to_string}. */
    static String write(Json value) {
        StringBuilder sb = new StringBuilder();
        Writer.write(value, sb);
        return sb.toString();
    }

    final class JsonException extends IllegalArgumentException {
        public JsonException(String message) { super(message); }
    }

    final class Writer {
        private Writer() {}

        static void write(Json v, StringBuilder sb) {
            switch (v) {
                case Obj o -> {
                    sb.append('{');
                    boolean first = true;
                    for (var e : o.fields().entrySet()) {
                        if (!first) sb.append(',');
                        first = false;
                        string(e.getKey(), sb);
                        sb.append(':');
                        write(e.getValue(), sb);
                    }
                    sb.append('}');
                }
                case Arr a -> {
                    sb.append('[');
                    for (int i = 0; i < a.items().size(); i++) {
                        if (i > 0) sb.append(',');
                        write(a.items().get(i), sb);
                    }
                    sb.append(']');
                }
                case Str s -> string(s.value(), sb);
                case Num n -> sb.append(n.literal());
                case Bool b -> sb.append(b.value());
                case Null ignored -> sb.append("null");
            }
        }

        static void string(String s, StringBuilder sb) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                    }
                }
            }
            sb.append('"');
        }
    }

    final class Parser {
        private final String s;
        private int pos;

        private Parser(String s) { this.s = s; }

        private JsonException error(String what) {
            return new JsonException("invalid JSON at offset " + pos + ": " + what);
        }

        private void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        private char peek() {
            if (pos >= s.length()) throw error("unexpected end of input");
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "' but found '" + s.charAt(pos) + "'");
            pos++;
        }

        private Json value(int depth) {
            if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
            char c = peek();
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> new Str(string());
                case 't' -> literal("true", new Bool(true));
                case 'f' -> literal("false", new Bool(false));
                case 'n' -> literal("null", Null.INSTANCE);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Json literal(String word, Json v) {
            if (!s.startsWith(word, pos)) throw error("expected '" + word + "'");
            pos += word.length();
            return v;
        }

        private Json object(int depth) {
            expect('{');
            Map<String, Json> fields = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') { pos++; return new Obj(fields); }
            while (true) {
                skipWhitespace();
                if (peek() != '"') throw error("expected a string key");
                int keyAt = pos;
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Json v = value(depth + 1);
                if (fields.put(key, v) != null) {
                    pos = keyAt;
                    throw error("duplicate key \"" + key + "\"");
                }
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == '}') return new Obj(fields);
                if (c != ',') { pos--; throw error("expected ',' or '}' but found '" + c + "'"); }
            }
        }

        private Json array(int depth) {
            expect('[');
            List<Json> items = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') { pos++; return new Arr(items); }
            while (true) {
                skipWhitespace();
                items.add(value(depth + 1));
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == ']') return new Arr(items);
                if (c != ',') { pos--; throw error("expected ',' or ']' but found '" + c + "'"); }
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c < 0x20) { pos--; throw error("control character in string"); }
                if (c != '\\') { sb.append(c); continue; }
                if (pos >= s.length()) throw error("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("truncated \\u escape");
                        int cp = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos++), 16);
                            if (d < 0) throw error("bad hex digit in \\u escape");
                            cp = cp * 16 + d;
                        }
                        sb.append((char) cp);
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            }
        }

        private Json number() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            if (pos >= s.length()) throw error("truncated number");
            if (s.charAt(pos) == '0') pos++;
            else if (!digits()) throw error("expected a digit");
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                if (!digits()) throw error("expected a digit after '.'");
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                if (!digits()) throw error("expected a digit in the exponent");
            }
            return new Num(s.substring(start, pos));
        }

        private boolean digits() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
            return pos > start;
        }
    }
}
