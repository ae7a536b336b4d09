package dev.jtorch.tensor;

/** Whether operations record the autograd graph on this thread, as {@code torch.is_grad_enabled()}. */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() { return ENABLED.get()[0]; }

    /** {@code try (var g = GradMode.set(false)) {...}} restores the previous mode on close. */
    public static Guard set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        Guard g = new Guard(cell, cell[0]);
        cell[0] = enabled;
        return g;
    }

    /** The no-grad scope: {@code try (var g = GradMode.noGrad()) {...}}. */
    public static Guard noGrad() { return set(false); }

    public static final class Guard implements AutoCloseable {
        private final boolean[] cell;
        private final boolean previous;

        private Guard(boolean[] cell, boolean previous) {
            this.cell = cell;
            this.previous = previous;
        }

        @Override public void close() { cell[0] = previous; }
    }
}
