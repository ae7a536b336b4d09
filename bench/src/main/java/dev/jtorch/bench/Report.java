package dev.jtorch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JMH CSV result ({@code -rf csv}) into the Markdown tables of bench/RESULTS.md: for each family of
 * square-GEMM benchmarks ({@code SgemmBench}, {@code DgemmBench}, and peer classes named {@code <Peer>SgemmBench};
 * time per call), GFLOP/s = 2 n^3 / time for jtorch and each peer method,
 * the jtorch/peer ratio, and jtorch as a fraction of the FMA peak ({@code FmaPeakBench}, already in GFLOP/s) at
 * the same number of threads: a GEMM row's {@code threads} parameter against the FMA run on as many JMH threads.
 * Usage: {@code java -cp benchmarks.jar dev.jtorch.bench.Report result.csv}.
 */
public final class Report {
    private Report() {}

    /** One CSV line; {@code jmhThreads} is JMH's own thread count (the FMA peak's), not a benchmark parameter. */
    record Row(String benchClass, String method, int jmhThreads, double score, double error, String unit,
               Map<String, String> params) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Report <jmh-result.csv>");
            System.exit(2);
        }
        List<Row> rows = read(Path.of(args[0]));
        // threads -> the best FMA rate measured on that many threads (the widest width the JIT maps wins)
        Map<String, Double> peaks = new TreeMap<>();
        StringBuilder out = new StringBuilder();
        for (Row r : rows) {
            if (r.benchClass().endsWith("FmaPeakBench")) {
                out.append(String.format(Locale.ROOT, "FMA peak (%s, %d threads): %.1f ± %.1f GFLOP/s%n",
                        r.method(), r.jmhThreads(), r.score(), r.error()));
                peaks.merge(Integer.toString(r.jmhThreads()), r.score(), Math::max);
            }
        }
        boolean withPeak = !peaks.isEmpty();
        // benchClass -> n/threads -> method -> GFLOP/s
        Map<String, Map<String, Map<String, Double>>> gemm = new TreeMap<>();
        for (Row r : rows) {
            if (!r.benchClass().toLowerCase(Locale.ROOT).endsWith("gemmbench") || !r.params().containsKey("n")) continue;
            double n = Double.parseDouble(r.params().get("n"));
            double seconds = r.score() * secondsPer(r.unit());
            String key = String.format("%6d | %s", (long) n, r.params().getOrDefault("threads", "?"));
            // One table per family (SgemmBench, DgemmBench); a peer's own class (LibtorchSgemmBench.mm) joins
            // its family's table as a column named after the class's prefix (libtorch.mm).
            String simpleName = r.benchClass().substring(r.benchClass().lastIndexOf('.') + 1);
            String family = simpleName.length() >= "SgemmBench".length()
                    ? simpleName.substring(simpleName.length() - "SgemmBench".length()) : simpleName;
            String prefix = simpleName.substring(0, simpleName.length() - family.length()).toLowerCase(Locale.ROOT);
            String column = prefix.isEmpty() ? r.method() : prefix + "." + r.method();
            gemm.computeIfAbsent(family, x -> new TreeMap<>())
                .computeIfAbsent(key, x -> new TreeMap<>())
                .put(column, 2 * n * n * n / seconds / 1e9);
        }
        for (var bench : gemm.entrySet()) {
            List<String> peers = bench.getValue().values().stream().flatMap(m -> m.keySet().stream())
                    .filter(m -> !m.equals("jtorch")).distinct().sorted().toList();
            out.append(String.format("%n%s (GFLOP/s)%n%n| n | threads | jtorch |", bench.getKey()));
            for (String p : peers) out.append(' ').append(p).append(" | jtorch/").append(p).append(" |");
            if (withPeak) out.append(" jtorch / FMA peak |");
            out.append("\n|---:|---:|---:|");
            out.append("---:|---:|".repeat(peers.size()));
            if (withPeak) out.append("---:|");
            out.append('\n');
            for (var size : bench.getValue().entrySet()) {
                Double ours = size.getValue().get("jtorch");
                Double peak = peaks.get(size.getKey().substring(size.getKey().indexOf('|') + 1).strip());
                out.append("| ").append(size.getKey().strip()).append(" | ").append(fmt(ours)).append(" |");
                for (String p : peers) {
                    Double theirs = size.getValue().get(p);
                    out.append(' ').append(fmt(theirs)).append(" | ")
                       .append(ours == null || theirs == null ? "-" : String.format(Locale.ROOT, "%.2fx", ours / theirs)).append(" |");
                }
                if (withPeak) {
                    out.append(' ').append(ours == null || peak == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * ours / peak))
                       .append(" |");
                }
                out.append('\n');
            }
        }
        System.out.print(out);
    }

    private static String fmt(Double gflops) { return gflops == null ? "-" : String.format(Locale.ROOT, "%.1f", gflops); }

    private static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = split(lines.get(0));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            List<String> cells = split(line);
            String benchmark = cells.get(header.indexOf("Benchmark"));
            int dot = benchmark.lastIndexOf('.');
            Map<String, String> params = new TreeMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).startsWith("Param: ") && i < cells.size() && !cells.get(i).isEmpty()) {
                    params.put(header.get(i).substring("Param: ".length()), cells.get(i));
                }
            }
            rows.add(new Row(benchmark.substring(0, dot), benchmark.substring(dot + 1),
                    Integer.parseInt(cells.get(header.indexOf("Threads"))),
                    Double.parseDouble(cells.get(header.indexOf("Score"))),
                    parseOrNaN(cells.get(header.indexOf("Score Error (99.9%)"))),
                    cells.get(header.indexOf("Unit")), params));
        }
        return rows;
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** One CSV line as JMH writes it: fields comma-separated, text in double quotes without embedded quotes. */
    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) { cells.add(cell.toString()); cell.setLength(0); }
            else cell.append(ch);
        }
        cells.add(cell.toString());
        return cells;
    }

    /** Seconds in one unit of a JMH time-per-operation score ({@code ms/op} and the like). */
    static double secondsPer(String unit) {
        return switch (unit) {
            case "s/op" -> 1;
            case "ms/op" -> 1e-3;
            case "us/op" -> 1e-6;
            case "ns/op" -> 1e-9;
            default -> throw new IllegalArgumentException("a time per operation is needed, got " + unit);
        };
    }
}
