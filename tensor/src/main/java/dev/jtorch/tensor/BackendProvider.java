package dev.jtorch.tensor;

/** A device kind's entry point, listed in {@code META-INF/services/dev.jtorch.tensor.BackendProvider}. */
public interface BackendProvider {
    Device.Kind kind();

    boolean isAvailable();

    /** One line saying what was looked for and where, when {@link #isAvailable()} is false. */
    default String unavailableReason() { return kind() + " backend unavailable"; }

    /** The backend for one device of this kind; throws with {@link #unavailableReason()} if not available. */
    Backend backend(Device device);
}
