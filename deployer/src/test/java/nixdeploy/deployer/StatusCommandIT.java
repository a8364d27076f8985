package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy status}: each profile's generation, last deployment and pending confirmation, read from its host. */
class StatusCommandIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(1);
    static final String PROFILE = "/nix/var/nix/profiles/system";

    static TestHost host;
    static DeployCli deploy;

    @TempDir
    Path work;

    @BeforeAll
    static void setUp(@TempDir Path home) {
        host = HOSTS.get(0);
        deploy = new DeployCli(home);
    }

    private Path flake(String name) {
        return TestFlake.write(work.resolve(name), String.join("\n",
                "    deploy.nodes.web = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"root\";",
                "      profiles.system = { user = \"root\"; path = profile \"" + name + "\" "
                        + DeployIT.nixString(DeployIT.GOOD) + "; };",
                "    };"));
    }

    private static JsonObject statusEvent(Cmd.Result result) {
        return result.stdout().lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(e -> e.get("type").getAsString().equals("status")).findFirst().orElseThrow();
    }

    @Test
    void showsTheConfirmedGenerationAndItsDeployment() {
        Path flake = flake("status-1");
        assertThat(deploy.to(host, flake, ".#web", "--skip-checks").exitCode()).isZero();
        String live = host.sh("readlink -f " + PROFILE).stdout().trim();

        Cmd.Result text = deploy.to(host, flake, "status", ".#web");
        Cmd.Result json = deploy.to(host, flake, "status", ".#web", "--json");

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
