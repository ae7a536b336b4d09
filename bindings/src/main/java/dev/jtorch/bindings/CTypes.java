package dev.jtorch.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.ValueLayout;

/** C types on the platforms CUDA ships for (LP64 Linux): the names bindings use in their descriptors. */
public final class CTypes {
    private CTypes() {}

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;
}
