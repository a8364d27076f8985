package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code deploy status}: each profile's generation, last deployment and pending confirmation, read from its host. */
class StatusCommandIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith(null);
    static final String PROFILE = "/nix/var/nix/profiles/system";

    private Path flake(String name) {
        return IT.flake(name, IT.webSystem(name, DeployIT.GOOD, ""));
    }

    private static JsonObject statusEvent(Cmd.Result result) {
        return result.stdout().lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(e -> e.get("type").getAsString().equals("status")).findFirst().orElseThrow();
    }

    @Test
    void showsTheConfirmedGenerationAndItsDeployment() {
        Path flake = flake("status-1");
        assertThat(IT.deployTo(flake, ".#web", "--skip-checks").exitCode()).isZero();
        String live = IT.host().sh("readlink -f " + PROFILE).stdout().trim();

        Cmd.Result text = IT.deployTo(flake, "status", ".#web");
        Cmd.Result json = IT.deployTo(flake, "status", ".#web", "--json");

        assertThat(text.exitCode()).as(text.stdout()).isZero();
        assertThat(text.stdout()).contains("web.system").contains("generation 1 " + live)
                .contains(": CONFIRMED at ").contains("nothing pending");
        JsonObject status = statusEvent(json);
        assertThat(status.get("generation").getAsLong()).isEqualTo(1);
        assertThat(status.get("storePath").getAsString()).isEqualTo(live);
        assertThat(status.get("state").getAsString()).isEqualTo("confirmed");
        assertThat(status.get("generationTime").getAsLong()).isPositive();
        assertThat(status.get("deploymentId").getAsString()).isNotEmpty();
    }
}
