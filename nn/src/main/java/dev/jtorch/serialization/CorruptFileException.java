package dev.jtorch.serialization;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file whose content is not what its format says: truncated, a header that lies about sizes, bad JSON,
 * an offset out of range, a forbidden pickle global. The message names the file and what was wrong.
 */
public class CorruptFileException extends IOException {
    public CorruptFileException(String message) { super(message); }
    public CorruptFileException(String message, Throwable cause) { super(message, cause); }

    public static CorruptFileException of(Path file, String what) {
        return new CorruptFileException(file + ": " + what);
    }
}
