package dev.jtorch.data.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** An expected digest of a file: {@code MD5} (what torchvision lists) or {@code SHA-256}, in hex. */
public record Checksum(String algorithm, String hex) {
    public Checksum {
        if (!algorithm.equals("MD5") && !algorithm.equals("SHA-256")) throw new IllegalArgumentException("checksum algorithm must be MD5 or SHA-256, got " + algorithm);
        hex = hex.toLowerCase(Locale.ROOT);
        int len = algorithm.equals("MD5") ? 32 : 64;
        if (hex.length() != len || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException(algorithm + " digest must be " + len + " hex digits, got '" + hex + "'");
        }
    }

    public static Checksum md5(String hex) { return new Checksum("MD5", hex); }
    public static Checksum sha256(String hex) { return new Checksum("SHA-256", hex); }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every JDK", e);
        }
    }

    /** Hex digest of a file with this checksum's algorithm. */
    public String digestOf(Path file) throws IOException {
        MessageDigest d = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) d.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    public boolean matches(Path file) throws IOException {
        return Files.isRegularFile(file) && digestOf(file).equals(hex);
    }

    @Override public String toString() { return algorithm.toLowerCase(Locale.ROOT) + ":" + hex; }
}
