package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.NixpkgsStandIn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A host with Nix and no Java, as most NixOS, Ubuntu and macOS hosts are: the activator runs on
 * nixdeploy's own runtime, sent with the closure; without one the host is refused unchanged.
 */
class HostWithoutJavaIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1)
            .cleanedWith(DeployFixture.CLEAN + "; nft delete table inet lockout 2>/dev/null; true");
    static final String PROFILE = "/nix/var/nix/profiles/system";

    static String runtime;

    @BeforeAll
    static void setUp() {
        // this machine's Java, hidden in the host's own mount namespace only
        IT.host().sh("mount -t tmpfs -o size=1m,mode=755 no-java /usr/lib/jvm").orThrow();
        assertThat(IT.host().sh("command -v java || echo none").stdout().trim()).isEqualTo("none");
        runtime = buildRuntime();
    }

    /**
     * nix/activator-runtime.nix, as nixdeploy's package builds it, from the stand-in's JDK: this
     * machine's, which lives outside the store, so this one build runs without the sandbox.
     */
    private static String buildRuntime() {
        Path recipe = NixpkgsStandIn.dir().resolve("../../activator-runtime.nix").normalize();
        String json = Cmd.run(List.of("nix", "build", "--impure", "--no-link", "--json", "--option", "sandbox", "false",
                "--expr", NixpkgsStandIn.importExpr() + ".callPackage " + recipe + " { }"), null, 300).orThrow().stdout();
        return JsonParser.parseString(json).getAsJsonArray().get(0).getAsJsonObject().getAsJsonObject("outputs")
                .get("out").getAsString();
    }

    @BeforeEach
    void useTheRuntime() {
        IT.deploy().env("NIXDEPLOY_ACTIVATOR_RUNTIME", runtime);
    }

    private Path flake(String name, String script, String extraProfileAttrs) {
        return IT.flake(name, IT.webSystem(name, script, extraProfileAttrs));
    }

    private Cmd.Result deploy(Path flake) {
        return IT.deployTo(flake, ".#web", "--skip-checks");
    }

    @Test
    void theActivatorRunsOnTheRuntimeSentWithTheClosureOnce() {
        Cmd.Result first = deploy(flake("nojava-1", DeployIT.GOOD, ""));

        assertThat(first.exitCode()).as(first.stdout()).isZero();
        assertThat(first.stdout()).contains("no Java 17+ on the host (no java on the PATH)")
                .contains("the activator runs on nixdeploy's own Java runtime")
                .contains("| serving version nojava-1").contains("confirmed over a new connection");
        assertThat(IT.host().sh("cat " + PROFILE + "/name").stdout().trim()).isEqualTo("nojava-1");
        assertThat(IT.host().sh("nix-store --check-validity " + runtime).exitCode()).isZero();
        assertThat(IT.host().sh("command -v java || echo none").stdout().trim()).isEqualTo("none");

        Cmd.Result second = deploy(flake("nojava-2", DeployIT.GOOD, ""));

        assertThat(second.exitCode()).as(second.stdout()).isZero();
        // the new profile and its activation script; the runtime and the activator are there already
        assertThat(second.stdout()).containsPattern("copying [12] of \\d+ paths");
        assertThat(IT.host().sh("cat " + PROFILE + "/name").stdout().trim()).isEqualTo("nojava-2");
        assertThat(IT.host().generations(PROFILE)).isEqualTo("1 2");
    }

    @Test
    void magicRollbackHealsALockoutOnTheRuntime() {
        assertThat(deploy(flake("nojava-base", DeployIT.GOOD, "")).exitCode()).isZero();

        Cmd.Result locked = deploy(flake("nojava-lockout", DeployIT.LOCKOUT, "confirmTimeout = 8;"));

        assertThat(locked.exitCode()).as(locked.stdout()).isEqualTo(ExitCode.ROLLED_BACK.code);
        assertThat(IT.host().sh("cat " + PROFILE + "/name").stdout().trim()).isEqualTo("nojava-base");
        assertThat(IT.host().sh("nft list table inet lockout 2>/dev/null || echo gone").stdout().trim()).isEqualTo("gone");
        assertThat(deploy(flake("nojava-after", DeployIT.GOOD, "")).exitCode()).as("SSH works again").isZero();
    }

    @Test
    void withoutARuntimeTheHostIsRefusedBeforeAnythingChanges() {
        assertThat(deploy(flake("nojava-kept", DeployIT.GOOD, "")).exitCode()).isZero();
        IT.deploy().env("NIXDEPLOY_ACTIVATOR_RUNTIME", null);
        Path flake = flake("nojava-refused", DeployIT.GOOD, "");

        Cmd.Result refused = deploy(flake);

        assertThat(refused.exitCode()).as(refused.stdout()).isEqualTo(ExitCode.HOST_UNSUPPORTED.code);
        assertThat(refused.stdout()).contains("has no Java 17 or newer to run the activator (no java on the PATH)")
                .contains("carries no Java runtime to send").contains("Nothing was changed")
                .doesNotContain("Exception");
        assertThat(IT.host().sh("cat " + PROFILE + "/name").stdout().trim()).isEqualTo("nojava-kept");
        assertThat(IT.host().generations(PROFILE)).isEqualTo("1");
        String refusedPath = Cmd.run(List.of("nix", "eval", "--raw", flake + "#deploy.nodes.web.profiles.system.path"),
                null, 120).orThrow().stdout().trim();
        assertThat(IT.host().sh("nix-store --check-validity " + refusedPath).exitCode()).as("nothing was copied").isNotZero();
    }
}
