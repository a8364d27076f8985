package nixdeploy.deployer.remote.mina;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import nixdeploy.deployer.remote.SshConfig;
import nixdeploy.deployer.remote.SshConfigLine;
import nixdeploy.deployer.remote.SshSettings;
import nixdeploy.deployer.remote.SshTarget;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * One {@code connect}: the destination's settings and its jump hosts', resolved each from its own
 * ssh_config as OpenSSH's {@code -J} does, and what went wrong, for the message. MINA opens the
 * sessions of a chain innermost jump first and resolves the jumps outermost first; each session
 * takes the next settings in that order when it starts its key exchange.
 */
final class Connection {
    static final AttributeKey<Connection> KEY = new AttributeKey<>();
    private static final AttributeKey<SshSettings> SETTINGS = new AttributeKey<>();

    final SshSettings target;
    final AtomicReference<String> hostKeyProblem = new AtomicReference<>();
    final List<String> keyNotes = Collections.synchronizedList(new ArrayList<>());
    /** Whether a session of this chain (the host's, a jump host's) made an sntrup761 key exchange. */
    volatile boolean sntrupUsed;
    private final SshConfig config;
    /** Jump specs still to resolve, with the jump each one goes through (null: its own ProxyJump). */
    private final Deque<String[]> pendingJumps = new ArrayDeque<>();
    private final List<SshSettings> resolvedJumps = new ArrayList<>();
    private int sessionsStarted;

    /** Host-key settings of the command line that apply to jump hosts too (README: "a jump host ..."). */
    private static final java.util.Set<String> SHARED_WITH_JUMPS = java.util.Set.of("userknownhostsfile",
            "globalknownhostsfile", "stricthostkeychecking");
    private final List<SshConfigLine> sharedWithJumps;

    Connection(SshTarget command, SshSettings target, SshConfig config) {
        this.target = target;
        this.config = config;
        this.sharedWithJumps = command.options().stream().filter(o -> SHARED_WITH_JUMPS.contains(o.keyword()))
                .toList();
        target.proxyJump().ifPresent(this::expect);
    }

    /** The ProxyJump to give MINA for a host whose ProxyJump is {@code jumps}: its last hop only. */
    String lastHop(String jumps) {
        String[] hops = jumps.split(",");
        return hops[hops.length - 1].trim();
    }

    /** OpenSSH visits {@code a,b,c} in order: c goes through b, b through a. */
    private void expect(String jumps) {
        String[] hops = jumps.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            pendingJumps.add(new String[] {hops[i].trim(), i > 0 ? hops[i - 1].trim() : null});
        }
    }

    /** Resolves the next jump host MINA asks for, from its own ssh_config. */
    synchronized SshSettings resolveJump() {
        String[] next = pendingJumps.poll();
        if (next == null) {
            throw new IllegalStateException("more jump hosts than ProxyJump names");
        }
        URI uri = URI.create("ssh://" + next[0]);
        List<SshConfigLine> lines = new ArrayList<>(sharedWithJumps);
        if (uri.getPort() > 0) {
            lines.add(new SshConfigLine("port", List.of(Integer.toString(uri.getPort())), "-J " + next[0]));
        }
        if (uri.getUserInfo() != null) {
            lines.add(new SshConfigLine("user", List.of(uri.getUserInfo()), "-J " + next[0]));
        }
        if (next[1] != null) {
            lines.add(new SshConfigLine("proxyjump", List.of(next[1]), "-J"));
        }
        SshSettings settings = SshSettings.resolve(new SshTarget(uri.getHost(), null, lines, target.connectTimeout()),
                config);
        if (next[1] == null) {
            settings.proxyJump().ifPresent(this::expect);
        }
        resolvedJumps.add(settings);
        return settings;
    }

    /** The settings of {@code session}, given to it when its first key exchange starts. */
    synchronized SshSettings settingsOf(Session session) {
        SshSettings settings = session.getAttribute(SETTINGS);
        if (settings == null) {
            int jumps = resolvedJumps.size();
            int index = sessionsStarted++;
            settings = index < jumps ? resolvedJumps.get(jumps - 1 - index) : target;
            session.setAttribute(SETTINGS, settings);
        }
        return settings;
    }

    static Connection of(Session session) {
        return ((org.apache.sshd.client.session.ClientSession) session).getConnectionContext().getAttribute(KEY);
    }
}
