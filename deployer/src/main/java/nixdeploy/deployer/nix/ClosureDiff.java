package nixdeploy.deployer.nix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The difference of two closures by package name and version, computed as {@code nix store
 * diff-closures} computes it, but from store path names and sizes alone, so the old closure need
 * not be in the local store: each path's name loses an output suffix ({@code -bin}, {@code -dev},
 * {@code -lib64}), then splits at the first dash not followed by a letter into name and version.
 */
public final class ClosureDiff {
    /** Nix's own rule, ambiguous as it admits: a version suffix such as {@code -unstable} reads as an output. */
    private static final Pattern OUTPUT = Pattern.compile("(.*)-([a-z]+|lib32|lib64)");
    private static final long SHOWN_DELTA = 8 * 1024;

    /**
     * One package whose versions changed, or whose size changed by 8 KiB or more; {@code removed}
     * and {@code added} are versions ("" for none), {@code sizeDelta} in bytes.
     */
    public record Change(String name, Set<String> removed, Set<String> added, long sizeDelta) {
        /** As {@code nix store diff-closures} prints it, without colours: {@code zlib: 1.2.11 → 1.2.12, +5.1 KiB}. */
        public String line() {
            List<String> items = new ArrayList<>();
            if (!removed.isEmpty() || !added.isEmpty()) {
                items.add(versions(removed) + " → " + versions(added));
            }
            if (Math.abs(sizeDelta) >= SHOWN_DELTA) {
                items.add(String.format(java.util.Locale.ROOT, "%+.1f KiB", sizeDelta / 1024.0));
            }
            return name + ": " + String.join(", ", items);
        }

        private static String versions(Set<String> versions) {
            if (versions.isEmpty()) {
                return "∅";
            }
            Set<String> shown = new TreeSet<>();
            versions.forEach(v -> shown.add(v.isEmpty() ? "ε" : v));
            return String.join(", ", shown);
        }
    }

    private ClosureDiff() {}

    /** {@code before} and {@code after}: each closure's store paths with their NAR sizes. */
    public static List<Change> between(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Map<String, Long>> old = grouped(before);
        Map<String, Map<String, Long>> now = grouped(after);
        Set<String> names = new TreeSet<>(old.keySet());
        names.addAll(now.keySet());
        List<Change> changes = new ArrayList<>();
        for (String name : names) {
            Map<String, Long> was = old.getOrDefault(name, Map.of());
            Map<String, Long> is = now.getOrDefault(name, Map.of());
            long delta = is.values().stream().mapToLong(Long::longValue).sum()
                    - was.values().stream().mapToLong(Long::longValue).sum();
            Set<String> removed = new TreeSet<>(was.keySet());
            removed.removeAll(is.keySet());
            Set<String> added = new TreeSet<>(is.keySet());
            added.removeAll(was.keySet());
            if (!removed.isEmpty() || !added.isEmpty() || Math.abs(delta) >= SHOWN_DELTA) {
                changes.add(new Change(name, removed, added, delta));
            }
        }
        return changes;
    }

    /** Package name, then version, then the total size of its paths. */
    private static Map<String, Map<String, Long>> grouped(Map<String, Long> closure) {
        Map<String, Map<String, Long>> groups = new TreeMap<>();
        closure.forEach((path, size) -> {
            String[] nameAndVersion = nameAndVersion(name(path));
            groups.computeIfAbsent(nameAndVersion[0], n -> new TreeMap<>()).merge(nameAndVersion[1], size, Long::sum);
        });
        return groups;
    }

    /** A store path's name: its base name without the hash. */
    static String name(String storePath) {
        String base = storePath.substring(storePath.lastIndexOf('/') + 1);
        int dash = base.indexOf('-');
        return dash < 0 ? base : base.substring(dash + 1);
    }

    /** Nix's {@code DrvName} after the output suffix is stripped. */
    static String[] nameAndVersion(String pathName) {
        Matcher output = OUTPUT.matcher(pathName);
        String name = output.matches() ? output.group(1) : pathName;
        for (int i = 0; i + 1 < name.length(); i++) {
            if (name.charAt(i) == '-' && !Character.isLetter(name.charAt(i + 1))) {
                return new String[] {name.substring(0, i), name.substring(i + 1)};
            }
        }
        return new String[] {name, ""};
    }
}
