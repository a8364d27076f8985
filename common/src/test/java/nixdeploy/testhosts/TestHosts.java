package nixdeploy.testhosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts throwaway target hosts for a test class and removes them
 * afterwards, even when a test fails or the JVM is interrupted. Use it on a static field:
 *
 * <pre>{@code @RegisterExtension static final TestHosts HOSTS = TestHosts.count(2);}</pre>
 *
 * Leftovers of a run that was killed (namespaces whose owning JVM is gone) are removed on the
 * next start. Without root the tests are skipped; with {@code CI=true} missing prerequisites fail.
 */
public final class TestHosts implements BeforeAllCallback, AfterAllCallback {
    static final String NAME_PREFIX = "ndt-";
    private static final Path ROOT = Path.of("/tmp/nixdeploy-testhosts");
    private static final List<String> TOOLS = List.of("ip", "unshare", "nsenter", "ssh-keygen", "nix-store",
            "nix-daemon", "/usr/sbin/sshd", "java");
    private static final long OWNER = ProcessHandle.current().pid();
    /** A normal account on this machine that tests may log in as; see {@link #ensureTestUser}. */
    public static final String TEST_USER = "nixdeploy-test";

    private final int count;
    private final List<TestHost> hosts = new ArrayList<>();
    private Path groupDir;
    private Thread shutdownHook;

    private TestHosts(int count) {
        this.count = count;
    }

    public static TestHosts count(int count) {
        return new TestHosts(count);
    }

    public TestHost get(int i) {
        return hosts.get(i);
    }

