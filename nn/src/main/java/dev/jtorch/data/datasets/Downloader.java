package dev.jtorch.data.datasets;

import dev.jtorch.serialization.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Fetches dataset files from a list of mirrors, as torchvision's {@code download=True}: a file already present
 * with the right checksum is kept; otherwise each mirror is tried in turn, the bytes are checked against the
 * expected digest while they stream to a temporary file, and only a verified file is renamed into place.
 */
public final class Downloader {
    /** No dataset file we fetch is near this; a mirror sending more is not sending the file we want. */
    static final long MAX_FILE_BYTES = 1L << 30;

    private final HttpClient client;

    public Downloader() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    public Downloader(HttpClient client) { this.client = client; }

    /** Mirror base URLs from a comma-separated system property, or {@code defaults} when it is unset. */
    public static List<URI> mirrors(String property, List<URI> defaults) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return defaults;
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(URI::create).toList();
    }

    /** Ensures {@code dir/fileName} exists with {@code checksum}, downloading it if needed; returns its path. */
    public Path fetch(String fileName, Checksum checksum, List<URI> mirrors, Path dir) throws IOException {
        Path target = dir.resolve(fileName);
        if (checksum.matches(target)) return target;
        if (mirrors.isEmpty()) throw new IOException("cannot download " + fileName + ": no mirrors configured");
        Files.createDirectories(dir);
        List<String> failures = new ArrayList<>();
        for (URI mirror : mirrors) {
            URI url = resolve(mirror, fileName);
            try {
                download(url, checksum, target);
                return target;
            } catch (IOException e) {
                failures.add(url + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while downloading " + url, e);
            }
        }
        throw new IOException("could not download " + fileName + " from any mirror:\n  " + String.join("\n  ", failures));
    }

    static URI resolve(URI mirror, String fileName) {
        String base = mirror.toString();
        return URI.create(base.endsWith("/") ? base + fileName : base + "/" + fileName);
    }

    private void download(URI url, Checksum checksum, Path target) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) throw new IOException("HTTP " + response.statusCode());
            MessageDigest digest = checksum.newDigest();
            // Written to a temporary file and renamed only once verified: a bad mirror never replaces anything.
            AtomicFiles.write(target, ch -> {
                byte[] buf = new byte[1 << 16];
                long total = 0;
                for (int r; (r = body.read(buf)) > 0; ) {
                    total += r;
                    if (total > MAX_FILE_BYTES) throw new IOException("response exceeds " + MAX_FILE_BYTES + " bytes");
                    digest.update(buf, 0, r);
                    AtomicFiles.writeFully(ch, ByteBuffer.wrap(buf, 0, r));
                }
                String got = HexFormat.of().formatHex(digest.digest());
                if (!got.equals(checksum.hex())) {
                    throw new IOException("checksum mismatch: expected " + checksum + ", got " + checksum.algorithm().toLowerCase(java.util.Locale.ROOT) + ":" + got);
                }
            });
        }
    }
}
