package nixdeploy.deployer.steps;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nixdeploy.shell.ShellQuote;

/** The host's system and the Java on its PATH, as one probe command reports them. */
record HostJava(String system, int major, String found) {
    static final int NEEDED = 17;
    private static final String NONE = "no java on the PATH";
    private static final Pattern VERSION = Pattern.compile("version \"(\\d+)(?:\\.(\\d+))?");

    /** Prints {@code uname -sm}, then the first line of {@code java -version} (or that there is none). */
    static String probeCommand() {
        return ShellQuote.command(List.of("sh", "-c", "uname -sm; if command -v java >/dev/null 2>&1; "
                + "then java -version 2>&1 | head -n 1; else echo '" + NONE + "'; fi"));
    }

    static HostJava parse(String stdout) {
        List<String> lines = stdout.strip().lines().map(String::strip).toList();
        String system = lines.isEmpty() ? "unknown" : nixSystem(lines.get(0));
        String found = lines.size() < 2 ? NONE : lines.get(1);
        Matcher m = VERSION.matcher(found);
        int major = 0;
        if (m.find()) {
            major = Integer.parseInt(m.group(1));
            if (major == 1 && m.group(2) != null) {
                major = Integer.parseInt(m.group(2)); // "1.8.0_392" is Java 8
            }
        }
        return new HostJava(system, major, found);
    }

    boolean suitable() {
        return major >= NEEDED;
    }

    /** Nix's name for what {@code uname -sm} prints: "Linux x86_64" is x86_64-linux. */
    private static String nixSystem(String unameSm) {
        String[] words = unameSm.toLowerCase(Locale.ROOT).split("\\s+");
        if (words.length != 2) {
            return "unknown";
        }
        String arch = switch (words[1]) {
            case "arm64" -> "aarch64";
            case "amd64" -> "x86_64";
            default -> words[1];
        };
        return arch + "-" + words[0];
    }
}
