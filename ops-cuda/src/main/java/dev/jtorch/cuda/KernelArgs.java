package dev.jtorch.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The arguments of one launch, in the kernel's parameter order, as {@code cuLaunchKernel} takes them: an
 * array of pointers, one to each value. The driver copies the values at launch, so they live only as long
 * as this object.
 */
final class KernelArgs implements AutoCloseable {
    final Arena arena = Arena.ofConfined();
    private final List<MemorySegment> values = new ArrayList<>();

    KernelArgs pointer(long address) { return add(JAVA_LONG, address); }
    KernelArgs i32(int v) { return add(JAVA_INT, v); }
    KernelArgs i64(long v) { return add(JAVA_LONG, v); }
    KernelArgs f64(double v) { return add(JAVA_DOUBLE, v); }
    KernelArgs strided(long[] sizes, long[] strides) { return struct(KernelStructs.strided(arena, sizes, strides)); }

    KernelArgs struct(MemorySegment value) {
        values.add(value);
        return this;
    }

    private KernelArgs add(ValueLayout.OfLong layout, long v) { return struct(arena.allocateFrom(layout, v)); }
    private KernelArgs add(ValueLayout.OfInt layout, int v) { return struct(arena.allocateFrom(layout, v)); }
    private KernelArgs add(ValueLayout.OfDouble layout, double v) { return struct(arena.allocateFrom(layout, v)); }

    MemorySegment params() {
        MemorySegment array = arena.allocate(ADDRESS, Math.max(1, values.size()));
        for (int i = 0; i < values.size(); i++) array.setAtIndex(ADDRESS, i, values.get(i));
        return array;
    }

    @Override public void close() { arena.close(); }
}
