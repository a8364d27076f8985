package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.NixpkgsStandIn;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Profiles made by the nix/ library (lib.activate.custom / noop, deployChecks), used as deploy-rs
 * users use deploy-rs.lib, deployed to a test host; and a non-root user's own profile.
 */
class NixLibraryIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith(null);
    static final Path LIBRARY = Path.of(System.getProperty("nixdeploy.dist", "target/dist")).toAbsolutePath()
            .getParent().getParent().getParent().resolve("nix");
    static final String USER = TestHosts.TEST_USER;

    @BeforeAll
    static void setUp() {
        IT.hosts().ensureTestUser(null);
    }

    /** A flake using the library exactly as a deploy-rs flake uses deploy-rs.lib. */
    private Path flake(String name, String deployAttrs) throws IOException {
        Path dir = IT.work().resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("flake.nix"), String.join("\n",
                "{",
                "  " + NixpkgsStandIn.flakeInput(),
                "  inputs.nixdeploy.url = \"path:" + LIBRARY + "\";",
                "  inputs.nixdeploy.inputs.nixpkgs.follows = \"nixpkgs\";",
                "  outputs = { self, nixpkgs, nixdeploy }: let",
                "    lib = nixdeploy.lib.x86_64-linux;",
                "    " + NixpkgsStandIn.bindings("nixpkgs.legacyPackages.x86_64-linux"),
                "    tools = version: builtins.derivation {",
                "      name = \"tools-${version}\"; system = \"x86_64-linux\"; builder = sh;",
                "      PATH = bin;",
                "      args = [ \"-c\" \"mkdir -p $out/bin && printf '#!/bin/sh\\\\necho tools " + "${version}\\\\n' "
                        + "> $out/bin/tools && chmod +x $out/bin/tools\" ];",
                "    };",
                "  in {",
                deployAttrs,
                "    checks = builtins.mapAttrs (system: lib: lib.deployChecks self.deploy) nixdeploy.lib;",
                "  };",
                "}",
                ""));
        return dir;
    }

    private Cmd.Result deploy(Path flake, String target, String... more) {
        String[] args = new String[more.length + 1];
        args[0] = target;
        System.arraycopy(more, 0, args, 1, more.length);
        return IT.deployTo(flake, args);
    }

    @Test
    void profilesMadeWithActivateCustomAndNoopDeployWithTheFlakesChecks() throws Exception {
        Path flake = flake("library", DeployFixture.node("web", IT.host(),
                "user = \"root\";",
                "profiles.system.path = lib.activate.custom (tools \"1\") "
                        + "\"echo custom activation of $PROFILE; $PROFILE/bin/tools\";",
                "profiles.quiet.path = lib.activate.noop (tools \"q\");"));

        Cmd.Result result = deploy(flake, ".#web");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("checking").contains("| tools 1").contains("custom activation of");
        assertThat(IT.host().sh("/nix/var/nix/profiles/system/bin/tools").stdout().trim()).isEqualTo("tools 1");
        assertThat(IT.host().sh("/nix/var/nix/profiles/per-user/root/quiet/bin/tools").stdout().trim())
                .isEqualTo("tools q");
    }

    @Test
    void aSettingOfTheWrongTypeIsRefusedBeforeAnythingRuns() throws Exception {
        Path flake = flake("bad-check", String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + IT.host().address() + "\";",
                "      profiles.system.path = lib.activate.noop (tools \"x\");",
                "      profiles.system.sshOpts = [ 22 ];",
                "    };"));

        String before = hostState();
        int sessionsBefore = sessionsStarted();

        Cmd.Result result = deploy(flake, ".#web");

        assertThat(result.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(result.stdout()).contains("deploy.nodes.web.profiles.system.sshOpts[0] must be a string");
        assertThat(sessionsStarted()).as("SSH sessions started on the host").isEqualTo(sessionsBefore);
        assertThat(hostState()).as("the host's profiles, store and deployment state").isEqualTo(before);
    }

    private static String hostState() {
        return IT.host().sh("ls -la --time-style=full-iso /nix/var/nix/profiles /nix/var/nix/profiles/per-user/root "
                + "/nix/store; ls -laR --time-style=full-iso /nix/var/nixdeploy 2>&1; true").orThrow().stdout();
    }

    private static int sessionsStarted() throws IOException {
        return Files.readString(IT.host().dir().resolve("sshd.log")).split("Starting session", -1).length - 1;
    }

    @Test
    void aNormalUsersOwnProfileIsDeployedAndAFailedUpdateRollsBack() throws Exception {
        IT.host().sh("rm -rf /nix/var/nix/profiles/per-user/" + USER + " /home/" + USER + "/.local/state").orThrow();
        String node = DeployFixture.nodeAs("workstation", IT.host(), USER,
                "user = \"" + USER + "\";",
                "profiles.tools.path = lib.activate.custom (tools \"%s\") \"%s\";");
        Path good = flake("user-good", String.format(node, "1", "echo activating for $(id -un)"));
        Path bad = flake("user-bad", String.format(node, "2", "echo broken; exit 4"));

        Cmd.Result first = deploy(good, ".#workstation", "--skip-checks");
        Cmd.Result second = deploy(bad, ".#workstation", "--skip-checks");

        assertThat(first.exitCode()).as(first.stdout()).isZero();
        assertThat(first.stdout()).contains("| activating for " + USER);
        assertThat(second.exitCode()).as(second.stdout()).isEqualTo(ExitCode.ACTIVATION_FAILED.code);
        String profile = IT.host().sh("ls -d /nix/var/nix/profiles/per-user/" + USER + "/tools /home/" + USER
                + "/.local/state/nix/profiles/tools 2>/dev/null | head -n 1").stdout().trim();
        assertThat(profile).as("the user's profile exists").isNotEmpty();
        assertThat(IT.host().sh("su -s /bin/sh " + USER + " -c " + profile + "/bin/tools").stdout().trim())
                .isEqualTo("tools 1");
        assertThat(IT.host().sh("stat -c %U $(readlink -f " + profile + ")/.. " + profile).stdout()).contains(USER);
    }
}
