package dev.jtorch.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two benchmark selections measured in alternating forks, round after round (A then B, B then A, ...), and their
 * time ratio A / B taken per round: each ratio compares two forks that ran back to back, so a machine that is
 * slower for minutes (a shared host: this project's 2-vCPU guest runs the same JMH fork 1.3-3x apart from one
 * minute to the next) moves both sides of a ratio instead of one. The report gives, for each parameter
 * combination, every round's ratio, their median and range, and whether A was faster in every round.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.jtorch.bench.Paired ROUNDS A_REGEX B_REGEX [JMH options]}, or through
 * the bench's script: {@code bench/run.sh --paired 5 'LstmTrainBench.jtorch$' 'LstmTrainBench.libtorch$' -p threads=2
 * -wi 6 -i 5}. Each round runs one fork per side ({@code -f} is ignored). Within a side, each parameter combination
 * must select one benchmark; the two sides pair by their parameter values.
 */
public final class Paired {
    private Paired() {}

    /** Seconds per operation of each round, for one side and parameter combination. */
    private record Side(String benchmark, List<Double> seconds) {}

    public static void main(String[] args) throws CommandLineOptionException, RunnerException {
        if (args.length < 3) {
            System.err.println("usage: Paired ROUNDS A_REGEX B_REGEX [JMH options]");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        String[] regex = {args[1], args[2]};
        CommandLineOptions jmh = new CommandLineOptions(Arrays.copyOfRange(args, 3, args.length));
        List<Map<String, Side>> sides = List.of(new TreeMap<>(), new TreeMap<>());
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < 2; i++) {
                int side = round % 2 == 0 ? i : 1 - i;
                Collection<RunResult> results = new Runner(new OptionsBuilder().parent(jmh).include(regex[side]).forks(1).build()).run();
                if (results.isEmpty()) throw new IllegalStateException("no benchmark matches " + regex[side]);
                for (RunResult r : results) record(sides.get(side), r, round);
            }
        }
        System.out.print(report(regex, sides, rounds));
    }

    private static void record(Map<String, Side> side, RunResult r, int round) {
        BenchmarkParams params = r.getParams();
        String key = paramsKey(params);
        Side s = side.computeIfAbsent(key, k -> new Side(params.getBenchmark(), new ArrayList<>()));
        if (!s.benchmark().equals(params.getBenchmark()) || s.seconds().size() != round) {
            throw new IllegalStateException("one side selects both " + s.benchmark() + " and " + params.getBenchmark()
                    + " at " + key + ": narrow its pattern");
        }
        s.seconds().add(r.getPrimaryResult().getScore() * Report.secondsPer(r.getPrimaryResult().getScoreUnit()));
    }

    private static String paramsKey(BenchmarkParams params) {
        StringBuilder key = new StringBuilder();
        for (String name : new TreeSet<>(params.getParamsKeys())) {
            if (!key.isEmpty()) key.append(' ');
            key.append(name).append('=').append(params.getParam(name));
        }
        return key.toString();
    }

    /** The Markdown table of per-round ratios, one row per parameter combination both sides measured. */
    static String report(String[] regex, List<Map<String, Side>> sides, int rounds) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nPaired: A = %s, B = %s, %d rounds of one fork each, alternating which side runs first%n%n", regex[0], regex[1], rounds));
        out.append("| parameters | A median | B median | A / B per round | median A / B | range | verdict |\n");
        out.append("|---|---:|---:|---|---:|---|---|\n");
        for (var entry : sides.get(0).entrySet()) {
            Side b = sides.get(1).get(entry.getKey());
            if (b == null) continue;
            List<Double> a = entry.getValue().seconds(), ratios = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) ratios.add(a.get(i) / b.seconds().get(i));
            double lo = ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double hi = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            StringBuilder each = new StringBuilder();
            for (double r : ratios) each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r));
            String verdict = hi < 1 ? "A faster in every round" : lo > 1 ? "B faster in every round" : "mixed";
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | **%.2fx** | %.2f-%.2f | %s |%n", entry.getKey(),
                    time(median(a)), time(median(b.seconds())), each, median(ratios), lo, hi, verdict));
        }
        return out.toString();
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String time(double seconds) {
        if (seconds >= 1e-3) return String.format(Locale.ROOT, "%.2f ms", seconds * 1e3);
        return String.format(Locale.ROOT, "%.1f us", seconds * 1e6);
    }
}
