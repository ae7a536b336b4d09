package dev.jtorch.examples;

import dev.jtorch.examples.rnn.RnnExamples;
import dev.jtorch.examples.seed.SimpleCNNExample;
import dev.jtorch.examples.seed.SimpleNNExample;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./jtorch example NAME}: the seed's other programs. LeNet-5 has its own command ({@code ./jtorch lenet5}). */
@Command(name = "example", mixinStandardHelpOptions = true, description = "Runs one of the seed's example programs.")
public final class Examples implements Callable<Integer> {
    @Parameters(index = "0", description = "simple-nn, simple-cnn, sine-rnn, rnn-classifier, lstm-forecast, gru-forecast")
    String name;
    @Option(names = "--epochs", description = "epochs (default: the seed's)") Integer epochs;
    @Option(names = "--data", description = "full MNIST IDX folder for simple-cnn") Path data;
    @Option(names = "--out", description = "output folder (default: runs/<name>)") Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Examples()).execute(args));
    }

    @Override public Integer call() throws Exception {
        Path dir = out != null ? out : Path.of("runs", name);
        switch (name) {
            case "simple-nn" -> SimpleNNExample.run(epochs != null ? epochs : 100, dir);
            case "simple-cnn" -> SimpleCNNExample.run(epochs != null ? epochs : 1, data, dir);
            case "sine-rnn", "rnn-classifier", "lstm-forecast", "gru-forecast" -> RnnExamples.run(name, epochs, dir);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown example '" + name + "'");
        }
        return 0;
    }
}
