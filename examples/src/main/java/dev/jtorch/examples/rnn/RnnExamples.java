package dev.jtorch.examples.rnn;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The recurrent examples: {@code sine-rnn}, {@code rnn-classifier}, {@code lstm-forecast}, {@code gru-forecast}.
 * {@link #run} is the hook for the examples launcher; {@link #main} runs one on its own.
 */
@Command(name = "rnn-examples", mixinStandardHelpOptions = true, description = "Runs one of the seed's recurrent examples.")
public final class RnnExamples implements Callable<Integer> {
    public static final java.util.List<String> NAMES = java.util.List.of("sine-rnn", "rnn-classifier", "lstm-forecast", "gru-forecast");

    @Parameters(index = "0", description = "sine-rnn, rnn-classifier, lstm-forecast, gru-forecast") String name;
    @Option(names = "--epochs", description = "epochs (default: the seed's: 10, 100, 100, 100)") Integer epochs;
    @Option(names = "--out", description = "output folder (default: runs/<name>)") Path out;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the weights' init, dropout and shuffling (default: ${DEFAULT-VALUE})") long seed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RnnExamples()).execute(args));
    }

    @Override public Integer call() throws Exception {
        run(name, epochs, out, seed);
        return 0;
    }

    /**
     * Runs the named example.
     *
     * @param epochs null for the seed's count
     * @param out    null for {@code runs/<name>}
     */
    public static void run(String name, Integer epochs, Path out) throws Exception { run(name, epochs, out, 0); }

    /** As {@link #run(String, Integer, Path)} with another seed for the weights' init, dropout and shuffling (the data stay the same). */
    public static void run(String name, Integer epochs, Path out, long seed) throws Exception {
        Path dir = out != null ? out : Path.of("runs", name);
        switch (name) {
            case "sine-rnn" -> SineRnnExample.run(epochs != null ? epochs : 10, dir, seed);
            case "rnn-classifier" -> RnnClassifierExample.run(epochs != null ? epochs : 100, dir, seed);
            case "lstm-forecast" -> ForecastExample.lstm(epochs != null ? epochs : 100, dir, seed);
            case "gru-forecast" -> ForecastExample.gru(epochs != null ? epochs : 100, dir, seed);
            default -> throw new IllegalArgumentException("unknown RNN example '" + name + "'; one of " + String.join(", ", NAMES));
        }
    }
}
