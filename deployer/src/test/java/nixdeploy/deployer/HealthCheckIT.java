package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import nixdeploy.testhosts.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health checks gate the confirmation: a deployment whose service is unhealthy rolls back at once. */
class HealthCheckIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith("[ -f /nix/var/web/pid ] && kill "
            + "$(cat /nix/var/web/pid); " + DeployFixture.CLEAN + " /nix/var/web; true");

    /**
     * A profile whose activation (re)starts busybox httpd on {@code bind}, serving its version at /
     * and {@code healthStatus} at /cgi-bin/health; with a null bind it starts nothing.
     */
    private Path flake(String version, String bind, int healthStatus, String checks) {
        String start = bind == null ? "echo not starting the service"
                : "busybox httpd -f -p " + bind + " -h $PROFILE/www >/dev/null 2>&1 & echo $! > /nix/var/web/pid; "
                + "echo serving " + version + " on " + bind;
        String activate = "mkdir -p /nix/var/web; [ -f /nix/var/web/pid ] && kill $(cat /nix/var/web/pid) "
                + "2>/dev/null; rm -f /nix/var/web/pid; sleep 0.2; " + start;
        return IT.flake(version, DeployFixture.node("web", IT.host(),
                "confirmTimeout = 60;",
                "      profiles.system = {",
                "        user = \"root\";",
                checks,
                "        path = builtins.derivation {",
                "          name = \"web-" + version + "\"; system = \"x86_64-linux\"; builder = sh;",
                "          PATH = bin;",
                "          activate = " + DeployFixture.nixString(activate) + ";",
                "          args = [ \"-c\" ''",
                "            mkdir -p $out/www/cgi-bin",
                "            echo 'version " + version + "' > $out/www/index.html",
                "            printf '#!/bin/sh\\necho \"Status: " + healthStatus + (healthStatus == 200 ? " OK" : " Internal Server Error") + "\"\\necho\\necho health "
                        + healthStatus + "\\n' > $out/www/cgi-bin/health",
                "            chmod +x $out/www/cgi-bin/health",
                "            printf '%s\\n' '#!/bin/sh' \"$activate\" > $out/deploy-rs-activate",
                "            chmod +x $out/deploy-rs-activate",
                "          '' ];",
                "        };",
                "      };"));
    }

    private String published() {
        return IT.host().address() + ":8080";
    }

    private static String httpCheck(String url, String extra) {
        return "        healthChecks = [ { http = { url = \"" + url + "\"; timeout = 2; " + extra + " }; "
                + "retries = 3; interval = 1; } ];";
    }

    private Cmd.Result deploy(Path flake, String... more) {
        return IT.deployTo(flake, DeployIT.concat(".#web", "--skip-checks", more));
    }

    @Test
    void aServiceThatAnswers200IsConfirmed() {
        Cmd.Result result = deploy(flake("v1", published(), 200,
                httpCheck("http://" + published() + "/cgi-bin/health", "bodyContains = \"health 200\";")));

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("healthy after").contains("confirmed over a new connection");
        assertThat(get("http://" + published() + "/")).contains("version v1");
    }

    @Test
    void aServiceAnswering500IsRolledBackAtOnceAndTheOldOneServesAgain() {
        assertThat(deploy(flake("v1", published(), 200, "")).exitCode()).isZero();
        long start = System.currentTimeMillis();

        Cmd.Result result = deploy(flake("v2", published(), 500,
                httpCheck("http://" + published() + "/cgi-bin/health", "")));

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.HEALTH_CHECK_FAILED.code);
        assertThat(result.stdout()).contains("FAILED after 4 attempt(s)").contains("500").contains("health 500")
                .contains("rolled back");
        assertThat(System.currentTimeMillis() - start).as("well before the 60 s confirmTimeout").isLessThan(45_000);
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/system/www/index.html").stdout()).contains("version v1");
        assertThat(get("http://" + published() + "/")).contains("version v1");
    }

    @Test
    void aServiceThatIsNotListeningIsRolledBack() {
        assertThat(deploy(flake("v1", published(), 200, "")).exitCode()).isZero();

        Cmd.Result result = deploy(flake("silent", null, 200, httpCheck("http://" + published() + "/", "")));

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.HEALTH_CHECK_FAILED.code);
        assertThat(result.stdout()).containsIgnoringCase("refused");
        assertThat(get("http://" + published() + "/")).contains("version v1");
    }

    @Test
    void aServiceBoundToTheHostsLoopbackIsCheckedThroughSsh() {
        Cmd.Result result = deploy(flake("local", "127.0.0.1:8081", 200, "        healthChecks = [ { http = { "
                + "port = 8081; path = \"/\"; viaSsh = true; bodyContains = \"version local\"; timeout = 2; }; "
                + "retries = 3; } ];"));

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("http://127.0.0.1:8081/ (through SSH): healthy");
    }

    @Test
    void aFailingCommandCheckRollsBackAndAHangingOneIsCutAtItsTimeout() {
        assertThat(deploy(flake("v1", published(), 200, "")).exitCode()).isZero();

        Cmd.Result failing = deploy(flake("v2", published(), 200,
                "        healthChecks = [ { cmd = { command = [ \"sh\" \"-c\" \"echo not ready; exit 1\" ]; }; "
                        + "retries = 1; } ];"));
        long start = System.currentTimeMillis();
        Cmd.Result hanging = deploy(flake("v3", published(), 200,
                "        healthChecks = [ { cmd = { command = [ \"sleep\" \"100\" ]; timeout = 2; }; retries = 0; } ];"));

        assertThat(failing.exitCode()).as(failing.stdout()).isEqualTo(ExitCode.HEALTH_CHECK_FAILED.code);
        assertThat(failing.stdout()).contains("exit 1").contains("not ready");
        assertThat(hanging.exitCode()).as(hanging.stdout()).isEqualTo(ExitCode.HEALTH_CHECK_FAILED.code);
        assertThat(hanging.stdout()).contains("no answer within 2 s");
        assertThat(System.currentTimeMillis() - start).as("cut long before sleep 100 ends").isLessThan(45_000);
        assertThat(get("http://" + published() + "/")).contains("version v1");
    }

    @Test
    void aCheckGivenOnTheCommandLineGatesTheConfirmation() {
        Cmd.Result result = deploy(flake("v1", published(), 200, ""), "--check-http",
                "http://" + published() + "/cgi-bin/health", "--check-cmd", "test -f /nix/var/web/pid");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(result.stdout()).contains("cmd test -f /nix/var/web/pid: healthy");
    }

    @Test
    void withJsonEveryLineIsAnEventAndCheckResultsAreEvents() {
        Cmd.Result result = deploy(flake("json", published(), 200,
                httpCheck("http://" + published() + "/cgi-bin/health", "")), "--json");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        java.util.List<com.google.gson.JsonObject> events = result.stdout().lines()
                .map(line -> com.google.gson.JsonParser.parseString(line).getAsJsonObject()).toList();
        assertThat(events).allSatisfy(e -> assertThat(e.has("type") && e.has("time")).isTrue());
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("type").getAsString()).isEqualTo("health");
            assertThat(e.get("healthy").getAsBoolean()).isTrue();
            assertThat(e.get("attempts").getAsInt()).isPositive();
            assertThat(e.get("lastStatus").getAsString()).startsWith("200");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("type").getAsString()).isEqualTo("result");
            assertThat(e.get("status").getAsString()).isEqualTo("confirmed");
            assertThat(e.get("profile").getAsString()).isEqualTo("web.system");
        });
    }

    @Test
    void misconfiguredChecksAreRejectedBeforeAnythingIsCopied() {
        Cmd.Result badPort = deploy(flake("bad1", published(), 200,
                "        healthChecks = [ { http = { port = 70000; }; } ];"));
        Cmd.Result tooSlow = deploy(flake("bad2", published(), 200,
                "        healthChecks = [ { http = { url = \"http://x/\"; timeout = 20; }; retries = 5; } ];"));
        Cmd.Result unknownKey = deploy(flake("bad3", published(), 200,
                "        healthChecks = [ { http = { url = \"http://x/\"; expectstatus = 200; }; } ];"));

        assertThat(badPort.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(badPort.stdout()).contains("port").contains("out of range (1-65535)");
        assertThat(tooSlow.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(tooSlow.stdout()).contains("can take up to 125 s").contains("confirmTimeout = 60");
        assertThat(unknownKey.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(unknownKey.stdout()).contains("unknown key 'expectstatus'");
        assertThat(IT.host().sh("ls -d /nix/store/*-web-bad*").ok()).as("nothing copied").isFalse();
    }

    private static String get(String url) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
