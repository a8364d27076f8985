package nixdeploy.deployer.remote;

import java.util.Locale;

/** OpenSSH's pattern matching ({@code match.c}): {@code *} and {@code ?} globs, lists, {@code !} negation. */
public final class HostPatterns {
    private HostPatterns() {}

    /** Whether {@code text} matches the glob {@code pattern}, case-sensitively, as OpenSSH's match_pattern. */
    public static boolean glob(String text, String pattern) {
        return glob(text, 0, pattern, 0);
    }

    private static boolean glob(String text, int t, String pattern, int p) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                for (int i = t; i <= text.length(); i++) {
                    if (glob(text, i, pattern, p + 1)) {
                        return true;
                    }
                }
                return false;
            }
            if (t >= text.length() || (c != '?' && c != text.charAt(t))) {
                return false;
            }
            p++;
            t++;
        }
        return t == text.length();
    }

    /**
     * OpenSSH's match_pattern_list: {@code list} is comma-separated; 1 when a pattern matches, -1 when
     * a negated one does (which decides), 0 otherwise.
     */
    public static int matchList(String text, String list, boolean lowerCase) {
        String subject = lowerCase ? text.toLowerCase(Locale.ROOT) : text;
        int result = 0;
        for (String item : list.split(",", -1)) {
            boolean negated = item.startsWith("!");
            String pattern = negated ? item.substring(1) : item;
            if (lowerCase) {
                pattern = pattern.toLowerCase(Locale.ROOT);
            }
            if (glob(subject, pattern)) {
                if (negated) {
                    return -1;
                }
                result = 1;
            }
        }
        return result;
    }
}
