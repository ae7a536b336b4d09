package dev.jtorch.tensor;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random chains of view operations (permute, transpose, slice with step, narrow, select, reshape/view,
 * expand, squeeze, unsqueeze, flatten) against {@link Ref}, which materialises each step by index mapping.
 * Each step's parameters are drawn as raw integers and fitted to the shape it meets.
 */
class ViewPropertiesTest {

    enum Kind { PERMUTE, TRANSPOSE, SLICE, NARROW, SELECT, RESHAPE, VIEW_SPLIT, EXPAND, UNSQUEEZE, SQUEEZE, FLATTEN }

    record Step(Kind kind, int a, int b, int c, int d) {}

    @Provide
    Arbitrary<List<Step>> chains() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(-50, 50),
                Arbitraries.integers().between(-50, 50), Arbitraries.integers().between(-50, 50), Arbitraries.integers().between(0, 50)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(7);
    }

    @Property(tries = 400)
    void viewChainsMatchTheIndexMappingReference(
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 5) Integer> dims,
            @ForAll("chains") List<Step> chain, @ForAll boolean float32) {
        long[] shape = dims.stream().mapToLong(Integer::longValue).toArray();
        int n = (int) Ref.numel(shape);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = i * 1.5 - 7;
        Tensor base = Tensor.of(values).reshape(shape);
        if (float32) base = base.to(DType.FLOAT32);
        Ref ref = new Ref(shape, values);
        Tensor t = base;
        List<String> applied = new ArrayList<>();
        for (Step s : chain) {
            Object[] next = apply(s, t, ref);
            if (next == null) continue;
            t = (Tensor) next[0];
            ref = (Ref) next[1];
            applied.add(next[2] + " -> " + Arrays.toString(ref.shape));
            assertArrayEquals(ref.shape, t.shape(), "shape after " + applied);
        }
        String where = "after " + applied;
        assertArrayEquals(ref.data, t.toDoubleArray(), 0.0, where);
        Tensor c = t.contiguous();
        assertTrue(c.isContiguous(), where);
        assertArrayEquals(ref.data, c.toDoubleArray(), 0.0, "contiguous() " + where);
        assertTrue(c.equal(t), "contiguous().equal " + where);
        assertArrayEquals(ref.data, t.clone().toDoubleArray(), 0.0, "clone() " + where);
        // whatever the strides, reading through reshape(-1) and summing agree with the reference
        assertArrayEquals(ref.data, t.reshape(-1).toDoubleArray(), 0.0, "reshape(-1) " + where);
        if (ref.data.length > 0 && ref.data.length < 2000) {
            double sum = 0;
            for (double v : ref.data) sum += v;
            assertEquals(sum, t.to(DType.FLOAT64).sum().item(), 1e-9 * Math.max(1, Math.abs(sum)), "sum " + where);
        }
    }

    /** Applies one step to the tensor and the reference; null when the step does not fit the shape. */
    static Object[] apply(Step s, Tensor t, Ref ref) {
        long[] shape = ref.shape;
        int r = shape.length;
        Random rnd = new Random(s.a() * 31L + s.b() * 7L + s.c());
        switch (s.kind()) {
            case PERMUTE -> {
                if (r == 0) return null;
                List<Integer> p = new ArrayList<>();
                for (int i = 0; i < r; i++) p.add(i);
                Collections.shuffle(p, rnd);
                int[] perm = p.stream().mapToInt(Integer::intValue).toArray();
                Tensor v = t.permute(perm);
                assertSame(t.storage(), v.storage(), "permute is a view");
                return new Object[] {v, ref.permute(perm), "permute" + Arrays.toString(perm)};
            }
            case TRANSPOSE -> {
                if (r == 0) return null;
                int d0 = Math.floorMod(s.a(), r), d1 = Math.floorMod(s.b(), r);
                int[] perm = new int[r];
                for (int i = 0; i < r; i++) perm[i] = i;
                perm[d0] = d1;
                perm[d1] = d0;
                // negative dims count from the end
                Tensor v = t.transpose(d0 - r, d1);
                assertSame(t.storage(), v.storage());
                return new Object[] {v, ref.permute(perm), "transpose(" + d0 + "," + d1 + ")"};
            }
            case SLICE -> {
                if (r == 0) return null;
                int d = Math.floorMod(s.a(), r);
                long n = shape[d];
                long start = s.b() % (n + 3), stop = s.c() % (n + 3), step = 1 + s.d() % 3;
                Tensor v = t.slice(d, start, stop, step);
                assertSame(t.storage(), v.storage());
                return new Object[] {v, ref.slice(d, start, stop, step), "slice(" + d + "," + start + "," + stop + "," + step + ")"};
            }
            case NARROW -> {
                if (r == 0) return null;
                int d = Math.floorMod(s.a(), r);
                long n = shape[d];
                long start = Math.floorMod(s.b(), n + 1), len = Math.floorMod(s.c(), n - start + 1);
                Tensor v = t.narrow(d, start, len);
                return new Object[] {v, ref.slice(d, start, start + len, 1), "narrow(" + d + "," + start + "," + len + ")"};
            }
            case SELECT -> {
                if (r == 0) return null;
                int d = Math.floorMod(s.a(), r);
                if (shape[d] == 0) return null;
                long i = Math.floorMod(s.b(), 2 * shape[d]) - shape[d]; // in [-n, n)
                Tensor v = t.select(d, i);
                assertSame(t.storage(), v.storage());
                return new Object[] {v, ref.select(d, i), "select(" + d + "," + i + ")"};
            }
            case RESHAPE -> {
                long[] ns = randomShapeOf(Ref.numel(shape), rnd);
                long[] arg = ns.clone();
                if (s.d() % 2 == 0 && arg.length > 0 && Ref.numel(shape) > 0) arg[Math.floorMod(s.a(), arg.length)] = -1;
                Tensor v = t.reshape(arg);
                if (t.isContiguous()) assertSame(t.storage(), v.storage(), "reshape of a contiguous tensor is a view");
                return new Object[] {v, ref.reshape(ns), "reshape" + Arrays.toString(arg)};
            }
            case VIEW_SPLIT -> {
                // splitting one dim into two is always expressible as a view, whatever the strides
                if (r == 0) return null;
                int d = Math.floorMod(s.a(), r);
                long n = shape[d];
                List<Long> divisors = new ArrayList<>();
                for (long k = 1; k <= Math.max(n, 1); k++) if (n == 0 ? k == 1 : n % k == 0) divisors.add(k);
                long k = divisors.get(Math.floorMod(s.b(), divisors.size()));
                long[] ns = new long[r + 1];
                for (int i = 0, j = 0; i < r; i++) {
                    if (i == d) {
                        ns[j++] = k;
                        ns[j++] = n / k;
                    } else {
                        ns[j++] = shape[i];
                    }
                }
                Tensor v = t.view(ns);
                assertSame(t.storage(), v.storage());
                return new Object[] {v, ref.reshape(ns), "view" + Arrays.toString(ns)};
            }
            case EXPAND -> {
                int lead = Math.floorMod(s.a(), 2);
                if (r + lead > 5) return null;
                long[] target = new long[r + lead];
                for (int i = 0; i < lead; i++) target[i] = 1 + Math.floorMod(s.b() + i, 3);
                for (int i = 0; i < r; i++) {
                    boolean grow = shape[i] == 1 && ((s.c() >> i) & 1) != 0;
                    target[lead + i] = grow ? 2 + Math.floorMod(s.d(), 2) : (((s.b() >> i) & 1) != 0 ? -1 : shape[i]);
                }
                long[] resolved = target.clone();
                for (int i = 0; i < r; i++) if (resolved[lead + i] == -1) resolved[lead + i] = shape[i];
                if (Ref.numel(resolved) > 2000) return null;
                Tensor v = t.expand(target);
                assertSame(t.storage(), v.storage());
                return new Object[] {v, ref.expand(resolved), "expand" + Arrays.toString(target)};
            }
            case UNSQUEEZE -> {
                if (r >= 5) return null;
                int d = Math.floorMod(s.a(), 2 * (r + 1)) - (r + 1); // in [-(r+1), r+1)
                int at = d < 0 ? d + r + 1 : d;
                long[] ns = new long[r + 1];
                for (int i = 0, j = 0; i <= r; i++) ns[i] = i == at ? 1 : shape[j++];
                return new Object[] {t.unsqueeze(d), ref.reshape(ns), "unsqueeze(" + d + ")"};
            }
            case SQUEEZE -> {
                if (s.d() % 2 == 0 || r == 0) {
                    long[] ns = Arrays.stream(shape).filter(x -> x != 1).toArray();
                    return new Object[] {t.squeeze(), ref.reshape(ns), "squeeze()"};
                }
                int d = Math.floorMod(s.a(), r);
                long[] ns = shape[d] != 1 ? shape.clone() : removeAt(shape, d);
                return new Object[] {t.squeeze(d), ref.reshape(ns), "squeeze(" + d + ")"};
            }
            case FLATTEN -> {
                if (r == 0) return new Object[] {t.flatten(), ref.reshape(new long[] {1}), "flatten()"};
                int a = Math.floorMod(s.a(), r), b = Math.floorMod(s.b(), r);
                int lo = Math.min(a, b), hi = Math.max(a, b);
                long[] ns = new long[r - (hi - lo)];
                int j = 0;
                for (int i = 0; i < lo; i++) ns[j++] = shape[i];
                long p = 1;
                for (int i = lo; i <= hi; i++) p *= shape[i];
                ns[j++] = p;
                for (int i = hi + 1; i < r; i++) ns[j++] = shape[i];
                return new Object[] {t.flatten(lo, hi), ref.reshape(ns), "flatten(" + lo + "," + hi + ")"};
            }
        }
        throw new AssertionError();
    }

    static long[] removeAt(long[] a, int d) {
        long[] r = new long[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) if (i != d) r[j++] = a[i];
        return r;
    }

    /** A random shape with {@code numel} elements: its prime factors spread over 1 to 4 dims, with some 1s. */
    static long[] randomShapeOf(long numel, Random r) {
        int rank = 1 + r.nextInt(4);
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        if (numel == 0) {
            s[r.nextInt(rank)] = 0;
            return s;
        }
        long m = numel;
        for (long p = 2; m > 1; p++) {
            while (m % p == 0) {
                s[r.nextInt(rank)] *= p;
                m /= p;
            }
        }
        return s;
    }
}
