package dev.jtorch.cuda;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The structs Java passes by value have the C layout: a host program compiled by nvcc from
 * {@code common.cuh} prints each size and field offset, and they must equal {@link KernelStructs}'s.
 */
class StructLayoutTest {
    private static final Path OUT = Path.of(System.getProperty("java.io.tmpdir"), "jtorch-struct-layout-test");

    private static final Map<String, List<String>> FIELDS = Map.of(
            "Strided", List.of("sizes", "strides", "ndim"),
            "Window", List.of("n", "c", "h", "w", "outH", "outW", "kH", "kW", "sH", "sW", "pH", "pW", "dH", "dW", "countIncludePad"),
            "MatmulShape", List.of("batch", "m", "n", "k", "aBatch", "aRow", "aCol", "bBatch", "bRow", "bCol"));

    @Test void javaLayoutsMatchTheHeader() throws Exception {
        Path nvcc = KernelCompileTest.nvcc();
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve(KernelSources.HEADER), KernelSources.header());
        StringBuilder program = new StringBuilder("#include <cstdio>\n#include <cstddef>\n#include \"common.cuh\"\nint main() {\n");
        FIELDS.forEach((struct, fields) -> {
            program.append("  printf(\"").append(struct).append(" %zu\\n\", sizeof(").append(struct).append("));\n");
            for (String f : fields) {
                program.append("  printf(\"").append(struct).append('.').append(f).append(" %zu\\n\", offsetof(")
                        .append(struct).append(", ").append(f).append("));\n");
            }
        });
        program.append("  return 0;\n}\n");
        Path src = OUT.resolve("layout.cu"), exe = OUT.resolve("layout");
        Files.writeString(src, program);
        Files.deleteIfExists(exe);
        KernelCompileTest.run(List.of(nvcc.toString(), "-I" + OUT, "-o", exe.toString(), src.toString()), exe);
        Process p = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), printed);
        Map<String, Long> c = new HashMap<>();
        for (String line : printed.strip().split("\n")) {
            String[] kv = line.split(" ");
            c.put(kv[0], Long.parseLong(kv[1]));
        }
        check(c, "Strided", KernelStructs.STRIDED);
        check(c, "Window", KernelStructs.WINDOW);
        check(c, "MatmulShape", KernelStructs.MATMUL_SHAPE);
        assertEquals(136L, KernelStructs.STRIDED.byteSize());
    }

    private static void check(Map<String, Long> c, String struct, StructLayout java) {
        assertEquals(c.get(struct), java.byteSize(), struct + " size");
        for (String f : FIELDS.get(struct)) {
            assertEquals(c.get(struct + "." + f), java.byteOffset(PathElement.groupElement(f)), struct + "." + f + " offset");
        }
    }
}
