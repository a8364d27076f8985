package nixdeploy.deployer.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Applies OpenSSH-style arguments ({@code sshOpts}, {@code --ssh-opts}) to a target: {@code -p},
 * {@code -i}, {@code -l}, {@code -J} and {@code -o Key=Value} for the keys below. Anything else is
 * reported as a warning, never silently dropped.
 */
public final class SshOptions {
    private SshOptions() {}

    public static SshTarget apply(SshTarget base, List<String> args, Consumer<String> warn) {
        int port = base.port();
        String user = base.user();
        List<Path> identities = new ArrayList<>(base.identityFiles());
        List<Path> knownHosts = new ArrayList<>(base.knownHostsFiles());
        HostKeyPolicy policy = base.hostKeyPolicy();
        Duration timeout = base.connectTimeout();
        Optional<String> jump = base.proxyJump();
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
                case "-p" -> port = port(value);
                case "-i" -> identities.add(path(value));
                case "-l" -> user = value;
                case "-J" -> jump = Optional.of(value);
                case "-o" -> {
                    String[] kv = value.split("[= ]", 2);
                    if (kv.length < 2) {
                        throw new IllegalArgumentException("ssh option -o " + value + " is not Key=Value");
                    }
                    String key = kv[0].toLowerCase(Locale.ROOT);
                    String v = kv[1].trim();
                    switch (key) {
                        case "port" -> port = port(v);
                        case "user" -> user = v;
                        case "identityfile" -> identities.add(path(v));
                        case "userknownhostsfile" -> {
                            for (String file : v.split("\\s+")) {
                                knownHosts.add(path(file));
                            }
                        }
                        case "stricthostkeychecking" -> policy = policy(v, warn);
                        case "connecttimeout" -> timeout = Duration.ofSeconds(positive(v, "ConnectTimeout"));
                        case "proxyjump" -> jump = "none".equalsIgnoreCase(v) ? Optional.empty() : Optional.of(v);
                        case "batchmode", "controlmaster", "controlpath", "controlpersist", "serveraliveinterval",
                                "serveralivecountmax", "loglevel", "compression" ->
                            warn.accept("ssh option -o " + kv[0] + " has no effect in nixdeploy"
                                    + (key.startsWith("control") ? " (it never reuses connections)" : ""));
                        default -> warn.accept("ssh option -o " + kv[0] + " is not supported and was ignored");
                    }
                }
                default -> warn.accept("ssh argument '" + arg + "' is not supported and was ignored");
            }
        }
        return new SshTarget(base.host(), port, user, identities, knownHosts, policy, timeout, jump);
    }

    private static int port(String value) {
        int port = positive(value, "port");
        if (port > 65535) {
            throw new IllegalArgumentException("ssh port " + value + " is out of range (1-65535)");
        }
        return port;
    }

    private static int positive(String value, String what) {
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

    private static Path path(String value) {
        if (value.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), value.substring(2));
        }
        return Path.of(value);
    }

    private static HostKeyPolicy policy(String value, Consumer<String> warn) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "yes":
            case "ask":
                return HostKeyPolicy.STRICT;
            case "accept-new":
                return HostKeyPolicy.ACCEPT_NEW;
            case "no":
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
