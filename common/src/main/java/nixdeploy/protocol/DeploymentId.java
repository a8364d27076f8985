package nixdeploy.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The id of one deployment, recorded in the host's journal and reported by {@code status}: the
 * deployer makes it and passes it to {@code activate}, so it can tell its deployment from older ones.
 */
public final class DeploymentId {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{16}");

    private DeploymentId() {}

    public static String random() {
        byte[] bytes = new byte[8];
        Random.SOURCE.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Made on first use: a SecureRandom costs an interpreted JVM (the activator's) ~14 ms to make. */
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    /** Whether {@code id} has the form {@link #random()} makes: 16 lowercase hex digits. */
    public static boolean isValid(String id) {
        return FORMAT.matcher(id).matches();
    }
}
