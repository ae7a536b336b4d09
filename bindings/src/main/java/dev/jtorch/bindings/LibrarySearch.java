package dev.jtorch.bindings;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where NVIDIA's shared libraries are looked for, in order: the explicit setting (system property
 * {@value #PATH_PROPERTY}, then environment variable {@value #PATH_ENV}, each a folder list), then
 * {@code LD_LIBRARY_PATH}, {@code CUDA_HOME}/{@code CUDA_PATH}, the toolkit's default folders
 * ({@code /usr/local/cuda/lib64}, {@code /usr/local/cuda-*}/lib64, newest first), the library folders of
 * NVIDIA's Python wheels in the Python installs found on disk ({@code site-packages/nvidia/cu13/lib},
 * {@code nvidia/cudnn/lib}, {@code nvidia/*}/lib), and last the system library folders (where the driver lives).
 *
 * <p>The first folder holding any {@code libX.so*} wins; within it the highest version is taken, since wheels
 * ship only versioned names ({@code libcublas.so.13}).
 */
public record LibrarySearch(List<Path> folders) {
    public static final String PATH_PROPERTY = "jtorch.cuda.libPath";
    public static final String PATH_ENV = "JTORCH_CUDA_LIB_PATH";

    private static final List<String> SYSTEM_FOLDERS =
            List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib");

    public LibrarySearch {
        folders = List.copyOf(folders);
    }

    /** The search of this process: its system properties, environment and home folder. */
    public static LibrarySearch fromEnvironment() {
        return of(System.getProperty(PATH_PROPERTY), System.getenv(), Path.of(System.getProperty("user.home", "/")));
    }

    /**
     * The search for an explicit setting (the system property's value, or null), an environment and a home
     * folder. Folders of the explicit setting are kept even when missing, so a typo shows in the message;
     * the others only when they exist.
     */
    public static LibrarySearch of(String explicitPath, Map<String, String> env, Path home) {
        Set<Path> folders = new LinkedHashSet<>();
        splitInto(explicitPath, folders, false);
        splitInto(env.get(PATH_ENV), folders, false);
        splitInto(env.get("LD_LIBRARY_PATH"), folders, true);
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String root = env.get(var);
            if (root != null && !root.isBlank()) {
                addIfDirectory(Path.of(root, "lib64"), folders);
                addIfDirectory(Path.of(root, "targets", "x86_64-linux", "lib"), folders);
            }
        }
        addIfDirectory(Path.of("/usr/local/cuda/lib64"), folders);
        for (Path toolkit : expand(Path.of("/usr/local"), "cuda-*")) addIfDirectory(toolkit.resolve("lib64"), folders);
        for (Path sitePackages : sitePackages(env, home)) {
            Path nvidia = sitePackages.resolve("nvidia");
            addIfDirectory(nvidia.resolve("cu13").resolve("lib"), folders);
            addIfDirectory(nvidia.resolve("cudnn").resolve("lib"), folders);
            for (Path pkg : expand(nvidia, "*")) addIfDirectory(pkg.resolve("lib"), folders);
        }
        for (String system : SYSTEM_FOLDERS) addIfDirectory(Path.of(system), folders);
        return new LibrarySearch(new ArrayList<>(folders));
    }

    /** The library's file: the highest version of {@code libX.so*} in the first folder that has one. */
    public Optional<Path> find(NativeLibrary library) {
        return find(library.fileName());
    }

    /** The highest version of {@code fileName} (e.g. {@code libcublas.so}) in the first folder that has one. */
    public Optional<Path> find(String fileName) {
        for (Path folder : folders) {
            Optional<Path> best = versionsIn(folder, fileName).stream().max(BY_VERSION);
            if (best.isPresent()) return best;
        }
        return Optional.empty();
    }

    /** One line: what was looked for and where, and how to point jtorch at it. */
    public String notFoundMessage(NativeLibrary library) {
        return library.title() + " not found: no " + library.fileName() + "* in "
                + (folders.isEmpty() ? "any folder" : folders.stream().map(Path::toString).collect(Collectors.joining(", ", "[", "]")))
                + "; set -D" + PATH_PROPERTY + " or " + PATH_ENV + " to the folder holding it";
    }

    /** The files in {@code folder} named {@code fileName} or {@code fileName.<digits and dots>}. */
    static List<Path> versionsIn(Path folder, String fileName) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(folder)) return found;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, fileName + "*")) {
            for (Path entry : entries) {
                if (versionOf(entry.getFileName().toString(), fileName) != null && Files.isReadable(entry)) found.add(entry);
            }
        } catch (IOException | SecurityException e) {
            // An unreadable folder holds nothing we can load; the next one is tried.
        }
        return found;
    }

    /** The version numbers after {@code fileName} ({@code libcublas.so.13.1} gives [13, 1]), or null if it is another file. */
    static int[] versionOf(String name, String fileName) {
        if (name.equals(fileName)) return new int[0];
        if (!name.startsWith(fileName + ".")) return null;
        String[] parts = name.substring(fileName.length() + 1).split("\\.", -1);
        int[] version = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || !parts[i].chars().allMatch(Character::isDigit) || parts[i].length() > 9) return null;
            version[i] = Integer.parseInt(parts[i]);
        }
        return version;
    }

    private static final Comparator<Path> BY_VERSION = (a, b) -> {
        int[] va = versionOf(a.getFileName().toString(), baseOf(a)), vb = versionOf(b.getFileName().toString(), baseOf(b));
        return compareVersions(va, vb);
    };

    private static String baseOf(Path p) {
        String name = p.getFileName().toString();
        int so = name.indexOf(".so");
        return so < 0 ? name : name.substring(0, so + 3);
    }

    static int compareVersions(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) return Integer.compare(a[i], b[i]);
        }
        return Integer.compare(a.length, b.length);
    }

    private static void splitInto(String list, Set<Path> folders, boolean onlyExisting) {
        if (list == null || list.isBlank()) return;
        for (String entry : list.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path folder = Path.of(entry.trim()).toAbsolutePath().normalize();
            if (!onlyExisting || Files.isDirectory(folder)) folders.add(folder);
        }
    }

    private static void addIfDirectory(Path folder, Set<Path> folders) {
        if (Files.isDirectory(folder)) folders.add(folder.toAbsolutePath().normalize());
    }

    /** Python {@code site-packages}/{@code dist-packages} folders of the usual installs, found by globbing folders. */
    private static List<Path> sitePackages(Map<String, String> env, Path home) {
        List<Path> libRoots = new ArrayList<>();
        for (String prefix : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String root = env.get(prefix);
            if (root != null && !root.isBlank()) libRoots.add(Path.of(root, "lib"));
        }
        libRoots.add(Path.of("/usr/local/lib"));
        libRoots.add(Path.of("/usr/lib"));
        libRoots.add(home.resolve(".local").resolve("lib"));
        libRoots.addAll(expand(home.resolve(".pyenv").resolve("versions"), "*").stream().map(v -> v.resolve("lib")).toList());
        for (String conda : List.of("miniconda3", "anaconda3", "miniforge3")) libRoots.add(home.resolve(conda).resolve("lib"));
        libRoots.add(Path.of("/opt/conda/lib"));
        List<Path> result = new ArrayList<>();
        for (Path libRoot : libRoots) {
            for (Path python : expand(libRoot, "python3*")) {
                for (String kind : List.of("site-packages", "dist-packages")) {
                    Path dir = python.resolve(kind);
                    if (Files.isDirectory(dir)) result.add(dir);
                }
            }
        }
        return result;
    }

    /** Sub-folders of {@code dir} matching {@code glob}, highest version number first. */
    private static List<Path> expand(Path dir, String glob) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) return found;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
            for (Path entry : entries) if (Files.isDirectory(entry)) found.add(entry);
        } catch (IOException | SecurityException e) {
            return found;
        }
        found.sort(Comparator.comparing((Path p) -> numbersIn(p.getFileName().toString()), LibrarySearch::compareVersions)
                .reversed().thenComparing(Path::toString));
        return found;
    }

    private static int[] numbersIn(String name) {
        return java.util.Arrays.stream(name.split("\\D+")).filter(s -> !s.isEmpty() && s.length() <= 9)
                .mapToInt(Integer::parseInt).toArray();
    }
}
