package dev.jtorch.serialization;

import dev.jtorch.tensor.DType;

import java.util.Set;

/** The safetensors spelling of each jtorch dtype, and the order Python's safetensors lays dtypes out in. */
final class SafetensorsDType {
    private SafetensorsDType() {}

    /** Every dtype name of the format, so a file using one jtorch lacks gets "unsupported", not "unknown". */
    static final Set<String> FORMAT_NAMES = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3",
            "F6_E3M2", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64", "C64");

    static String name(DType d) {
        return switch (d) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case BOOL -> "BOOL";
        };
    }

    /** The dtype for a format name, or null if jtorch has none. */
    static DType parse(String name) {
        return switch (name) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "BOOL" -> DType.BOOL;
            default -> null;
        };
    }

    /**
     * Position in the Rust crate's {@code Dtype} enum (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16,
     * I32, U32, F32, F64, I64, U64): the writer sorts tensors by it, descending, then by name.
     */
    static int layoutRank(DType d) {
        return switch (d) {
            case BOOL -> 0;
            case INT32 -> 9;
            case FLOAT32 -> 11;
            case FLOAT64 -> 12;
            case INT64 -> 13;
        };
    }
}
