package dev.jtorch.bindings;

/** A C function a binding class declares, and the library that must export it. */
public record NativeSymbol(NativeLibrary library, String name) {
    @Override public String toString() { return name + " (" + library.fileName() + ")"; }
}
