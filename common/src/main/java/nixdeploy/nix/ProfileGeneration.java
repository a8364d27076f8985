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

    /** The generation number a link name stands for, if it is a generation link of that profile. */
    public static Optional<Long> number(String profileName, String linkName) {
        Matcher m = Pattern.compile(Pattern.quote(profileName) + "-([0-9]{1,18})-link").matcher(linkName);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }
}
