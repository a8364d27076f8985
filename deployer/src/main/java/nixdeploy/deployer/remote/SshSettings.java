package nixdeploy.deployer.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings one connection uses: the command line's options, then ~/.ssh/config, then
 * /etc/ssh/ssh_config, with OpenSSH's defaults for the rest (what {@code ssh -G HOST} prints).
 *
 * @param alias                 the host as the node names it
 * @param hostName              where to connect (HostName, else the alias)
 * @param identityFiles         keys to offer first, in order (OpenSSH's default files when none is set)
 * @param identityFilesExplicit whether the command line or a config file named the identity files
 * @param identityAgent         the agent's socket, empty for none
 * @param hostKeyAlgorithms     the HostKeyAlgorithms setting as written ({@code +alg}, {@code -alg},
 *                              {@code ^alg} or a list), empty for OpenSSH's default
 * @param knownHostsName        the name host keys are looked up and recorded under (HostKeyAlias or host name)
 * @param hostKeyPolicySource   where StrictHostKeyChecking was set ({@code ~/.ssh/config line 4}), or "default"
 * @param warnings              settings read but not honoured, and StrictHostKeyChecking no from a config file
 * @param debugNotes            settings of the system-wide config ignored quietly ({@link SshKeywords#harmless})
 */
public record SshSettings(
        String alias,
        String hostName,
        int port,
        String user,
        List<Path> identityFiles,
        boolean identityFilesExplicit,
        boolean identitiesOnly,
        Optional<Path> identityAgent,
        List<Path> userKnownHostsFiles,
        List<Path> globalKnownHostsFiles,
        Optional<String> hostKeyAlgorithms,
        KnownHostsName knownHostsName,
        boolean hashKnownHosts,
        HostKeyPolicy hostKeyPolicy,
        String hostKeyPolicySource,
        Duration connectTimeout,
        Optional<String> proxyJump,
        List<String> warnings,
        List<String> debugNotes) {

    static final List<String> DEFAULT_IDENTITIES = List.of("id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519",
            "id_ed25519_sk", "id_xmss", "id_dsa");

    public SshSettings {
        identityFiles = List.copyOf(identityFiles);
        userKnownHostsFiles = List.copyOf(userKnownHostsFiles);
        globalKnownHostsFiles = List.copyOf(globalKnownHostsFiles);
        warnings = List.copyOf(warnings);
        debugNotes = List.copyOf(debugNotes);
    }

    /** Resolves {@code target} with {@code config}; a setting nixdeploy refuses is an IllegalArgumentException. */
    public static SshSettings resolve(SshTarget target, SshConfig config) {
        SshConfig.Options o = config.resolve(target.host(), target.commandLine());
        String localUser = System.getProperty("user.name");
        String alias = target.host().toLowerCase(Locale.ROOT);
        String hostName = o.first("hostname") == null ? alias : o.first("hostname").replace("%h", alias);
        int port = o.first("port") == null ? 22 : SshOptions.port(o.first("port"));
        String user = o.first("user") == null ? localUser : o.first("user");
        Expander expand = new Expander(config.home(), alias, hostName, port, user, localUser);

        refuseProxyCommand(o);
        Optional<String> jump = Optional.ofNullable(o.first("proxyjump")).filter(j -> !j.equalsIgnoreCase("none"));
        boolean explicit = !o.all("identityfile").isEmpty();
        List<Path> identities = new ArrayList<>();
        for (String file : explicit ? o.all("identityfile") : DEFAULT_IDENTITIES.stream().map(n -> "~/.ssh/" + n).toList()) {
            if (!file.equalsIgnoreCase("none")) {
                identities.add(expand.path(file));
            }
        }
        List<Path> userFiles = files(o, "userknownhostsfile", expand,
                List.of("~/.ssh/known_hosts", "~/.ssh/known_hosts2"));
        List<Path> globalFiles = files(o, "globalknownhostsfile", expand,
                List.of("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"));
        Duration timeout = o.first("connecttimeout") == null || o.first("connecttimeout").equalsIgnoreCase("none")
                ? SshTarget.DEFAULT_CONNECT_TIMEOUT
                : Duration.ofSeconds(SshOptions.positive(o.first("connecttimeout"), "ConnectTimeout"));
        if (target.timeoutCap() != null && target.timeoutCap().compareTo(timeout) < 0) {
            timeout = target.timeoutCap();
        }
        List<String> warnings = new ArrayList<>();
        List<String> debugNotes = new ArrayList<>();
        HostKeyPolicy policy = policy(o, warnings);
        // ssh.c lower-cases both the host name and HostKeyAlias
        String hostKeyAlias = o.first("hostkeyalias") == null ? null : o.first("hostkeyalias").toLowerCase(Locale.ROOT);
        KnownHostsName knownHostsName = KnownHostsName.of(hostKeyAlias, hostName.toLowerCase(Locale.ROOT), port);
        ignored(o, warnings, debugNotes);
        return new SshSettings(alias, hostName, port, user, identities, explicit, yes(o.first("identitiesonly")),
                agent(o, expand), userFiles, globalFiles, Optional.ofNullable(o.first("hostkeyalgorithms")),
                knownHostsName, yes(o.first("hashknownhosts")), policy,
                o.source("stricthostkeychecking") == null ? "default" : o.source("stricthostkeychecking"), timeout,
                jump, warnings, debugNotes);
    }

    /** StrictHostKeyChecking; {@code no} from a config file is a warning naming the line (-o warns already). */
    private static HostKeyPolicy policy(SshConfig.Options o, List<String> warnings) {
        String value = o.first("stricthostkeychecking");
        if (value == null) {
            return HostKeyPolicy.STRICT;
        }
        boolean fromFile = o.origin("stricthostkeychecking") != SshConfig.Origin.COMMAND_LINE;
        return SshOptions.policy(value, w -> {
            if (fromFile) {
                warnings.add(w + "; set in " + o.source("stricthostkeychecking"));
            }
        });
    }

    /**
     * {@code target}'s settings from the standard config files, for their warnings and debug notes;
     * empty when they cannot be resolved (connecting then says why).
     */
    public static Optional<SshSettings> forMessages(SshTarget target) {
        try {
            return Optional.of(resolve(target, SshConfig.standard()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void refuseProxyCommand(SshConfig.Options o) {
        String command = o.first("proxycommand");
        if (command == null || command.equalsIgnoreCase("none")) {
            return;
        }
        // OpenSSH: whichever of ProxyJump and ProxyCommand comes first wins
        for (String keyword : o.keywords()) {
            if (keyword.equals("proxyjump")) {
                return;
            }
            if (keyword.equals("proxycommand")) {
                break;
            }
        }
        throw new IllegalArgumentException("ProxyCommand (" + o.source("proxycommand") + ") is not supported by "
                + "nixdeploy, and connecting without it would bypass the proxy you set up. Use ProxyJump (-J) if "
                + "the proxy is an SSH host, or set ProxyCommand none for this host to connect directly");
    }

    private static Optional<Path> agent(SshConfig.Options o, Expander expand) {
        String configured = o.first("identityagent");
        String socket = configured == null || configured.equals("SSH_AUTH_SOCK") ? System.getenv("SSH_AUTH_SOCK")
                : configured.equalsIgnoreCase("none") ? null
                : configured.startsWith("$") ? System.getenv(configured.substring(1))
                : expand.path(configured).toString();
        return socket == null || socket.isBlank() ? Optional.empty() : Optional.of(Path.of(socket));
    }

    private static List<Path> files(SshConfig.Options o, String keyword, Expander expand, List<String> defaults) {
        List<String> names = o.all(keyword).isEmpty() ? defaults : o.all(keyword);
        return names.stream().filter(n -> !n.equalsIgnoreCase("none")).map(expand::path).toList();
    }

    private static boolean yes(String value) {
        return value != null && value.equalsIgnoreCase("yes");
    }

    /** Settings not honoured: warnings, except harmless ones of the system-wide config ({@link SshKeywords}). */
    private static void ignored(SshConfig.Options o, List<String> warnings, List<String> debugNotes) {
        List<String> noEffect = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        List<String> quiet = new ArrayList<>();
        for (String keyword : o.keywords()) {
            if (SshKeywords.honoured(keyword)) {
                continue;
            }
            String where = keyword + " (" + o.source(keyword) + ")";
            if (o.origin(keyword) == SshConfig.Origin.SYSTEM_FILE && SshKeywords.harmless(keyword, o.first(keyword))) {
                quiet.add(where);
            } else {
                (SshKeywords.noEffect(keyword) ? noEffect : unsupported).add(where);
            }
        }
        if (!unsupported.isEmpty()) {
            warnings.add("ssh config settings not supported by nixdeploy, ignored: " + String.join(", ", unsupported));
        }
        if (!noEffect.isEmpty()) {
            warnings.add("ssh config settings with no effect in nixdeploy: " + String.join(", ", noEffect));
        }
        if (!quiet.isEmpty()) {
            debugNotes.add("system-wide ssh config settings ignored (they cannot change the host reached, the "
                    + "login or the host-key check): " + String.join(", ", quiet));
        }
    }

    /** {@code user@host:port}, for messages (IPv6 addresses in brackets). */
    public String describe() {
        String host = hostName.contains(":") ? "[" + hostName + "]" : hostName;
        return user + "@" + host + (port == 22 ? "" : ":" + port);
    }

    /** OpenSSH's {@code ~} and {@code %} tokens in file names. */
    private record Expander(Path home, String alias, String hostName, int port, String user, String localUser) {
        Path path(String name) {
            String text = name.startsWith("~/") ? home + name.substring(1) : name.equals("~") ? home.toString() : name;
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '%' || i + 1 >= text.length()) {
                    out.append(c);
                    continue;
                }
                char token = text.charAt(++i);
                out.append(switch (token) {
                    case '%' -> "%";
                    case 'd' -> home.toString();
                    case 'h' -> hostName;
                    case 'n' -> alias;
                    case 'p' -> Integer.toString(port);
                    case 'r' -> user;
                    case 'u' -> localUser;
                    default -> throw new IllegalArgumentException("the %" + token + " in ssh setting " + name
                            + " is not supported by nixdeploy");
                });
            }
            return Path.of(out.toString());
        }
    }
}
