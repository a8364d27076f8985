package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code deploy rollback}: back to an existing generation, activated again, confirmed over a new
 * connection and gated by health checks; no generation is made or deleted. Each test deploys its
 * own profile of root's, so the tests share the host but no state.
 */
class RollbackCommandIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith(null);

    private static String profilePath(String profile) {
        return "/nix/var/nix/profiles/per-user/root/" + profile;
    }

    /** What the live generation's activation last wrote: its profile's name. */
    private static String active(String profile) {
        return IT.host().sh("cat /nix/var/" + profile + ".active").stdout().trim();
    }

    /** Deploys version {@code version} of {@code profile} (a new generation) and checks it was confirmed. */
    private Path deployVersion(String profile, int version) {
        String script = "cat $PROFILE/name > /nix/var/" + profile + ".active";
        Path flake = IT.flake(profile, DeployFixture.node("web", IT.host(),
                "profiles." + profile + " = { user = \"root\"; path = profile \"" + profile + "-v" + version
                        + "\" " + DeployFixture.nixString(script) + "; };"));
        Cmd.Result result = IT.deployTo(flake, ".#web", "--skip-checks");
        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(active(profile)).isEqualTo(profile + "-v" + version);
        return flake;
    }

    @Test
    void goesBackToThePreviousGenerationRunsItsActivationAgainAndKeepsBothGenerations() {
        deployVersion("back", 1);
        String first = IT.host().resolve(profilePath("back"));
        Path flake = deployVersion("back", 2);

        Cmd.Result result = IT.deployTo(flake, "rollback", ".#web.back");

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("to generation 1 (was 2)").contains("confirmed");
        assertThat(IT.host().resolve(profilePath("back"))).isEqualTo(first);
        assertThat(IT.host().sh("readlink " + profilePath("back")).stdout().trim()).isEqualTo("back-1-link");
        assertThat(active("back")).isEqualTo("back-v1");
        assertThat(IT.host().generations(profilePath("back"))).isEqualTo("1 2");
    }

    @Test
    void aGenerationThatDoesNotExistIsRefusedWithExit2AndNothingChanges() {
        deployVersion("missing", 1);
        Path flake = deployVersion("missing", 2);
        String before = IT.host().sh("ls -l /nix/var/nix/profiles/per-user/root/ | grep missing").stdout();

        Cmd.Result result = IT.deployTo(flake, "rollback", ".#web.missing", "--to", "7");

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(2);
        assertThat(result.stdout() + result.stderr()).contains("generation 7 of").contains("does not exist")
                .contains("1, 2").contains("Nothing was changed");
        assertThat(IT.host().sh("ls -l /nix/var/nix/profiles/per-user/root/ | grep missing").stdout())
                .isEqualTo(before);
        assertThat(IT.host().generations(profilePath("missing"))).isEqualTo("1 2");
        assertThat(active("missing")).isEqualTo("missing-v2");
    }

    @Test
    void aFailingHealthCheckReturnsTheHostToWhereItWasThenAnExactGenerationIsReached() {
        deployVersion("exact", 1);
        String first = IT.host().resolve(profilePath("exact"));
        deployVersion("exact", 2);
        Path flake = deployVersion("exact", 3);
        String third = IT.host().resolve(profilePath("exact"));

        Cmd.Result unhealthy = IT.deployTo(flake, "rollback", ".#web.exact", "--to", "1",
                "--check-cmd", "test -e /nix/var/no-such-file");

        assertThat(unhealthy.exitCode()).as(unhealthy.stdout() + unhealthy.stderr()).isEqualTo(7);
        assertThat(IT.host().resolve(profilePath("exact"))).isEqualTo(third);
        assertThat(active("exact")).as("generation 3's activation ran again").isEqualTo("exact-v3");
        assertThat(IT.host().generations(profilePath("exact"))).isEqualTo("1 2 3");

        Cmd.Result healthy = IT.deployTo(flake, "rollback", ".#web.exact", "--to", "1",
                "--check-cmd", "test -e /nix/var/exact.active");

        assertThat(healthy.exitCode()).as(healthy.stdout() + healthy.stderr()).isZero();
        assertThat(IT.host().resolve(profilePath("exact"))).isEqualTo(first);
        assertThat(active("exact")).isEqualTo("exact-v1");
        assertThat(IT.host().generations(profilePath("exact"))).isEqualTo("1 2 3");
    }
}
