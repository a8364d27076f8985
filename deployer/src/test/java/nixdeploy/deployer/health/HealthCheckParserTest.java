package nixdeploy.deployer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthCheckParserTest {
    static final String AT = "deploy.nodes.web.healthChecks";

    static List<HealthCheck> parse(String json) throws ConfigException {
        return HealthCheckParser.parse(JsonParser.parseString(json).getAsJsonArray(), AT, "web.example.org");
    }

    static HealthCheck one(String entry) throws ConfigException {
        List<HealthCheck> checks = parse("[" + entry + "]");
        assertThat(checks).hasSize(1);
        return checks.get(0);
    }

    static HttpCheck http(String httpObject) throws ConfigException {
        return (HttpCheck) one("{ \"http\": " + httpObject + " }");
    }

    @Test
    void noEntriesMeanNoChecks() throws ConfigException {
        assertThat(HealthCheckParser.parse(new JsonArray(), AT, "web")).isEmpty();
    }

    @Test
    void readsAnHttpCheckGivenAsAUrl() throws ConfigException {
        HttpCheck check = http("{ \"url\": \"https://web.example.org:8443/health?full=1\" }");

        assertThat(check.uri()).isEqualTo(URI.create("https://web.example.org:8443/health?full=1"));
        assertThat(check.expectStatus()).contains(200, 204, 301, 399).doesNotContain(199, 400, 500);
        assertThat(check.bodyContains()).isNull();
        assertThat(check.headers()).isEmpty();
        assertThat(check.insecure()).isFalse();
        assertThat(check.viaSsh()).isFalse();
        assertThat(check.policy()).isEqualTo(HealthCheck.Policy.DEFAULT);
        assertThat(check.name()).isEqualTo("http https://web.example.org:8443/health?full=1");
    }

    @Test
    void assemblesAUrlWhoseHostDefaultsToTheNodesHostname() throws ConfigException {
        assertThat(http("{ \"port\": 8080, \"path\": \"/health\" }").uri())
                .isEqualTo(URI.create("http://web.example.org:8080/health"));
    }

    @Test
    void assemblesAUrlWithDefaultPortAndPathForTheScheme() throws ConfigException {
        assertThat(http("{}").uri()).isEqualTo(URI.create("http://web.example.org:80/"));
        assertThat(http("{ \"scheme\": \"https\" }").uri()).isEqualTo(URI.create("https://web.example.org:443/"));
    }

    @Test
    void assemblesAUrlWithAnExplicitHost() throws ConfigException {
        assertThat(http("{ \"host\": \"10.0.0.5\", \"port\": 9000 }").uri())
                .isEqualTo(URI.create("http://10.0.0.5:9000/"));
    }

    @Test
    void bracketsAnIpv6Host() throws ConfigException {
        HttpCheck check = http("{ \"host\": \"fd00::5\", \"port\": 9000 }");

        assertThat(check.uri()).isEqualTo(URI.create("http://[fd00::5]:9000/"));
        assertThat(check.uri().getHost()).isEqualTo("[fd00::5]");
    }

    @Test
    void throughSshTheHostDefaultsToTheHostsLoopback() throws ConfigException {
        HttpCheck check = http("{ \"viaSsh\": true, \"port\": 8080 }");

        assertThat(check.viaSsh()).isTrue();
        assertThat(check.uri()).isEqualTo(URI.create("http://127.0.0.1:8080/"));
        assertThat(check.name()).isEqualTo("http http://127.0.0.1:8080/ (through SSH)");
    }

    @Test
    void throughSshAnExplicitHostIsKept() throws ConfigException {
        assertThat(http("{ \"viaSsh\": true, \"host\": \"localhost\" }").uri().getHost()).isEqualTo("localhost");
    }

    @Test
    void expectStatusTakesOneCode() throws ConfigException {
        assertThat(http("{ \"url\": \"http://web/\", \"expectStatus\": 204 }").expectStatus()).containsExactly(204);
    }

    @Test
    void expectStatusTakesAListOfCodes() throws ConfigException {
        assertThat(http("{ \"url\": \"http://web/\", \"expectStatus\": [503, 200, 200] }").expectStatus())
                .containsExactlyInAnyOrder(200, 503);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99", "600", "[200, 600]", "200.5", "\"200\"", "[]"})
    void refusesStatusCodesThatCannotBe(String expect) {
        assertThatThrownBy(() -> http("{ \"url\": \"http://web/\", \"expectStatus\": " + expect + " }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AT + "[0].http.expectStatus");
    }

    @Test
    void readsHeadersBodyTextInsecureAndTheRetryPolicy() throws ConfigException {
        HttpCheck check = (HttpCheck) one("""
                { "http": { "url": "https://web/", "headers": { "Host": "app.example.org", "X-Token": "t" },
                            "bodyContains": "ok", "insecure": true, "timeout": 3 },
                  "retries": 4, "interval": 0 }
                """);

        assertThat(check.headers()).isEqualTo(Map.of("Host", "app.example.org", "X-Token", "t"));
        assertThat(check.bodyContains()).isEqualTo("ok");
        assertThat(check.insecure()).isTrue();
        assertThat(check.policy()).isEqualTo(new HealthCheck.Policy(4, Duration.ZERO, Duration.ofSeconds(3)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad Header", "X:Y", "X\nY", ""})
    void refusesInvalidHeaderNames(String name) {
        com.google.gson.JsonObject headers = new com.google.gson.JsonObject();
        headers.addProperty(name, "v");
        String json = "{ \"url\": \"http://web/\", \"headers\": " + headers + " }";

        assertThatThrownBy(() -> http(json))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AT + "[0].http.headers has an invalid header name");
    }

    @Test
    void refusesHeaderValuesThatAreNotStrings() {
        assertThatThrownBy(() -> http("{ \"url\": \"http://web/\", \"headers\": { \"X-N\": 1 } }"))
                .hasMessageContaining(AT + "[0].http.headers.X-N must be a string");
    }

    @Test
    void readsACommandCheck() throws ConfigException {
        HealthCheck check = one("""
                { "cmd": { "command": ["systemctl", "is-active", "nginx"], "timeout": 2 }, "retries": 1,
                  "interval": 3 }
                """);

        assertThat(check).isInstanceOf(CommandCheck.class);
        assertThat(((CommandCheck) check).command()).containsExactly("systemctl", "is-active", "nginx");
        assertThat(check.policy()).isEqualTo(new HealthCheck.Policy(1, Duration.ofSeconds(3), Duration.ofSeconds(2)));
        assertThat(check.name()).isEqualTo("cmd systemctl is-active nginx");
    }

    @Test
    void aCommandCheckNeedsACommand() {
        assertThatThrownBy(() -> one("{ \"cmd\": { \"timeout\": 2 } }"))
                .hasMessageContaining(AT + "[0].cmd has no 'command', which is required");
        assertThatThrownBy(() -> one("{ \"cmd\": { \"command\": [] } }"))
                .hasMessageContaining(AT + "[0].cmd.command is an empty list");
        assertThatThrownBy(() -> one("{ \"cmd\": { \"command\": \"systemctl is-active nginx\" } }"))
                .hasMessageContaining(AT + "[0].cmd.command must be a list of strings");
    }

    @Test
    void readsSeveralChecksAndNamesTheFailingOneByIndex() throws ConfigException {
        assertThat(parse("[ { \"cmd\": { \"command\": [\"true\"] } }, { \"http\": { \"port\": 80 } } ]")).hasSize(2);
        assertThatThrownBy(() -> parse("[ { \"cmd\": { \"command\": [\"true\"] } }, { \"http\": { \"prot\": 80 } } ]"))
                .hasMessageContaining("unknown key 'prot' in " + AT + "[1].http");
    }

    @Test
    void refusesUnknownKeysAtEveryLevel() {
        assertThatThrownBy(() -> one("{ \"cmd\": { \"command\": [\"true\"] }, \"retry\": 3 }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'retry' in " + AT + "[0]")
                .hasMessageContaining("retries");
        assertThatThrownBy(() -> one("{ \"cmd\": { \"command\": [\"true\"], \"shell\": true } }"))
                .hasMessageContaining("unknown key 'shell' in " + AT + "[0].cmd");
        assertThatThrownBy(() -> http("{ \"url\": \"http://web/\", \"expect_status\": 200 }"))
                .hasMessageContaining("unknown key 'expect_status' in " + AT + "[0].http");
    }

    @Test
    void anEntryHasExactlyOneOfHttpOrCmd() {
        assertThatThrownBy(() -> one("{ \"http\": { \"port\": 80 }, \"cmd\": { \"command\": [\"true\"] } }"))
                .hasMessageContaining(AT + "[0] must have exactly one of 'http' or 'cmd'");
        assertThatThrownBy(() -> one("{ \"retries\": 1 }"))
                .hasMessageContaining(AT + "[0] must have exactly one of 'http' or 'cmd'");
    }

    @Test
    void anEntryMustBeAnAttributeSet() {
        assertThatThrownBy(() -> parse("[ \"http://web/\" ]")).hasMessageContaining(AT + "[0] must be an attribute set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "-1", "80.5"})
    void refusesAPortOutOfRange(String port) {
        assertThatThrownBy(() -> http("{ \"port\": " + port + " }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AT + "[0].http.port");
    }

    @Test
    void refusesAUrlWithAPortOutOfRange() {
        assertThatThrownBy(() -> http("{ \"url\": \"http://web:70000/\" }"))
                .hasMessageContaining("has port 70000, out of range (1-65535)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://web/", "file:///etc/passwd", "web:8080/health", "/health"})
    void refusesAUrlThatIsNotHttp(String url) {
        assertThatThrownBy(() -> http("{ \"url\": \"" + url + "\" }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AT + "[0].http.url must be an http or https URL, not '" + url + "'");
    }

    @Test
    void refusesAnAssembledUrlWithAnotherScheme() {
        assertThatThrownBy(() -> http("{ \"scheme\": \"ftp\" }"))
                .hasMessageContaining("must be an http or https URL");
    }

    @Test
    void refusesAUrlWithoutAHost() {
        assertThatThrownBy(() -> http("{ \"url\": \"http:///health\" }")).hasMessageContaining("has no host");
    }

    @Test
    void refusesAUrlMixedWithItsParts() {
        assertThatThrownBy(() -> http("{ \"url\": \"http://web/\", \"port\": 8080 }"))
                .hasMessageContaining(AT + "[0].http has both 'url' and 'port'; use one form");
    }

    @Test
    void refusesARelativePath() {
        assertThatThrownBy(() -> http("{ \"path\": \"health\" }"))
                .hasMessageContaining(AT + "[0].http.path must start with '/', not 'health'");
    }

    @Test
    void refusesRetriesAndIntervalsOutOfRange() {
        assertThatThrownBy(() -> one("{ \"cmd\": { \"command\": [\"true\"] }, \"retries\": -1 }"))
                .hasMessageContaining(AT + "[0].retries is -1, out of range (0-100)");
        assertThatThrownBy(() -> one("{ \"cmd\": { \"command\": [\"true\"], \"timeout\": 0 } }"))
                .hasMessageContaining(AT + "[0].cmd.timeout is 0, out of range (1-3600)");
    }

    @Test
    void theCommandLineUrlCheckExpectsSuccessWithTheDefaultPolicy() throws ConfigException {
        HttpCheck check = (HttpCheck) HealthCheckParser.http("http://web:8080/health", "--check-http");

        assertThat(check.uri()).isEqualTo(URI.create("http://web:8080/health"));
        assertThat(check.expectStatus()).contains(200, 399).doesNotContain(404);
        assertThat(check.policy()).isEqualTo(HealthCheck.Policy.DEFAULT);
        assertThatThrownBy(() -> HealthCheckParser.http("web:8080", "--check-http"))
                .hasMessageContaining("--check-http must be an http or https URL");
    }

    @Test
    void theCommandLineCommandCheckNeedsAWord() throws ConfigException {
        assertThat(HealthCheckParser.command(List.of("curl", "-f", "localhost"), "--check-cmd").name())
                .isEqualTo("cmd curl -f localhost");
        assertThatThrownBy(() -> HealthCheckParser.command(List.of(), "--check-cmd"))
                .hasMessageContaining("--check-cmd is an empty command");
    }

    @Test
    void requireFitsAcceptsChecksThatLeaveTimeToConfirm() throws ConfigException {
        // default policy: 3 tries x 5 s + 2 x 1 s = 17 s, plus 5 s to confirm
        HealthCheckParser.requireFits(List.of(HealthCheckParser.http("http://web/", "x")), 22, AT);
    }

    @Test
    void requireFitsExplainsTheArithmeticAndSuggestsAConfirmTimeout() {
        HealthCheck slow = new CommandCheck(List.of("check"),
                new HealthCheck.Policy(3, Duration.ofSeconds(2), Duration.ofSeconds(10)));

        assertThatThrownBy(() -> HealthCheckParser.requireFits(List.of(slow), 30, AT))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("health check 'cmd check' at " + AT)
                .hasMessageContaining("can take up to 46 s ((3 retries + 1) x 10 s timeout + 3 x 2 s interval)")
                .hasMessageContaining("with 5 s left to confirm")
                .hasMessageContaining("confirmTimeout = 30 s")
                .hasMessageContaining("Raise confirmTimeout to at least 51");
    }

    @Test
    void requireFitsRefusesTheDefaultPolicyOneSecondShort() throws ConfigException {
        assertThatThrownBy(() -> HealthCheckParser.requireFits(
                List.of(HealthCheckParser.http("http://web/", "x")), 21, AT))
                .hasMessageContaining("at least 22");
    }

    @Test
    void theWorstCaseIsEveryTryTimingOutWithAPauseBetweenThem() {
        assertThat(HealthCheck.Policy.DEFAULT.worstCase()).isEqualTo(Duration.ofSeconds(17));
        assertThat(new HealthCheck.Policy(0, Duration.ofSeconds(9), Duration.ofSeconds(4)).worstCase())
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(new HealthCheck.Policy(3, Duration.ofSeconds(2), Duration.ofSeconds(10)).worstCase())
                .isEqualTo(Duration.ofSeconds(46));
        assertThat(new HealthCheck.Policy(100, Duration.ofSeconds(3600), Duration.ofSeconds(3600)).worstCase())
                .isEqualTo(Duration.ofSeconds(101L * 3600 + 100L * 3600));
    }
}
