package dev.jtorch.data.datasets;

import com.sun.net.httpserver.HttpServer;
import dev.jtorch.data.transforms.ToTensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Downloads from a loopback HTTP server: good, corrupt and missing mirrors. */
class DownloaderTest {
    @TempDir Path cache;
    HttpServer server;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    byte[] labels;
    Checksum labelsMd5;

    @BeforeEach void start() throws IOException {
        Path bundled = BundledMnist.defaultDirectory();
        labels = Files.readAllBytes(bundled.resolve(BundledMnist.LABELS_FILE));
        labelsMd5 = Checksum.md5("f49e205b0293b78329f5edcf9fe2bfc7"); // from the README beside the files
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/good/", ex -> reply(ex.getRequestURI().getPath(), ex, 200, labels));
        server.createContext("/corrupt/", ex -> {
            byte[] bad = labels.clone();
            bad[bad.length / 2] ^= 1;
            reply(ex.getRequestURI().getPath(), ex, 200, bad);
        });
        server.createContext("/missing/", ex -> reply(ex.getRequestURI().getPath(), ex, 404, "not found".getBytes()));
        server.start();
    }

    private void reply(String path, com.sun.net.httpserver.HttpExchange ex, int status, byte[] body) throws IOException {
        hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream o = ex.getResponseBody()) { o.write(body); }
    }

    @AfterEach void stop() { server.stop(0); }

    URI mirror(String name) { return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "/"); }

    List<Path> cacheFiles() throws IOException {
        try (Stream<Path> s = Files.list(cache)) { return s.toList(); }
    }

    @Test void fallsBackPastMissingAndCorruptMirrorsAndVerifiesTheChecksum() throws IOException {
        String name = BundledMnist.LABELS_FILE;
        Path got = new Downloader().fetch(name, labelsMd5, List.of(mirror("missing"), mirror("corrupt"), mirror("good")), cache);
        assertEquals(cache.resolve(name), got);
        assertArrayEquals(labels, Files.readAllBytes(got));
        assertEquals(1, hits.get("/missing/" + name).get());
        assertEquals(1, hits.get("/corrupt/" + name).get());
        assertEquals(List.of(got), cacheFiles(), "no temporary files left behind");
        assertEquals(10000, IdxFile.read(got, 1).count());

        // Present and valid: not fetched again.
        new Downloader().fetch(name, labelsMd5, List.of(mirror("good")), cache);
        assertEquals(1, hits.get("/good/" + name).get());
    }

    @Test void aSha256ChecksumWorksToo() throws IOException {
        String sha;
        try {
            sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(labels));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        Path got = new Downloader().fetch("labels.gz", Checksum.sha256(sha), List.of(mirror("good")), cache);
        assertArrayEquals(labels, Files.readAllBytes(got));
    }

    @Test void whenEveryMirrorFailsNothingIsWrittenAndEachFailureIsListed() throws IOException {
        String name = BundledMnist.LABELS_FILE;
        IOException e = assertThrows(IOException.class,
                () -> new Downloader().fetch(name, labelsMd5, List.of(mirror("missing"), mirror("corrupt")), cache));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch: expected md5:f49e205b0293b78329f5edcf9fe2bfc7"), e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test void aCorruptCachedFileIsReplaced() throws IOException {
        String name = BundledMnist.LABELS_FILE;
        Files.write(cache.resolve(name), new byte[] {1, 2, 3});
        new Downloader().fetch(name, labelsMd5, List.of(mirror("good")), cache);
        assertArrayEquals(labels, Files.readAllBytes(cache.resolve(name)));
    }

    @Test void mnistReadsItsRawFolderAndExplainsAMissingDataset() throws IOException {
        Path raw = MNIST.rawFolder(cache, "MNIST");
        Files.createDirectories(raw);
        Path bundled = BundledMnist.defaultDirectory();
        Files.copy(bundled.resolve(BundledMnist.IMAGES_FILE), raw.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(bundled.resolve(BundledMnist.LABELS_FILE), raw.resolve("t10k-labels-idx1-ubyte.gz"));
        MNIST test = new MNIST(cache, false, new ToTensor(), false);
        assertEquals(10000, test.size());
        assertArrayEquals(new long[] {1, 28, 28}, test.get(0).input().shape());
        var e = assertThrows(java.io.FileNotFoundException.class, () -> new MNIST(cache, true, null, false));
        assertTrue(e.getMessage().contains("download=true"), e.getMessage());
        // download=true with only a failing mirror: a clear error naming the mirror
        var d = assertThrows(IOException.class, () -> new FashionMNIST(cache, true, null, true, List.of(mirror("missing"))));
        assertTrue(d.getMessage().contains("/missing/train-images-idx3-ubyte.gz: HTTP 404"), d.getMessage());
    }
}
