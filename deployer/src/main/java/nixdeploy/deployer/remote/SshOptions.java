package nixdeploy.deployer.remote;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads OpenSSH-style arguments ({@code sshOpts}, {@code --ssh-opts}) into ssh_config lines, as
 * OpenSSH does: {@code -p}, {@code -i}, {@code -l}, {@code -J} and {@code -o Key=Value}. Values are
 * checked here, so a bad one fails before anything connects; anything not honoured is reported as a
 * warning, never silently dropped.
 */
public final class SshOptions {
    private static final String SOURCE = "--ssh-opts";

    private SshOptions() {}

    public static SshTarget apply(SshTarget base, List<String> args, Consumer<String> warn) {
        List<SshConfigLine> lines = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg.length() > 2 && arg.startsWith("-") && !arg.startsWith("--") ? arg.substring(0, 2) : arg;
            String value = arg.length() > 2 && flag.length() == 2 && !flag.equals(arg) ? arg.substring(2) : null;
            if (List.of("-p", "-i", "-l", "-J", "-o").contains(flag)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("ssh option " + flag + " needs a value");
                    }
                    value = args.get(++i);
                }
            }
            switch (flag) {
                case "-p" -> lines.add(line("port", Integer.toString(port(value))));
                case "-i" -> lines.add(line("identityfile", value));
                case "-l" -> lines.add(line("user", value));
                case "-J" -> lines.add(line("proxyjump", value));
                case "-o" -> option(value, warn, lines);
                default -> warn.accept("ssh argument '" + arg + "' is not supported and was ignored");
            }
        }
        return base.withOptions(lines);
    }

    private static void option(String value, Consumer<String> warn, List<SshConfigLine> lines) {
        SshConfigLine line = SshConfigLine.parse(value, SOURCE + " -o " + value);
        if (line == null || line.args().isEmpty()) {
            throw new IllegalArgumentException("ssh option -o " + value + " is not Key=Value");
        }
        String name = value.split("[= ]", 2)[0];
        String key = line.keyword();
        if (SshKeywords.honoured(key)) {
            check(line);
            lines.add(line);
        } else if (SshKeywords.noEffect(key)) {
            warn.accept("ssh option -o " + name + " has no effect in nixdeploy"
                    + (key.startsWith("control") ? " (it never reuses connections)" : ""));
        } else {
            warn.accept("ssh option -o " + name + " is not supported and was ignored");
        }
        if (key.equals("stricthostkeychecking")) {
            policy(line.value(), warn);
        }
    }

    private static void check(SshConfigLine line) {
        switch (line.keyword()) {
            case "port" -> port(line.value());
            case "connecttimeout" -> {
                if (!line.value().equalsIgnoreCase("none")) {
                    positive(line.value(), "ConnectTimeout");
                }
            }
            case "stricthostkeychecking" -> policy(line.value(), w -> {});
            default -> line.value();
        }
    }

    private static SshConfigLine line(String keyword, String value) {
        return new SshConfigLine(keyword, List.of(value), SOURCE);
    }

    static int port(String value) {
        int port = positive(value, "port");
        if (port > 65535) {
            throw new IllegalArgumentException("ssh port " + value + " is out of range (1-65535)");
        }
        return port;
    }

    static int positive(String value, String what) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ssh " + what + " must be a positive number, not '" + value + "'");
        }
    }

    static Path path(String value) {
        if (value.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), value.substring(2));
        }
        return Path.of(value);
    }

    static HostKeyPolicy policy(String value, Consumer<String> warn) {
        switch (value.toLowerCase(Locale.ROOT)) {
            // OpenSSH's multistate_strict_hostkey: true is yes, false and off are no
            case "yes":
            case "true":
            case "ask":
                return HostKeyPolicy.STRICT;
            case "accept-new":
                return HostKeyPolicy.ACCEPT_NEW;
            case "no":
            case "false":
            case "off":
                warn.accept("StrictHostKeyChecking=" + value + ": the host's key is not checked; any key is "
                        + "accepted, even one that differs from known_hosts (use accept-new to trust only new keys)");
                return HostKeyPolicy.ACCEPT_ANY;
            default:
                throw new IllegalArgumentException("StrictHostKeyChecking must be yes, accept-new or no, not '"
                        + value + "'");
        }
    }
}
