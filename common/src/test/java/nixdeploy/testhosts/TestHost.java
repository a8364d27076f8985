package nixdeploy.testhosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One throwaway target host: a network namespace reached over a veth pair, with its own sshd and
 * its own empty {@code /nix} and {@code /etc/nix} (DESIGN.md, "Test hosts").
 */
public final class TestHost {
    private final int index;
    private final Path dir;
    private final String hostKeyLine;
    private Process sshd;

    TestHost(int index, Path dir, String hostKeyLine) {
        this.index = index;
        this.dir = dir;
        this.hostKeyLine = hostKeyLine;
    }

    void started(Process sshdProcess) {
        this.sshd = sshdProcess;
    }

    public int index() {
        return index;
    }

    /** The namespace's name, as {@code ip netns list} shows it. */
    public String namespace() {
        return TestHosts.NAME_PREFIX + index;
    }

    /** The host's address on its veth pair. */
    public String address() {
        return "10.213." + index + ".2";
    }

    /** The address of this machine as the test host sees it. */
    public String gatewayAddress() {
        return "10.213." + index + ".1";
    }

    public int port() {
        return 22;
    }

    /** A known_hosts line for this host's key. */
    public String knownHostsLine() {
        return address() + " " + hostKeyLine;
    }

    /** The host's public key as {@code ssh-ed25519 AAAA...}. */
    public String hostPublicKey() {
        return hostKeyLine;
    }

    /** The private key (OpenSSH format, no passphrase) that logs in as root and every added user. */
    public Path clientKey() {
        return dir.getParent().resolve("client_key");
    }

    /** A known_hosts file holding this host's key. */
    public Path knownHostsFile() {
        return dir.resolve("known_hosts");
    }

    /** The folder behind the host's private {@code /nix}. */
    public Path nixDir() {
        return dir.resolve("nix");
    }

    public Path dir() {
        return dir;
    }

    public long sshdPid() {
        return sshd.pid();
    }

    public boolean sshdAlive() {
        return sshd != null && sshd.isAlive();
    }

    /** Runs {@code script} with {@code sh -c} inside the host's network and mount namespaces, as root. */
    public Cmd.Result sh(String script) {
        return exec("sh", "-c", script);
    }

    /** Where {@code path} leads in the end ({@code readlink -f}): a profile's store path. */
    public String resolve(String path) {
        return sh("readlink -f " + path).stdout().trim();
    }

    /** The generation numbers of {@code profile}, ascending, space-separated: "1 2". */
    public String generations(String profile) {
        return sh("ls -d " + profile + "-*-link | sed 's/.*-\\([0-9]*\\)-link/\\1/' | sort -n | tr '\\n' ' '")
                .stdout().trim();
    }

    /** Runs a command inside the host's network and mount namespaces, as root. */
    public Cmd.Result exec(String... argv) {
        return execWithInput(null, List.of(argv));
    }

    /** Runs a command inside the host as root with {@code stdin} as its input. */
    public Cmd.Result execWithInput(String stdin, List<String> argv) {
        List<String> full = new ArrayList<>(List.of(
                "nsenter", "-t", Long.toString(sshdPid()), "-m", "-n", "--"));
        full.addAll(argv);
        return Cmd.run(full, stdin, 180);
    }

    /** Copies a path of this machine's store, with its closure, into the host's store. */
    public void importFromLocalStore(String storePath) {
        Cmd.run(List.of("sh", "-c", "nix-store --export $(nix-store -qR \"$1\") | nsenter -t " + sshdPid()
                + " -m -n -- nix-store --import >/dev/null", "import", storePath), null, 300).orThrow();
    }

    /** Adds lines to the host's nix.conf and restarts its nix-daemon so they take effect. */
    public void reconfigureNix(String lines) {
        try {
            Files.writeString(dir.resolve("etc-nix/nix.conf"), lines + "\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sshd.children().filter(p -> p.info().command().orElse("").endsWith("nix-daemon"))
                .forEach(ProcessHandle::destroyForcibly);
        Cmd.run(List.of("nsenter", "-t", Long.toString(sshdPid()), "-m", "-n", "--", "sh", "-c",
                "nix-daemon >> " + dir.resolve("nix-daemon.log") + " 2>&1 &"), null, 30).orThrow();
    }

    /** Lets {@code user} (an account on this machine) log in with {@link #clientKey()}. */
    public void authorize(String user) {
        try {
            Files.copy(clientKey().resolveSibling("client_key.pub"), dir.resolve("authorized_keys").resolve(user),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop() {
        if (sshd != null) {
            sshd.descendants().forEach(ProcessHandle::destroyForcibly);
            sshd.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return namespace() + "(" + address() + ")";
    }
}
