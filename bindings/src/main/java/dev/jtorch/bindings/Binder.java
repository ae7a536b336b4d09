package dev.jtorch.bindings;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Makes the downcall handles of one binding class, once, when the class initializes: that is the first use of
 * the header's functions, so each library is loaded lazily and only when used. A function whose library or
 * symbol is missing gets a handle that throws {@link CudaUnavailableException} with the reason when called,
 * so a class binding a newer function still works for the rest on an older library.
 *
 * <p>Every bound name is recorded; {@link #symbols()} is what the symbol tests check against the libraries.
 */
public final class Binder {
    private static final Linker LINKER = Linker.nativeLinker();
    /** For calls that return quickly and never block or call back: descriptor setters, error strings. */
    private static final Linker.Option[] CRITICAL = {Linker.Option.critical(false)};
    private static final Linker.Option[] NONE = {};

    private final List<NativeSymbol> symbols = new ArrayList<>();

    /** Binds {@code name} from {@code library} as an ordinary downcall (may block, may run long). */
    public MethodHandle bind(NativeLibrary library, String name, FunctionDescriptor descriptor) {
        return bind(library, name, descriptor, NONE);
    }

    /**
     * Binds {@code name} as a critical downcall: no thread-state transition, so it is cheaper but stalls GC
     * while it runs. Only for short calls that never block: descriptor setters and getters, error strings.
     */
    public MethodHandle bindCritical(NativeLibrary library, String name, FunctionDescriptor descriptor) {
        return bind(library, name, descriptor, CRITICAL);
    }

    private MethodHandle bind(NativeLibrary library, String name, FunctionDescriptor descriptor, Linker.Option[] options) {
        symbols.add(new NativeSymbol(library, name));
        MethodType type = descriptor.toMethodType();
        SymbolLookup lookup;
        try {
            lookup = NativeLibraries.require(library);
        } catch (CudaUnavailableException e) {
            return throwing(type, name + " unavailable: " + e.getMessage());
        }
        Optional<MemorySegment> address = lookup.find(name);
        if (address.isEmpty()) {
            String where = NativeLibraries.path(library).map(Object::toString).orElse(library.fileName());
            return throwing(type, "symbol " + name + " not found in " + where + " (a different version of " + library.title() + "?)");
        }
        return LINKER.downcallHandle(address.get(), descriptor, options);
    }

    /** The functions bound so far, in declaration order, each with the library that must export it. */
    public List<NativeSymbol> symbols() {
        return Collections.unmodifiableList(symbols);
    }

    /** Passes an unchecked throwable on; a checked one cannot come out of a downcall, but the compiler cannot know. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    private static MethodHandle throwing(MethodType type, String reason) {
        // One shared exception without a stack trace: the reason is what matters, and it is the same each call.
        CudaUnavailableException failure = CudaUnavailableException.shared(reason);
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), CudaUnavailableException.class).bindTo(failure);
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }
}
