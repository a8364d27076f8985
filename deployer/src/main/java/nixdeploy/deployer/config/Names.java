package nixdeploy.deployer.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks node, profile and tag names, and suggests the closest known name for a typo. */
final class Names {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}");
    /** A DNS name, an IPv4 address, or an IPv6 address (bare or in brackets, with an optional zone). */
    private static final Pattern HOST = Pattern.compile(
            "[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|\\[?[0-9A-Fa-f:.]{2,45}(?:%[A-Za-z0-9_.-]{1,32})?]?");

    private Names() {}

    /** Refuses names that could not be a file name or that would confuse a shell or a terminal. */
    static void check(String name, String kind, String where) throws ConfigException {
        if (!SAFE.matcher(name).matches()) {
            throw new ConfigException(kind + " name '" + printable(name) + "' at " + where + " is not allowed: use "
                    + "letters, digits, '_', '-', '.' and '+', starting with a letter, digit or '_'");
        }
    }

    /** Whether {@code host} is a host name or address, with nothing a shell or terminal would act on. */
    static boolean isHost(String host) {
        return HOST.matcher(host).matches();
    }

    /** Where node {@code node} stands in {@code deploy}, as messages name it. */
    static String nodeAt(String node) {
        return "deploy.nodes." + quoteIfNeeded(node);
    }

    static String profileAt(String node, String profile) {
        return nodeAt(node) + ".profiles." + quoteIfNeeded(profile);
    }

    static String quoteIfNeeded(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_'-]*") ? name : "\"" + printable(name) + "\"";
    }

    static Optional<String> closest(String word, Collection<String> known) {
        return known.stream().filter(k -> distance(k.toLowerCase(), word.toLowerCase()) <= 2)
                .min(Comparator.comparingInt(k -> distance(k.toLowerCase(), word.toLowerCase())));
    }

    static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
