package nixdeploy.deployer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.LocalNix;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a deployer integration test stands on: test hosts, the packaged {@code deploy} with a
 * private HOME, a fresh work folder for each test's flakes, and hosts cleaned before each test.
 *
 * <pre>{@code @RegisterExtension static final DeployFixture IT = DeployFixture.hosts(1);}</pre>
 */
final class DeployFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** What a deploy of a root profile leaves on a host. */
    static final String CLEAN = "rm -rf /nix/var/nix/profiles/system* /nix/var/nixdeploy";

    private final TestHosts hosts;
    private String clean = CLEAN;
    private Path home;
    private DeployCli deploy;
    private Path work;

    private DeployFixture(int count) {
        hosts = TestHosts.count(count);
    }

    static DeployFixture hosts(int count) {
        return new DeployFixture(count);
    }

    /** Runs {@code shell} on every host before each test instead of {@link #CLEAN} (null: nothing). */
    DeployFixture cleanedWith(String shell) {
        clean = shell;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        hosts.beforeAll(context);
        home = Files.createTempDirectory("nixdeploy-it-home-");
        deploy = new DeployCli(home);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            hosts.afterAll(context);
        } finally {
            delete(home);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        work = Files.createTempDirectory("nixdeploy-it-work-");
        if (clean != null) {
            for (TestHost host : hosts.all()) {
                host.sh(clean).orThrow();
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        delete(work);
    }

    TestHost host() {
        return hosts.get(0);
    }

    TestHost host(int i) {
        return hosts.get(i);
    }

    TestHosts hosts() {
        return hosts;
    }

    /** The packaged launcher with this class's private HOME (shared by its tests, like a user's). */
    DeployCli deploy() {
        return deploy;
    }

    /** This test's own folder, removed after it. */
    Path work() {
        return work;
    }

    /** {@code deploy ARGS...} of {@code flake} to the first host, trusting its key. */
    Cmd.Result deployTo(Path flake, String... args) {
        return deploy.to(host(), flake, args);
    }

    /** A {@link TestFlake} in {@code work()/dir} with {@code deployLines} in its outputs. */
    Path flake(String dir, String... deployLines) {
        return TestFlake.write(work.resolve(dir), String.join("\n", deployLines));
    }

    /** {@code deploy.nodes.<name>} on {@code host}, logging in as root, with {@code attrs} in it. */
    static String node(String name, TestHost host, String... attrs) {
        return nodeAs(name, host, "root", attrs);
    }

    /** {@code deploy.nodes.<name>} on {@code host}, logging in as {@code sshUser}, with {@code attrs} in it. */
    static String nodeAs(String name, TestHost host, String sshUser, String... attrs) {
        List<String> lines = new ArrayList<>(List.of(
                "    deploy.nodes." + name + " = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"" + sshUser + "\";"));
        Stream.of(attrs).map(a -> "      " + a).forEach(lines::add);
        lines.add("    };");
        return String.join("\n", lines);
    }

    /**
     * Node {@code web} on the first host with root's {@code system} profile, the stand-in profile
     * {@code name} that activates with {@code script}; {@code profileAttrs} go into the profile.
     */
    String webSystem(String name, String script, String profileAttrs) {
        return node("web", host(), "profiles.system = { user = \"root\"; path = profile \"" + name + "\" "
                + nixString(script) + "; " + profileAttrs + " };");
    }

    static String nixString(String s) {
        return LocalNix.nixString(s);
    }

    /** rm -rf: what a test leaves may be read-only, or vanish while it is removed (an agent's socket). */
    private static void delete(Path dir) {
        if (dir != null) {
            Cmd.run("rm", "-rf", dir.toString()).orThrow();
        }
    }
}
