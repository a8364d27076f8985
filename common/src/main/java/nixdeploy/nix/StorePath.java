package nixdeploy.nix;

import java.util.Objects;
import java.util.regex.Pattern;

/** A validated path directly under {@code /nix/store}, such as {@code /nix/store/<hash>-name}. */
public final class StorePath {
    public static final String STORE_DIR = "/nix/store";
    private static final Pattern PATTERN =
            Pattern.compile("/nix/store/[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\\-._?=]+");

    private final String path;

    private StorePath(String path) {
        this.path = path;
    }

    public static StorePath parse(String path) {
        if (path == null || !PATTERN.matcher(path).matches() || path.endsWith("/.") || path.contains("/..")) {
            throw new IllegalArgumentException("not a Nix store path: " + path);
        }
        return new StorePath(path);
    }

    public static boolean isValid(String path) {
        try {
            parse(path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The part after the hash, as in {@code activator} for {@code /nix/store/<hash>-activator}. */
    public String name() {
        return path.substring(STORE_DIR.length() + 34);
    }

    @Override
    public String toString() {
        return path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StorePath && ((StorePath) o).path.equals(path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path);
    }
}
