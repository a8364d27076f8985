package nixdeploy.deployer.steps;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nixdeploy.shell.ShellQuote;

/**
 * The host's system and the Java on the SSH user's PATH, as one probe command reports them.
 * {@code path} is that java's absolute path: the activator is launched with it, so a sudo with
 * another PATH (secure_path) runs the very java that was checked.
 */
record HostJava(String system, Optional<String> path, int major, String found) {
    static final int NEEDED = 17;
    private static final String NONE = "no java on the PATH";
    private static final Pattern VERSION = Pattern.compile("version \"(\\d+)(?:\\.(\\d+))?");

    /** The line that ends the probe's answer when it runs in front of another command. */
    static final String END = "nixdeploy-probe-end";

    /**
     * Prints {@code system=<uname -sm>}, then {@code java=<absolute path>} and
     * {@code version=<its version>} when there is one. The version comes from the {@code release}
     * file of the JDK the path leads to when that file says it is built for this machine (its
     * OS_NAME and OS_ARCH those of {@code uname}, not for musl) and its java is executable; else
     * from the first line of {@code java -version}, a JVM start that would delay the activator's
     * own. The prefixes keep what a login shell prints (a greeting, JAVA_TOOL_OPTIONS' notice) out
     * of the answer.
     */
    static final String SCRIPT = "u=$(uname -sm); echo \"system=$u\"; j=$(command -v java) && "
            + "case $j in /*) echo \"java=$j\"; r=$(readlink -f \"$j\" 2>/dev/null) && [ -x \"$r\" ] && "
            + "f=${r%/bin/java}/release && m=${u##* } && case $m in arm64) m=aarch64 ;; amd64) m=x86_64 ;; esac && "
            + "grep -qx \"OS_ARCH=\\\"$m\\\"\" \"$f\" && grep -qx \"OS_NAME=\\\"${u%% *}\\\"\" \"$f\" && "
            + "! grep -q '^LIBC=\"musl\"' \"$f\" && "
            + "v=$(sed -n 's/^JAVA_VERSION=\"\\(.*\\)\"$/\\1/p' \"$f\") && "
            + "[ -n \"$v\" ] && echo \"version=java version \\\"$v\\\" (its release file)\" || "
            + "\"$j\" -version 2>&1 | sed -n '/version \"/{s/^/version=/p;q;}' ;; esac; true";

    /** The probe as a command of its own. */
    static String probeCommand() {
        return ShellQuote.command(List.of("sh", "-c", SCRIPT));
    }

    /**
     * Reads the probe's answer from a command's output up to its {@link #END} line, and not a byte
     * further: what follows is the next command's.
     */
    static String read(InputStream out) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = out.read()) != -1) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.strip().equals(END)) {
                return answer.toString(StandardCharsets.UTF_8);
            }
            answer.write(line.toByteArray());
            answer.write('\n');
            line.reset();
        }
        throw new EOFException("the host's shell ended before it said which Java it has");
    }

    static HostJava parse(String stdout) {
        String uname = value(stdout, "system=").orElse("");
        Optional<String> path = value(stdout, "java=");
        String version = value(stdout, "version=").orElse("");
        String found = path.isEmpty() ? NONE : path.get() + (version.isEmpty() ? " (its version is unknown)"
                : ": " + version);
        Matcher m = VERSION.matcher(version);
        int major = 0;
        if (path.isPresent() && m.find()) {
            major = Integer.parseInt(m.group(1));
            if (major == 1 && m.group(2) != null) {
                major = Integer.parseInt(m.group(2)); // "1.8.0_392" is Java 8
            }
        }
        return new HostJava(nixSystem(uname), path, major, found);
    }

    boolean suitable() {
        return major >= NEEDED;
    }

    private static Optional<String> value(String stdout, String prefix) {
        return stdout.lines().map(String::strip).filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length())).findFirst();
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
