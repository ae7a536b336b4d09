package dev.jtorch.tensor;

import java.util.Objects;

/** Where a tensor's storage lives: {@code cpu} or {@code cuda:N}. */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, -1);
    public static final Device CUDA = new Device(Kind.CUDA, 0);

    public Device {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.CPU && index != -1) throw new IllegalArgumentException("cpu device has no index, got " + index);
        if (kind == Kind.CUDA && index < 0) throw new IllegalArgumentException("cuda device index must be >= 0, got " + index);
    }

    public static Device cuda(int index) { return new Device(Kind.CUDA, index); }

    /** Parses {@code "cpu"}, {@code "cuda"} and {@code "cuda:1"}. */
    public static Device parse(String s) {
        if (s.equals("cpu")) return CPU;
        if (s.equals("cuda")) return CUDA;
        if (s.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device string '" + s + "'");
            }
        }
        throw new IllegalArgumentException("Expected one of cpu, cuda device type at start of device string: " + s);
    }

    public boolean isCpu() { return kind == Kind.CPU; }

    @Override public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}
