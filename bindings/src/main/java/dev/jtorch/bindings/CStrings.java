package dev.jtorch.bindings;

import java.lang.foreign.MemorySegment;

/** C strings coming back from native calls. */
public final class CStrings {
    private CStrings() {}

    /** Longest string read back; error strings and logs are far shorter, and a bad pointer must not read forever. */
    private static final long MAX_LENGTH = 1 << 20;

    /**
     * The NUL-terminated UTF-8 string at {@code pointer}, or null for NULL. Pointers returned by a downcall are
     * zero-length segments: this widens it, which is safe only for pointers the C API documents as strings.
     */
    public static String read(MemorySegment pointer) {
        if (pointer == null || pointer.equals(MemorySegment.NULL)) return null;
        return pointer.reinterpret(MAX_LENGTH).getString(0);
    }
}
