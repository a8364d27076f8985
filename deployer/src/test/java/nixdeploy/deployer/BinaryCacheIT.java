package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cache} and the {@code cache} setting: the deployer pushes the closure once to a binary
 * cache (here {@code file://}, signed with {@code ?secret-key=}), served over HTTP from this machine
 * to a host whose nix.conf names it, and that host substitutes everything from it while the deployer
 * sends nothing. A host without the cache in its nix.conf still gets the paths from the deployer.
 */
class BinaryCacheIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(2).cleanedWith(null);
    static final String KEY_NAME = "nixdeploy-cache-test-1";

    static TestHost cached;
    static TestHost plain;
    static String sshOpts;
    static Path cacheDir;
    static String pushUrl;
    static Path secretKey;
    static HttpServer server;
    /** What the HTTP cache served: "client-address path status". */
    static final List<String> served = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path keys, @TempDir Path cache) throws Exception {
        cached = IT.host(0);
        plain = IT.host(1);
        Path knownHosts = IT.deploy().home().resolve("cache_known_hosts");
        Files.writeString(knownHosts, cached.knownHostsLine() + "\n" + plain.knownHostsLine() + "\n");
        sshOpts = "-i " + cached.clientKey() + " -o UserKnownHostsFile=" + knownHosts;

        secretKey = keys.resolve("cache.sec");
        Path publicKey = keys.resolve("cache.pub");
        Cmd.run("nix-store", "--generate-binary-cache-key", KEY_NAME, secretKey.toString(), publicKey.toString())
                .orThrow();
        cacheDir = cache;
        pushUrl = "file://" + cacheDir + "?secret-key=" + secretKey;

        // on this machine's side of the cached host's veth, so only that host can reach it
        server = HttpServer.create(new InetSocketAddress(cached.gatewayAddress(), 0), 0);
        server.createContext("/", BinaryCacheIT::serve);
        server.start();
        String httpUrl = "http://" + cached.gatewayAddress() + ":" + server.getAddress().getPort();
        cached.reconfigureNix("substituters = " + httpUrl + "\ntrusted-public-keys = "
                + Files.readString(publicKey).trim());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @BeforeEach
    void forgetRequests() {
        served.clear();
    }

    /** A plain HTTP binary cache: the files {@code nix copy --to file://} wrote, or 404. */
    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Path file = cacheDir.resolve(path.substring(1)).normalize();
            boolean found = file.startsWith(cacheDir) && Files.isRegularFile(file);
            served.add(exchange.getRemoteAddress().getAddress().getHostAddress() + " " + path + " "
                    + (found ? 200 : 404));
            if (!found) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Test
    void theHostWithTheCacheSubstitutesEverythingAndTheDeployerSendsItNothing() {
        String name = "cached-" + System.nanoTime();
        // fastConnection = true would copy everything from here; with a cache, hosts substitute anyway
        Path flake = flake(name, "      cache = \"" + pushUrl + "\";\n      fastConnection = true;");

        Cmd.Result result = IT.deploy().run(flake, "--skip-checks", "--ssh-opts", sshOpts);

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        String out = result.stdout();
        assertThat(out).contains("to the binary cache file://" + cacheDir).doesNotContain("secret-key");
        assertThat(line(out, "cached.app", "copying nothing")).as(out).isNotNull();
        assertThat(line(out, "cached.app", "copied")).as("the deployer sent the cached host nothing").isNull();
        assertThat(line(out, "cached.app", "did not fetch")).isNull();
        String profile = cached.resolve("/nix/var/nix/profiles/per-user/root/app");
        assertThat(profile).endsWith(name);
        // it came from the cache: signed with the cache's key, and its NAR went over HTTP to that host
        assertThat(cached.sh("nix path-info --sigs " + profile).stdout()).contains(KEY_NAME + ":");
        assertThat(served).anyMatch(r -> r.startsWith(cached.address() + " /nar/") && r.endsWith(" 200"));
        assertThat(served).anyMatch(r -> r.startsWith(cached.address() + " /" + hashOf(profile) + ".narinfo 200"));

        // the host without the cache in its nix.conf got the same closure from the deployer, with a hint
        assertThat(line(out, "plain.app", "did not fetch")).as(out).contains("substituters")
                .contains("trusted-public-keys");
        assertThat(line(out, "plain.app", "copied")).as(out).isNotNull();
        assertThat(plain.resolve("/nix/var/nix/profiles/per-user/root/app")).isEqualTo(profile);
        assertThat(plain.sh("nix path-info --sigs " + profile).stdout()).doesNotContain(KEY_NAME + ":");
    }

    @Test
    void withLocalKeyThePathsAreSignedHereAndTheCacheHandsOnTheirSignatures() {
        String name = "local-key-" + System.nanoTime();
        Path flake = flake(name, "");
        IT.deploy().env("LOCAL_KEY", secretKey.toString());
        Cmd.Result result;
        try {
            result = IT.deploy().run(flake, "--skip-checks", "--ssh-opts", sshOpts, "--on", "cached", "--cache",
                    "file://" + cacheDir);
        } finally {
            IT.deploy().env("LOCAL_KEY", null);
        }

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("signed with LOCAL_KEY").doesNotContain(secretKey.toString());
        assertThat(line(result.stdout(), "cached.app", "copying nothing")).as(result.stdout()).isNotNull();
        String profile = cached.resolve("/nix/var/nix/profiles/per-user/root/app");
        assertThat(profile).endsWith(name);
        assertThat(cached.sh("nix path-info --sigs " + profile).stdout()).contains(KEY_NAME + ":");
    }

    @Test
    void aFailedPushStopsTheRunBeforeAnyHostIsCopiedToOrChanged() {
        String name = "unpushed-" + System.nanoTime();
        Path flake = flake(name, "");
        cached.sh("rm -f /nix/var/nix/profiles/per-user/root/app*").orThrow();

        // a folder inside a regular file cannot be made, not even by root
        Cmd.Result result = IT.deploy().run(flake, "--skip-checks", "--ssh-opts", sshOpts, "--cache",
                "file:///etc/hostname/cache");

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.CACHE_PUSH_FAILED.code);
        assertThat(result.stdout()).contains("pushing to the binary cache file:///etc/hostname/cache failed")
                .contains("Nothing was copied to any host or changed").doesNotContain("copying ");
        assertThat(cached.sh("test -e /nix/var/nix/profiles/per-user/root/app").ok()).as("no profile").isFalse();
        assertThat(cached.sh("ls /nix/store | grep -c -- '-" + name + "$'").stdout().trim()).isEqualTo("0");
        assertThat(served).as("no host fetched anything").isEmpty();
    }

    /** Nodes "cached" and "plain", each with profile "app" of the same store path; {@code settings} at deploy level. */
    private Path flake(String name, String settings) {
        String app = "profile \"" + name + "\" \"echo deployed " + name + "\"";
        return IT.flake(name,
                "    deploy = {",
                settings,
                "      sshUser = \"root\";",
                "      user = \"root\";",
                "      nodes.cached = { hostname = \"" + cached.address() + "\"; profiles.app.path = " + app + "; };",
                "      nodes.plain = { hostname = \"" + plain.address() + "\"; profiles.app.path = " + app + "; };",
                "    };");
    }

    /** The first line of {@code out} about {@code profile} that contains {@code text}, or null. */
    private static String line(String out, String profile, String text) {
        return out.lines().filter(l -> l.contains(profile) && l.contains(text)).findFirst().orElse(null);
    }

    private static String hashOf(String storePath) {
        return storePath.substring("/nix/store/".length(), "/nix/store/".length() + 32);
    }
}
