package dev.jtorch.tensor;

/** Element types, named as PyTorch names them ({@code torch.float32} ...). */
public enum DType {
    FLOAT32(4, "float32", true),
    FLOAT64(8, "float64", true),
    INT64(8, "int64", false),
    INT32(4, "int32", false),
    BOOL(1, "bool", false);

    private final int byteSize;
    private final String pyName;
    private final boolean floating;

    DType(int byteSize, String pyName, boolean floating) {
        this.byteSize = byteSize;
        this.pyName = pyName;
        this.floating = floating;
    }

    public int byteSize() { return byteSize; }
    public boolean isFloatingPoint() { return floating; }
    /** The name PyTorch prints, without the {@code torch.} prefix. */
    public String pyName() { return pyName; }

    /** PyTorch's scalar-type name, as its dtype errors print it ({@code Float}, {@code Long}). */
    public String scalarTypeName() {
        return switch (this) {
            case FLOAT32 -> "Float";
            case FLOAT64 -> "Double";
            case INT64 -> "Long";
            case INT32 -> "Int";
            case BOOL -> "Bool";
        };
    }

    /** PyTorch's type promotion for two tensor operands: bool < int32 < int64 < float32 < float64. */
    public static DType promote(DType a, DType b) {
        return a.rank() >= b.rank() ? a : b;
    }

    private int rank() {
        return switch (this) {
            case BOOL -> 0;
            case INT32 -> 1;
            case INT64 -> 2;
            case FLOAT32 -> 3;
            case FLOAT64 -> 4;
        };
    }

    /** Parses "float32", "torch.float32", and PyTorch's aliases ("float", "double", "long", "int"). */
    public static DType parse(String name) {
        String n = name.startsWith("torch.") ? name.substring(6) : name;
        return switch (n) {
            case "float32", "float" -> FLOAT32;
            case "float64", "double" -> FLOAT64;
            case "int64", "long" -> INT64;
            case "int32", "int" -> INT32;
            case "bool" -> BOOL;
            default -> throw new IllegalArgumentException("unknown dtype '" + name + "'");
        };
    }

    @Override public String toString() { return "torch." + pyName; }
}
