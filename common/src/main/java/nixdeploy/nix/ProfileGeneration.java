package nixdeploy.nix;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generation links of a Nix profile: the profile {@code P} is a symlink to {@code P-<N>-link},
 * which is a symlink into the store. Parsing only, no I/O.
 */
public final class ProfileGeneration {
    private ProfileGeneration() {}

    /** The link name of generation {@code number} of the profile called {@code profileName}. */
    public static String linkName(String profileName, long number) {
        return profileName + "-" + number + "-link";
    }

    /**
     * The generation number Nix itself reads from a file name in the profile's folder (its
     * parseName): {@code NAME-<n>-link} with anything after it, {@code NAME-3-link.bak} too; looser
     * than {@link #number}, for telling what Nix will count.
     */
    public static Optional<Long> numberAsNixReads(String profileName, String fileName) {
        String prefix = profileName + "-";
        int link = fileName.indexOf("-link", prefix.length());
        if (!fileName.startsWith(prefix) || link < 0) {
            return Optional.empty();
        }
        String digits = fileName.substring(prefix.length(), link);
        return digits.matches("[0-9]{1,18}") ? Optional.of(Long.parseLong(digits)) : Optional.empty();
    }

    /** The generation number a link name stands for, if it is a generation link of that profile. */
    public static Optional<Long> number(String profileName, String linkName) {
        Matcher m = Pattern.compile(Pattern.quote(profileName) + "-([0-9]{1,18})-link").matcher(linkName);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }
}
