package nixdeploy.deployer.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where and how to connect, as the command line says: a node's hostname, its sshUser, and its
 * sshOpts as ssh_config lines ({@code -p 2222} is {@code Port 2222}), which come before
 * ~/.ssh/config's as with OpenSSH. {@link SshSettings#resolve} adds the config files.
 *
 * @param user       the node's sshUser (null: as the options or ssh_config say); {@code -l} wins over it
 * @param timeoutCap a bound on the connect timeout (null: none), for retries within a deadline
 */
public record SshTarget(String host, String user, List<SshConfigLine> options, Duration timeoutCap) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public SshTarget {
        options = List.copyOf(options);
    }

    public static SshTarget of(String host, String user) {
        return new SshTarget(host, user == null || user.isEmpty() ? null : user, List.of(), null);
    }

    public SshTarget withOptions(List<SshConfigLine> more) {
        List<SshConfigLine> all = new ArrayList<>(options);
        all.addAll(more);
        return new SshTarget(host, user, all, timeoutCap);
    }

    public SshTarget withConnectTimeout(Duration timeout) {
        return new SshTarget(host, user, options, timeout);
    }

    /** The options, then the sshUser (OpenSSH takes {@code user@host} after {@code -l} and {@code -o User}). */
    public List<SshConfigLine> commandLine() {
        List<SshConfigLine> all = new ArrayList<>(options);
        if (user != null) {
            all.add(new SshConfigLine("user", List.of(user), "sshUser"));
        }
        return all;
    }

    /** The port the command line sets, 0 when it sets none. */
    public int port() {
        return first("port").map(SshOptions::port).orElse(0);
    }

    /** The user the command line sets ({@code -l}, {@code -o User}, else sshUser), or null. */
    public String effectiveUser() {
        return first("user").orElse(user);
    }

    public List<Path> identityFiles() {
        return options.stream().filter(o -> o.keyword().equals("identityfile"))
                .map(o -> SshOptions.path(o.value())).toList();
    }

    public List<Path> knownHostsFiles() {
        return options.stream().filter(o -> o.keyword().equals("userknownhostsfile")).findFirst()
                .map(o -> o.args().stream().map(SshOptions::path).toList()).orElse(List.of());
    }

    public HostKeyPolicy hostKeyPolicy() {
        return first("stricthostkeychecking").map(v -> SshOptions.policy(v, w -> {})).orElse(HostKeyPolicy.STRICT);
    }

    /** The command line's ConnectTimeout (else the default), within {@link #timeoutCap}. */
    public Duration connectTimeout() {
        Duration set = first("connecttimeout").map(v -> Duration.ofSeconds(SshOptions.positive(v, "ConnectTimeout")))
                .orElse(DEFAULT_CONNECT_TIMEOUT);
        return timeoutCap != null && timeoutCap.compareTo(set) < 0 ? timeoutCap : set;
    }

    public Optional<String> proxyJump() {
        return first("proxyjump").filter(j -> !j.equalsIgnoreCase("none"));
    }

    private Optional<String> first(String keyword) {
        return options.stream().filter(o -> o.keyword().equals(keyword)).findFirst().map(SshConfigLine::value);
    }

    public String describe() {
        String who = effectiveUser();
        int port = port();
        return (who == null ? "" : who + "@") + host + (port > 0 ? ":" + port : "");
    }
}
