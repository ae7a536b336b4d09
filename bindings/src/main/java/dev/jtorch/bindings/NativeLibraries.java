package dev.jtorch.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Loads each {@link NativeLibrary} once, by absolute path, after the libraries it needs, and remembers the
 * outcome: a loaded library stays loaded for the life of the process ({@link Arena#global()}), a missing one
 * stays missing with its one-line reason.
 */
public final class NativeLibraries {
    /** What loading a library came to. */
    public sealed interface Status permits Loaded, Missing {}

    /** The library loaded from {@code path}. */
    public record Loaded(Path path, SymbolLookup lookup) implements Status {}

    /** The library could not be loaded, for the one-line {@code reason}. */
    public record Missing(String reason) implements Status {}

    private static final Map<NativeLibrary, Status> STATUS = new EnumMap<>(NativeLibrary.class);
    private static LibrarySearch search;

    private NativeLibraries() {}

    /** The search used by this process, built from its settings on first use. */
    public static synchronized LibrarySearch search() {
        if (search == null) search = LibrarySearch.fromEnvironment();
        return search;
    }

    /** Loads {@code library} and what it needs, once; never throws. */
    public static synchronized Status status(NativeLibrary library) {
        Status known = STATUS.get(library);
        if (known != null) return known;
        Status status = load(library);
        STATUS.put(library, status);
        return status;
    }

    /** The library's symbols; throws {@link CudaUnavailableException} with the reason if it cannot be loaded. */
    public static SymbolLookup require(NativeLibrary library) {
        return switch (status(library)) {
            case Loaded loaded -> loaded.lookup();
            case Missing missing -> throw new CudaUnavailableException(missing.reason());
        };
    }

    /** Why the library cannot be used, in one line; empty when it loaded. Never throws. */
    public static Optional<String> unavailableReason(NativeLibrary library) {
        return status(library) instanceof Missing missing ? Optional.of(missing.reason()) : Optional.empty();
    }

    /** The file the library was loaded from, if it loaded. */
    public static Optional<Path> path(NativeLibrary library) {
        return status(library) instanceof Loaded loaded ? Optional.of(loaded.path()) : Optional.empty();
    }

    private static Status load(NativeLibrary library) {
        for (NativeLibrary optional : library.preloads()) status(optional);
        Optional<Path> file = search().find(library);
        if (file.isEmpty()) return new Missing(search().notFoundMessage(library));
        for (NativeLibrary needed : library.requires()) {
            if (status(needed) instanceof Missing missing) {
                return new Missing(library.title() + " at " + file.get() + " needs " + needed.title() + ": " + missing.reason());
            }
        }
        try {
            return new Loaded(file.get(), SymbolLookup.libraryLookup(file.get(), Arena.global()));
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return new Missing(library.title() + " found at " + file.get() + " but could not be loaded (" + e.getMessage()
                    + "); its dependencies may be missing or of another CUDA version");
        }
    }
}
