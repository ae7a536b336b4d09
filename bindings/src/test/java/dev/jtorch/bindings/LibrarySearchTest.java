package dev.jtorch.bindings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibrarySearchTest {
    @TempDir Path tmp;

    private Path folderWith(String name, String... files) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve(name));
        for (String file : files) Files.writeString(folder.resolve(file), "not really a library");
        return folder;
    }

    @Test void picksTheHighestVersionInAFolder() throws IOException {
        Path folder = folderWith("lib", "libcublas.so.12", "libcublas.so.13", "libcublasLt.so.14", "libcublas.so.9");
        var search = new LibrarySearch(java.util.List.of(folder));
        assertEquals(folder.resolve("libcublas.so.13"), search.find(NativeLibrary.CUBLAS).orElseThrow());
        assertEquals(folder.resolve("libcublasLt.so.14"), search.find(NativeLibrary.CUBLAS_LT).orElseThrow());
    }

    @Test void fullVersionsCompareNumerically() throws IOException {
        Path folder = folderWith("lib", "libcudnn.so.9.10.0", "libcudnn.so.9.9.1", "libcudnn.so");
        var search = new LibrarySearch(java.util.List.of(folder));
        assertEquals(folder.resolve("libcudnn.so.9.10.0"), search.find(NativeLibrary.CUDNN).orElseThrow());
    }

    @Test void otherFilesWithTheSamePrefixDoNotMatch() {
        assertArrayEquals(new int[] {13, 0, 96}, LibrarySearch.versionOf("libcudart.so.13.0.96", "libcudart.so"));
        assertArrayEquals(new int[0], LibrarySearch.versionOf("libcudart.so", "libcudart.so"));
        assertNull(LibrarySearch.versionOf("libcudart.so.13.dbg", "libcudart.so"));
        assertNull(LibrarySearch.versionOf("libcudart_static.a", "libcudart.so"));
        assertNull(LibrarySearch.versionOf("libcudart.so.", "libcudart.so"));
    }

    @Test void explicitSettingComesFirst() throws IOException {
        Path explicit = folderWith("explicit", "libcublas.so.12");
        Path fromEnv = folderWith("env", "libcublas.so.11");
        Path ldPath = folderWith("ld", "libcublas.so.13");
        var search = LibrarySearch.of(explicit.toString(),
                Map.of(LibrarySearch.PATH_ENV, fromEnv.toString(), "LD_LIBRARY_PATH", ldPath.toString()), tmp);
        assertEquals(java.util.List.of(explicit, fromEnv, ldPath), search.folders().subList(0, 3));
        // The first folder holding the library wins, even over a higher version later in the order.
        assertEquals(explicit.resolve("libcublas.so.12"), search.find(NativeLibrary.CUBLAS).orElseThrow());
    }

    @Test void environmentVariableIsTheExplicitSettingWithoutTheProperty() throws IOException {
        Path fromEnv = folderWith("env", "libcublas.so.11");
        Path ldPath = folderWith("ld", "libcublas.so.13");
        var search = LibrarySearch.of(null, Map.of(LibrarySearch.PATH_ENV, fromEnv.toString(), "LD_LIBRARY_PATH", ldPath.toString()), tmp);
        assertEquals(fromEnv.resolve("libcublas.so.11"), search.find(NativeLibrary.CUBLAS).orElseThrow());
    }

    @Test void cudaHomeAndPythonWheelFoldersAreSearched() throws IOException {
        Path cudaHome = Files.createDirectories(tmp.resolve("cuda").resolve("lib64"));
        Path sitePackages = tmp.resolve("home/.local/lib/python3.12/site-packages/nvidia");
        Path cu13 = Files.createDirectories(sitePackages.resolve("cu13/lib"));
        Path cudnn = Files.createDirectories(sitePackages.resolve("cudnn/lib"));
        Path nccl = Files.createDirectories(sitePackages.resolve("nccl/lib"));
        Files.writeString(nccl.resolve("libjtorchfake.so.3"), "");
        var search = LibrarySearch.of(null, Map.of("CUDA_HOME", tmp.resolve("cuda").toString()), tmp.resolve("home"));
        var folders = search.folders();
        assertEquals(cudaHome, folders.get(0));
        assertTrue(folders.indexOf(cu13) > 0 && folders.indexOf(cu13) < folders.indexOf(cudnn), folders::toString);
        assertTrue(folders.indexOf(cudnn) < folders.indexOf(nccl), folders::toString);
        assertEquals(nccl.resolve("libjtorchfake.so.3"), search.find("libjtorchfake.so").orElseThrow());
    }

    @Test void missingLibraryMessageNamesTheLibraryAndTheFolders() throws IOException {
        Path a = folderWith("a"), b = folderWith("b");
        var search = new LibrarySearch(java.util.List.of(a, b));
        assertTrue(search.find(NativeLibrary.CUDNN_OPS).isEmpty());
        String message = search.notFoundMessage(NativeLibrary.CUDNN_OPS);
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith("cuDNN ops not found: no libcudnn_ops.so* in ["), message);
        assertTrue(message.contains(a.toString()) && message.contains(b.toString()), message);
        assertTrue(message.contains(LibrarySearch.PATH_PROPERTY) && message.contains(LibrarySearch.PATH_ENV), message);
    }

    @Test void explicitFolderIsListedEvenWhenItDoesNotExist() {
        Path typo = tmp.resolve("no-such-folder");
        var search = LibrarySearch.of(typo.toString(), Map.of(), tmp);
        assertEquals(typo, search.folders().get(0));
        assertTrue(search.notFoundMessage(NativeLibrary.CUBLAS).contains(typo.toString()));
    }
}
