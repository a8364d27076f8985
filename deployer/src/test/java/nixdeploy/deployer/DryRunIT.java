package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code deploy --dry-run}: the current and new store paths, the closure difference by package
 * and what would be copied, with the host's store, profile and generations left exactly as they were.
 */
class DryRunIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith(null);
    static final String PROFILE = "/nix/var/nix/profiles/per-user/root/dry";

    /** Profile {@code dry-VERSION}, whose activation script refers to {@code libdemo-VERSION}. */
    private Path flake(String version) {
        return IT.flake("flake", DeployFixture.node("web", IT.host(),
                "profiles.dry = let",
                "  libdemo = v: builtins.derivation { name = \"libdemo-${v}\"; inherit system; builder = sh;",
                "    PATH = bin; args = [ \"-c\" \"mkdir $out && echo ${v} > $out/version\" ]; };",
                "in { user = \"root\"; path = profile \"dry-" + version + "\" "
                        + "\"cat ${libdemo \"" + version + "\"}/version > /nix/var/dry.active\"; };"));
    }

    private static String hostState() {
        return IT.host().sh("ls /nix/store | sort; ls -l " + PROFILE + "*; cat /nix/var/dry.active").stdout();
    }

    @Test
    void showsTheCurrentAndNewPathsTheirPackageDifferenceAndWhatWouldBeCopiedChangingNothing() {
        Cmd.Result first = IT.deployTo(flake("1.0"), ".#web", "--skip-checks");
        assertThat(first.exitCode()).as(first.stdout()).isZero();
        String current = IT.host().resolve(PROFILE);
        String before = hostState();
        Path next = flake("2.0");

        Cmd.Result text = IT.deployTo(next, ".#web", "--skip-checks", "--dry-run");
        Cmd.Result json = IT.deployTo(next, ".#web", "--skip-checks", "--dry-run", "--json");

        assertThat(text.exitCode()).as(text.stdout() + text.stderr()).isZero();
        assertThat(text.stdout()).contains("now: " + current).containsPattern("new: /nix/store/[a-z0-9]{32}-dry-2.0")
                .contains("dry: 1.0 → 2.0").contains("libdemo: 1.0 → 2.0")
                .contains("would copy 2 of 3 paths").contains("nothing was copied, activated or changed");
        assertThat(json.exitCode()).as(json.stdout() + json.stderr()).isZero();
        JsonObject event = json.stdout().lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(e -> e.get("type").getAsString().equals("dryRun")).findFirst().orElseThrow();
        assertThat(event.get("profile").getAsString()).isEqualTo("web.dry");
        assertThat(event.get("current").getAsString()).isEqualTo(current);
        assertThat(event.get("new").getAsString()).endsWith("-dry-2.0");
        assertThat(event.get("copyPaths").getAsInt()).isEqualTo(2);
        assertThat(event.get("copyBytes").getAsLong()).isPositive();
        assertThat(event.get("changes").toString()).contains("\"name\":\"libdemo\"").contains("\"after\":[\"2.0\"]");
        // nix itself is the oracle for the difference: both closures are in this machine's store here
        Cmd.Result nix = Cmd.run(java.util.List.of("nix", "--extra-experimental-features", "nix-command", "store",
                "diff-closures", current, event.get("new").getAsString()), null, 120);
        assertThat(nix.stdout().lines()).isNotEmpty().allSatisfy(line -> assertThat(text.stdout()).contains(line));
        assertThat(hostState()).as("the host's store, profile and generations").isEqualTo(before);
        assertThat(IT.host().generations(PROFILE)).isEqualTo("1");
    }

    @Test
    void aProfileNotYetOnTheHostHasNoCurrentPathAndEverythingWouldBeCopied() {
        Path flake = IT.flake("fresh", DeployFixture.node("web", IT.host(),
                "profiles.fresh = { user = \"root\"; path = profile \"fresh-1.0\" \"true\"; };"));
        String before = IT.host().sh("ls /nix/store | sort; ls /nix/var/nix/profiles/per-user/root/").stdout();

        Cmd.Result result = IT.deployTo(flake, ".#web", "--skip-checks", "--dry-run");

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("now: (no profile yet)").contains("fresh: ∅ → 1.0");
        assertThat(IT.host().sh("ls /nix/store | sort; ls /nix/var/nix/profiles/per-user/root/").stdout())
                .isEqualTo(before);
    }
}
