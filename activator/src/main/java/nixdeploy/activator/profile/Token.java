package nixdeploy.activator.profile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import nixdeploy.protocol.Sha256;

/**
 * The confirmation token: a secret the deployer sends on stdin with {@code activate} and again
 * with {@code confirm}. Only its hash is stored; comparisons take constant time.
 */
public final class Token {
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{16,256}");
    private static final int MAX_BYTES = 1024;

    private Token() {}

    /** The token on the first line of {@code in}, empty at end of input, or an error for anything else. */
    public static Optional<String> read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= MAX_BYTES) {
                throw new IOException("the token on stdin is longer than " + MAX_BYTES + " bytes");
            }
            line.write(b);
        }
        String token = line.toString(StandardCharsets.UTF_8).strip();
        if (token.isEmpty() && b == -1) {
            return Optional.empty();
        }
        return Optional.of(parse(token));
    }

    /** {@code line} as a token, or an error when it is not one. */
    public static String parse(String line) throws IOException {
        String token = line.strip();
        if (!FORMAT.matcher(token).matches()) {
            throw new IOException("stdin does not hold a confirmation token (16 to 256 characters of A-Z a-z 0-9 _ -)");
        }
        return token;
    }

    public static String hash(String token) {
        return Sha256.hex(token);
    }

    public static boolean matches(String token, String expectedHash) {
        if (expectedHash == null) {
            return false;
        }
        return equalInConstantTime(hash(token).getBytes(StandardCharsets.US_ASCII),
                expectedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** As {@code MessageDigest.isEqual}, whose class alone costs an interpreted JVM ~6 ms to load. */
    private static boolean equalInConstantTime(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        int difference = 0;
        for (int i = 0; i < a.length; i++) {
            difference |= a[i] ^ b[i];
        }
        return difference == 0;
    }
}
