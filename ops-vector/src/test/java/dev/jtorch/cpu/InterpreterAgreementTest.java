package dev.jtorch.cpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels give the same bits before the JIT compiles them as after: a seeded training run repeats only if they
 * do, since when each kernel gets compiled varies from run to run. {@link KernelFingerprints} runs in two child JVMs
 * with this one's flags: one that only interprets ({@code -Xint}), and one where C2 compiles a method after a
 * hundred calls or loop trips, waiting for it ({@code -Xbatch}), so that within its calls every kernel runs first
 * interpreted, then compiled (without the wait, the queue of JDK methods held the kernels back past the last call). Each of
 * the second's calls must give the first's bits. Lane sums through {@code reduceLanes(ADD)} or the Vector API's
 * {@code lanewise(EXP)} fail it: the JIT's intrinsics round in another order than the Java loops they replace.
 */
class InterpreterAgreementTest {
    /** Calls in the compiling JVM: with the old lane sums and exponentials, differences showed from call 1 to 8. */
    private static final int CALLS = 30;

    @Test
    void compiledKernelsGiveTheInterpretersBits() throws Exception {
        Map<String, String> interpreted = fingerprints(1, "-Xint");
        Map<String, String> compiled = fingerprints(CALLS, "-XX:-TieredCompilation", "-XX:CompileThreshold=100", "-Xbatch");
        assertFalse(interpreted.isEmpty(), "no cases from the interpreting JVM");
        Map<String, String> differ = new LinkedHashMap<>();
        for (int call = 0; call < CALLS; call++) {
            for (var e : interpreted.entrySet()) {
                String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
                String got = compiled.get(call + " " + name);
                assertTrue(got != null, "case " + name + " missing from call " + call + " of the compiling JVM");
                if (!got.equals(e.getValue())) differ.putIfAbsent(name, "from call " + call);
            }
        }
        assertTrue(differ.isEmpty(), "compiled bits differ from the interpreter's: " + differ);
    }

    /** "call case" to hash, from KernelFingerprints in a child JVM with this one's flags, the class path and flags. */
    private static Map<String, String> fingerprints(int calls, String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(flags));
        // the flags that choose the vector species and the GEMM width must be the parent's
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-modules") || arg.startsWith("--enable-native-access") || arg.startsWith("-Djtorch.")
                    || arg.startsWith("-XX:UseAVX") || arg.startsWith("-XX:MaxVectorSize")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelFingerprints.class.getName(), String.valueOf(calls)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child JVM did not finish: " + command);
        assertEquals(0, child.exitValue(), "the child JVM failed: " + command + "\n" + output);
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String line : output.lines().filter(l -> !l.startsWith("WARNING")).toList()) {
            int space = line.lastIndexOf(' ');
            hashes.put(line.substring(0, space), line.substring(space + 1));
        }
        return hashes;
    }
}