    public List<TestHost> all() {
        return Collections.unmodifiableList(hosts);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        checkPrerequisites();
        removeLeftovers();
        shutdownHook = new Thread(this::stopAll, "test-hosts-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Files.createDirectories(ROOT);
        groupDir = Files.createTempDirectory(ROOT, "group-");
        Files.setPosixFilePermissions(groupDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(groupDir.resolve("owner"), Long.toString(OWNER));
        Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "nixdeploy-test",
                "-f", groupDir.resolve("client_key").toString()).orThrow();
        try {
            for (int i = 0; i < count; i++) {
                hosts.add(start(freeIndex()));
            }
        } catch (RuntimeException | IOException e) {
            stopAll();
            throw e;
        }
    }

    /**
     * Creates {@link #TEST_USER} on this machine if needed (test hosts share /etc/passwd), lets it
     * log in to every host, and gives it sudo: without a password, or only with {@code password}.
     */
    public void ensureTestUser(String password) {
        if (!Cmd.run("id", TEST_USER).ok()) {
            Cmd.run("useradd", "--create-home", "--shell", "/bin/sh", TEST_USER).orThrow();
        }
        Cmd.run(List.of("chpasswd"), TEST_USER + ":" + (password == null ? "unused-" + OWNER : password) + "\n", 30)
                .orThrow();
        String rule = TEST_USER + " ALL=(ALL) " + (password == null ? "NOPASSWD: " : "") + "ALL\n";
        Cmd.run(List.of("sh", "-c", "cat > /etc/sudoers.d/nixdeploy-test && chmod 0440 /etc/sudoers.d/nixdeploy-test"),
                rule, 30).orThrow();
        for (TestHost host : hosts) {
            host.authorize(TEST_USER);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopAll();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static void checkPrerequisites() {
        String uid = Cmd.run("id", "-u").stdout().trim();
        boolean ci = "true".equals(System.getenv("CI"));
        if (!"0".equals(uid)) {
            if (ci) {
                throw new IllegalStateException("test hosts need root (network and mount namespaces); CI runs as uid "
                        + uid);
            }
            Assumptions.abort("test hosts need root (network and mount namespaces); running as uid " + uid);
        }
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            if (!Cmd.run("sh", "-c", "command -v " + tool).ok()) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            String why = "test hosts need " + missing + " on PATH; run .ci/install-prerequisites first";
            if (ci) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
    }

    /** Removes namespaces and folders left by test JVMs that no longer run. */
    static synchronized void removeLeftovers() throws IOException {
        for (String line : Cmd.run("ip", "netns", "list").stdout().split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(NAME_PREFIX) && !ownedByLiveJvm(name) && !startedByALiveProcess(name)) {
                removeNamespace(name);
            }
        }
        if (Files.isDirectory(ROOT)) {
            try (var groups = Files.list(ROOT)) {
                for (Path group : groups.toList()) {
                    if (!ownerAlive(group)) {
                        Cmd.run("rm", "-rf", group.toString());
                    }
                }
            }
        }
    }

    private static boolean ownedByLiveJvm(String namespace) throws IOException {
        if (!Files.isDirectory(ROOT)) {
            return false;
        }
        try (var groups = Files.list(ROOT)) {
            return groups.anyMatch(g -> Files.isDirectory(g.resolve(namespace)) && ownerAlive(g));
        }
    }

    /**
     * Whether a process of {@code namespace} (its sshd) still has the parent that started it. Hosts
     * of a test JVM running elsewhere (another checkout, or a fresh-debian root with its own /tmp)
     * have no group folder here, but their sshd's parent is that live JVM; a leftover's sshd was
     * handed to init when its JVM died.
     */
    private static boolean startedByALiveProcess(String namespace) {
        Set<Long> inside = Cmd.run("ip", "netns", "pids", namespace).stdout().lines().map(String::trim)
                .filter(l -> !l.isEmpty()).map(Long::parseLong).collect(java.util.stream.Collectors.toSet());
        return inside.stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream)
                .map(ProcessHandle::parent).flatMap(java.util.Optional::stream)
                .anyMatch(parent -> parent.pid() != 1 && !inside.contains(parent.pid()) && parent.isAlive());
    }

    private static boolean ownerAlive(Path group) {
        try {
            long pid = Long.parseLong(Files.readString(group.resolve("owner")).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static void removeNamespace(String name) {
        for (int attempt = 0; attempt < 20; attempt++) {
            String pids = Cmd.run("ip", "netns", "pids", name).stdout().trim();
            if (pids.isEmpty()) {
                break;
            }
            for (String pid : pids.split("\\s+")) {
                Cmd.run("kill", "-9", pid);
            }
            sleep(50);
        }
        Cmd.run("ip", "netns", "del", name);
        Cmd.run("ip", "link", "del", name.replace("-", "") + "h");
    }

    private static synchronized int freeIndex() {
        Set<String> taken = Cmd.run("ip", "netns", "list").stdout().lines()
                .map(line -> line.split(" ")[0]).collect(java.util.stream.Collectors.toSet());
        // 200 and above belong to .ci/testhost (demo and benchmarks)
        for (int i = 1; i < 200; i++) {
            // another test JVM may take the same name between the list and the add: then try the next.
            // A fresh-debian root has namespace names of its own but shares this machine's links.
            if (!taken.contains(NAME_PREFIX + i) && !Cmd.run("ip", "link", "show", "ndt" + i + "h").ok()
                    && Cmd.run("ip", "netns", "add", NAME_PREFIX + i).exitCode() == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no free test host index (199 namespaces named " + NAME_PREFIX + "* exist)");
    }

    private TestHost start(int index) throws IOException {
        String ns = NAME_PREFIX + index;
        Path dir = groupDir.resolve(ns);
        Files.createDirectories(dir.resolve("nix"));
        Files.createDirectories(dir.resolve("etc-nix"));
        Files.createDirectories(dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        Files.writeString(dir.resolve("etc-nix/nix.conf"), String.join("\n",
                "experimental-features = nix-command flakes",
                "substituters =",
                "sandbox = true",
                "sandbox-paths = /bin/sh=" + NixpkgsStandIn.staticBusybox(),
                "build-users-group =",
                "trusted-users = root " + TEST_USER,
                ""));
        Cmd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", ns,
                "-f", dir.resolve("host_key").toString()).orThrow();
        String hostKey = Files.readString(dir.resolve("host_key.pub")).trim().replaceAll("\\s+\\S+$", "");
        TestHost host = new TestHost(index, dir, hostKey);
        host.authorize("root");
        Files.writeString(host.knownHostsFile(), host.knownHostsLine() + "\n");
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "ListenAddress " + host.address(),
                "Port 22",
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys") + "/%u",
                "UsePAM no",
                "StrictModes no",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "AllowTcpForwarding yes",
                "MaxStartups 100",
                "MaxSessions 100",
                "PidFile none",
                "LogLevel VERBOSE",
                ""));
        String hostSide = ns.replace("-", "") + "h";
        String nsSide = ns.replace("-", "") + "n";
        Cmd.run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide, "netns", ns).orThrow();
        Cmd.run("ip", "addr", "add", host.gatewayAddress() + "/30", "dev", hostSide).orThrow();
        Cmd.run("ip", "link", "set", hostSide, "up").orThrow();
        Cmd.run("ip", "-n", ns, "addr", "add", host.address() + "/30", "dev", nsSide).orThrow();
        Cmd.run("ip", "-n", ns, "link", "set", nsSide, "up").orThrow();
        Cmd.run("ip", "-n", ns, "link", "set", "lo", "up").orThrow();
        // an empty /root of its own, as a real host has: this machine's dotfiles would run on every exec;
        // a checkout under /root (a fresh-debian root's /root/src/project) stays visible in it
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        Path repo = NixpkgsStandIn.repositoryRoot();
        String keepRepo = "";
        if (repo.startsWith("/root")) {
            Path inRoot = root.resolve(Path.of("/root").relativize(repo));
            Files.createDirectories(inRoot);
            keepRepo = " && mount --bind " + repo + " " + inRoot;
        }
        String inside = "mount --bind " + dir.resolve("nix") + " /nix"
                + " && mount --bind " + dir.resolve("etc-nix") + " /etc/nix"
                + keepRepo
                + " && mount --rbind " + root + " /root"
                + " && { nix-daemon > " + dir.resolve("nix-daemon.log") + " 2>&1 & }"
                + " && exec /usr/sbin/sshd -D -e -f " + dir.resolve("sshd_config");
        Process sshd = new ProcessBuilder("ip", "netns", "exec", ns, "unshare", "-m", "--propagation", "private",
                "sh", "-c", inside)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        host.started(sshd);
        waitForSsh(host);
        return host;
    }

    /**
     * Routes between two test hosts through this machine, so one can reach the other (a jump
     * host). Forwarding is switched on for their two veth interfaces only, which go away with them.
     */
    public void route(TestHost a, TestHost b) {
        for (TestHost[] pair : new TestHost[][] {{a, b}, {b, a}}) {
            TestHost from = pair[0];
            TestHost to = pair[1];
            Cmd.run("ip", "-n", from.namespace(), "route", "add", "10.213." + to.index() + ".0/30", "via",
                    from.gatewayAddress()).orThrow();
            try {
                Files.writeString(Path.of("/proc/sys/net/ipv4/conf", from.namespace().replace("-", "") + "h",
                        "forwarding"), "1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void waitForSsh(TestHost host) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!host.sshdAlive()) {
                throw new IllegalStateException("sshd of " + host + " exited: "
                        + Files.readString(host.dir().resolve("sshd.log"), StandardCharsets.UTF_8));
            }
            if (Files.readString(host.dir().resolve("sshd.log")).contains("Server listening")) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("sshd of " + host + " did not start within 15 s");
    }

    private synchronized void stopAll() {
        for (TestHost host : hosts) {
            host.stop();
            removeNamespace(host.namespace());
        }
        hosts.clear();
        if (groupDir != null) {
            Cmd.run("rm", "-rf", groupDir.toString());
            groupDir = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
