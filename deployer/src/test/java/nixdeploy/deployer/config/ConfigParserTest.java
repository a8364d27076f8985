package nixdeploy.deployer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.List;
import nixdeploy.deployer.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {
    static final String WEB = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-web";
    static final String SYSTEM = "/nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-nixos-system-web";

    /** A deploy-rs style config: one node, two profiles, settings at every level. */
    static final String DEPLOY_RS_STYLE = """
            {
              "sshUser": "deploy",
              "magicRollback": true,
              "confirmTimeout": 60,
              "nodes": {
                "web": {
                  "hostname": "web.example.org",
                  "sshOpts": ["-p", "2222"],
                  "fastConnection": true,
                  "profilesOrder": ["system"],
                  "profiles": {
                    "system": { "path": "%s", "user": "root" },
                    "app": { "path": "%s", "user": "app", "activationTimeout": 600, "sudo": "doas -u" }
                  }
                }
              }
            }
            """.formatted(SYSTEM, WEB);

    static DeployConfig parse(String json) throws ConfigException {
        return ConfigParser.parse(JsonParser.parseString(json));
    }

    /** {@code deploy} with one node "web" whose single profile "system" has {@code profileExtra} members. */
    static String withProfile(String profileExtra) {
        return """
                { "nodes": { "web": { "hostname": "web", "profiles": { "system": { "path": "%s" %s } } } } }
                """.formatted(WEB, profileExtra.isEmpty() ? "" : ", " + profileExtra);
    }

    /** {@code deploy} with one node "web" that has {@code nodeExtra} members and one profile. */
    static String withNode(String nodeExtra) {
        return """
                { "nodes": { "web": { "hostname": "web", %s "profiles": { "system": { "path": "%s" } } } } }
                """.formatted(nodeExtra.isEmpty() ? "" : nodeExtra + ",", WEB);
    }

    @Test
    void readsADeployRsStyleConfig() throws ConfigException {
        DeployConfig config = parse(DEPLOY_RS_STYLE);

        assertThat(config.nodes()).containsOnlyKeys("web");
        DeployConfig.Node web = config.nodes().get("web");
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.hostname()).isEqualTo("web.example.org");
        assertThat(web.tags()).isEmpty();
        assertThat(web.profilesOrder()).containsExactly("system");
        assertThat(web.profiles()).containsOnlyKeys("system", "app");
        assertThat(web.healthChecks()).isNull();
        DeployConfig.Profile app = web.profiles().get("app");
        assertThat(app.name()).isEqualTo("app");
        assertThat(app.path()).isEqualTo(WEB);
        assertThat(app.profilePath()).isNull();
        assertThat(web.profiles().get("system").path()).isEqualTo(SYSTEM);
    }

    @Test
    void readsSettingsAtEachOfTheThreeLevels() throws ConfigException {
        DeployConfig config = parse(DEPLOY_RS_STYLE);
        DeployConfig.Node web = config.nodes().get("web");

        assertThat(config.settings().sshUser()).isEqualTo("deploy");
        assertThat(config.settings().magicRollback()).isTrue();
        assertThat(config.settings().confirmTimeout()).isEqualTo(60);
        assertThat(config.settings().sshOpts()).isNull();

        assertThat(web.settings().sshOpts()).containsExactly("-p", "2222");
        assertThat(web.settings().fastConnection()).isTrue();
        assertThat(web.settings().sshUser()).isNull();

        Settings app = web.profiles().get("app").settings();
        assertThat(app.user()).isEqualTo("app");
        assertThat(app.activationTimeout()).isEqualTo(600);
        assertThat(app.sudo()).isEqualTo("doas -u");
        assertThat(app.confirmTimeout()).isNull();
    }

    @Test
    void readsEverySettingItKnows() throws ConfigException {
        Settings s = parse(withProfile("""
                "sshUser": "a", "user": "b", "sshOpts": ["-i", "k"], "fastConnection": false,
                "autoRollback": false, "magicRollback": false, "confirmTimeout": 10, "activationTimeout": 20,
                "tempPath": "/tmp/x", "interactiveSudo": true, "sudo": "doas -u", "remoteBuild": true,
                "javaPath": "/run/current-system/sw/bin/java", "confirmHostname": "10.0.0.2",
                "confirmSshOpts": ["-p", "22"], "profilePath": "/nix/var/nix/profiles/per-user/b/app"
                """)).nodes().get("web").profiles().get("system").settings();

        assertThat(s).isEqualTo(new Settings("a", "b", List.of("-i", "k"), false, false, false, 10, 20, "/tmp/x",
                true, "doas -u", true, "/run/current-system/sw/bin/java", "10.0.0.2", List.of("-p", "22")));
    }

    @Test
    void readsABinaryCacheAtEveryLevelAndTheMostSpecificWins() throws ConfigException {
        DeployConfig config = parse("""
                { "cache": "s3://fleet-cache?region=eu-west-1",
                  "nodes": { "web": { "hostname": "web", "cache": "file:///srv/cache?secret-key=/k.sec",
                    "profiles": { "system": { "path": "%s", "cache": "https://cache.example.org" },
                                  "app": { "path": "%s" } } } } }
                """.formatted(SYSTEM, WEB));
        DeployConfig.Node web = config.nodes().get("web");

        assertThat(config.settings().cache()).isEqualTo("s3://fleet-cache?region=eu-west-1");
        assertThat(web.profiles().get("system").settings().over(web.settings()).over(config.settings()).cache())
                .isEqualTo("https://cache.example.org");
        assertThat(web.profiles().get("app").settings().over(web.settings()).over(config.settings()).cache())
                .isEqualTo("file:///srv/cache?secret-key=/k.sec");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"--to x\"", "\"file:///a b\"", "true"})
    void refusesACacheThatIsNotAStoreUrl(String value) {
        assertThatThrownBy(() -> parse(withNode("\"cache\": " + value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deploy.nodes.web.cache");
    }

    @Test
    void readsTagsProfilePathAndHealthChecks() throws ConfigException {
        DeployConfig.Node web = parse(withNode("""
                "tags": ["eu", "frontend"], "healthChecks": [ { "cmd": { "command": ["true"] } } ]
                """)).nodes().get("web");

        assertThat(web.tags()).containsExactly("eu", "frontend");
        assertThat(web.healthChecks()).hasSize(1);
        assertThat(parse(withProfile("\"profilePath\": \"/nix/var/nix/profiles/app\"")).nodes().get("web")
                .profiles().get("system").profilePath()).isEqualTo("/nix/var/nix/profiles/app");
    }

    @Test
    void aNodeWithoutProfilesHasNone() throws ConfigException {
        assertThat(parse("{ \"nodes\": { \"web\": { \"hostname\": \"web\" } } }").nodes().get("web").profiles())
                .isEmpty();
    }

    @Test
    void anUnknownKeyIsNamedWithItsLocationAndTheClosestKnownKey() {
        assertThatThrownBy(() -> parse(withProfile("\"sshOpt\": [\"-p\", \"22\"]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'sshOpt'")
                .hasMessageContaining("in deploy.nodes.web.profiles.system")
                .hasMessageContaining("did you mean 'sshOpts'?");
    }

    @Test
    void anUnknownKeyAtNodeLevelSuggestsDespiteCase() {
        assertThatThrownBy(() -> parse(withNode("\"hostName\": \"x\"")))
                .hasMessageContaining("unknown setting 'hostName' in deploy.nodes.web")
                .hasMessageContaining("did you mean 'hostname'?");
    }

    @Test
    void anUnknownKeyAtDeployLevelIsReported() {
        assertThatThrownBy(() -> parse("{ \"magicRolback\": true, \"nodes\": {} }"))
                .hasMessageContaining("unknown setting 'magicRolback' in deploy ")
                .hasMessageContaining("did you mean 'magicRollback'?");
    }

    @Test
    void anUnknownKeyFarFromEveryKnownOneGetsNoSuggestion() {
        assertThatThrownBy(() -> parse(withProfile("\"wibble\": 1")))
                .hasMessageContaining("unknown setting 'wibble'")
                .hasMessageNotContaining("did you mean")
                .hasMessageContaining("known settings there:");
    }

    @Test
    void configErrorsAreBadInput() {
        assertThatThrownBy(() -> parse(withProfile("\"wibble\": 1")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT));
    }

    @Test
    void sshOptsMustBeAListNotAString() {
        assertThatThrownBy(() -> parse(withNode("\"sshOpts\": \"-p 2222\"")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deploy.nodes.web.sshOpts must be a list, not the string \"-p 2222\"");
    }

    @Test
    void sshOptsMustHoldOnlyStrings() {
        assertThatThrownBy(() -> parse(withNode("\"sshOpts\": [\"-p\", 2222]")))
                .hasMessageContaining("deploy.nodes.web.sshOpts[1] must be a string, not the number 2222");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1e12"})
    void confirmTimeoutMustBeWholeSeconds(String value) {
        assertThatThrownBy(() -> parse(withProfile("\"confirmTimeout\": " + value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deploy.nodes.web.profiles.system.confirmTimeout must be whole seconds "
                        + "from 1 to 86400");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "86401"})
    void aTimeoutOutOfRangeIsLeftForThePlannerWhichSeesTheCommandLine(String value) throws ConfigException {
        assertThat(parse(withProfile("\"confirmTimeout\": " + value)).nodes().get("web").profiles().get("system")
                .settings().confirmTimeout()).isEqualTo(Integer.parseInt(value));
    }

    @Test
    void aProfilePathNotYetEvaluatedIsMarkedTrueAndReadAsUnknown() throws ConfigException {
        DeployConfig config = parse("""
                { "nodes": { "web": { "hostname": "web", "profiles": { "system": { "path": true } } } } }
                """);

        assertThat(config.nodes().get("web").profiles().get("system").path()).isNull();
    }

    @Test
    void confirmTimeoutMustBeANumberNotAString() {
        assertThatThrownBy(() -> parse(withProfile("\"confirmTimeout\": \"30\"")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("confirmTimeout must be a number of seconds, not the string \"30\"");
    }

    @Test
    void aBooleanSettingRefusesAString() {
        assertThatThrownBy(() -> parse(withNode("\"magicRollback\": \"false\"")))
                .hasMessageContaining("deploy.nodes.web.magicRollback must be true or false, not the string");
    }

    @Test
    void aStringSettingRefusesAList() {
        assertThatThrownBy(() -> parse(withNode("\"sshUser\": [\"root\"]")))
                .hasMessageContaining("deploy.nodes.web.sshUser must be a string, not a list");
    }

    @Test
    void nodesAreRequired() {
        assertThatThrownBy(() -> parse("{ \"sshUser\": \"root\" }"))
                .hasMessageContaining("deploy has no 'nodes', which is required");
    }

    @Test
    void deployMustBeAnAttributeSet() {
        assertThatThrownBy(() -> ConfigParser.parse(new JsonPrimitive("nodes")))
                .hasMessageContaining("deploy must be an attribute set, not the string \"nodes\"");
    }

    @Test
    void aNodeNeedsAHostname() {
        assertThatThrownBy(() -> parse("{ \"nodes\": { \"web\": { \"profiles\": {} } } }"))
                .hasMessageContaining("deploy.nodes.web has no 'hostname', which is required");
    }

    @Test
    void aProfileNeedsAPath() {
        assertThatThrownBy(() -> parse(
                "{ \"nodes\": { \"web\": { \"hostname\": \"web\", \"profiles\": { \"system\": {} } } } }"))
                .hasMessageContaining("deploy.nodes.web.profiles.system has no 'path', which is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tmp/system", "nixos-system", "/nix/store/short-web", WEB + "/bin/activate"})
    void aProfilePathMustBeAStorePath(String path) {
        JsonObject deploy = JsonParser.parseString(withProfile("")).getAsJsonObject();
        deploy.getAsJsonObject("nodes").getAsJsonObject("web").getAsJsonObject("profiles")
                .getAsJsonObject("system").addProperty("path", path);

        assertThatThrownBy(() -> ConfigParser.parse(deploy))
                .hasMessageContaining("deploy.nodes.web.profiles.system.path must be a derivation or store path")
                .hasMessageContaining(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative/profile", "/nix/var/../etc/profile", "/nix/var/nix/profiles/"})
    void profilePathMustBeAnAbsoluteFilePath(String profilePath) {
        assertThatThrownBy(() -> parse(withProfile("\"profilePath\": \"" + profilePath + "\"")))
                .hasMessageContaining("profilePath must be an absolute path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"web/../../etc", "web;reboot", "web\nEVIL", "-oProxyCommand=x", ".hidden", "", "x y"})
    void refusesHostileNodeNames(String name) {
        JsonObject nodes = new JsonObject();
        nodes.add(name, JsonParser.parseString("{ \"hostname\": \"web\" }"));
        JsonObject deploy = new JsonObject();
        deploy.add("nodes", nodes);

        assertThatThrownBy(() -> ConfigParser.parse(deploy))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node name")
                .hasMessageContaining("is not allowed")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusesHostileProfileNames() {
        JsonObject deploy = JsonParser.parseString(withProfile("")).getAsJsonObject();
        deploy.getAsJsonObject("nodes").getAsJsonObject("web").getAsJsonObject("profiles")
                .add("../../x", JsonParser.parseString("{ \"path\": \"" + WEB + "\" }"));

        assertThatThrownBy(() -> ConfigParser.parse(deploy)).hasMessageContaining("profile name '../../x'");
    }

    @Test
    void refusesHostileTags() {
        assertThatThrownBy(() -> parse(withNode("\"tags\": [\"$(reboot)\"]")))
                .hasMessageContaining("tag name '$(reboot)' at deploy.nodes.web.tags is not allowed");
    }

    @Test
    void acceptsDotsAndPlusesInNodeNames() throws ConfigException {
        JsonObject nodes = new JsonObject();
        nodes.add("web.eu+1", JsonParser.parseString("{ \"hostname\": \"web\" }"));
        JsonObject deploy = new JsonObject();
        deploy.add("nodes", nodes);

        assertThat(ConfigParser.parse(deploy).nodes()).containsOnlyKeys("web.eu+1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-oProxyCommand=reboot", "web host", "web/x", "web;reboot", "`id`", "$(id)",
        "web\n", "web\nevil\n", "a\n\nb", "a\r\rb"})
    void refusesHostnamesThatAreNotHostsOrAddresses(String hostname) {
        JsonObject deploy = JsonParser.parseString(withNode("")).getAsJsonObject();
        deploy.getAsJsonObject("nodes").getAsJsonObject("web").addProperty("hostname", hostname);

        // checked when planned, as --hostname may replace it
        assertThatThrownBy(() -> Planner.plan(ConfigParser.parse(deploy), FlakeRef.parse(".#web"), Settings.EMPTY,
                java.util.Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deploy.nodes.web.hostname")
                .hasMessageContaining("is not a host name or address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"web.example.org", "10.0.0.1", "fe80::1", "web-1"})
    void acceptsHostnamesAndAddresses(String hostname) throws ConfigException {
        JsonObject deploy = JsonParser.parseString(withNode("")).getAsJsonObject();
        deploy.getAsJsonObject("nodes").getAsJsonObject("web").addProperty("hostname", hostname);

        assertThat(ConfigParser.parse(deploy).nodes().get("web").hostname()).isEqualTo(hostname);
    }

    @Test
    void treatsNullValuesAsUnset() throws ConfigException {
        DeployConfig config = parse("""
                {
                  "sshUser": null, "confirmTimeout": null,
                  "nodes": {
                    "web": {
                      "hostname": "web", "sshOpts": null, "profilesOrder": null, "tags": null,
                      "healthChecks": null,
                      "profiles": { "system": { "path": "%s", "profilePath": null, "magicRollback": null } }
                    }
                  }
                }
                """.formatted(WEB));

        assertThat(config.settings()).isEqualTo(Settings.EMPTY);
        DeployConfig.Node web = config.nodes().get("web");
        assertThat(web.settings()).isEqualTo(Settings.EMPTY);
        assertThat(web.profilesOrder()).isEmpty();
        assertThat(web.tags()).isEmpty();
        assertThat(web.healthChecks()).isNull();
        assertThat(web.profiles().get("system").settings()).isEqualTo(Settings.EMPTY);
        assertThat(web.profiles().get("system").profilePath()).isNull();
    }

    @Test
    void aNullHostnameIsMissing() {
        assertThatThrownBy(() -> parse("{ \"nodes\": { \"web\": { \"hostname\": null } } }"))
                .hasMessageContaining("deploy.nodes.web has no 'hostname', which is required");
    }

    @Test
    void profilesOrderMustNameProfilesOfTheNode() {
        assertThatThrownBy(() -> parse(withNode("\"profilesOrder\": [\"system\", \"sytem\"]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deploy.nodes.web.profilesOrder names profile 'sytem'")
                .hasMessageContaining("[system]");
    }

    @Test
    void healthChecksMustBeAList() {
        assertThatThrownBy(() -> parse(withProfile("\"healthChecks\": { \"cmd\": {} }")))
                .hasMessageContaining("deploy.nodes.web.profiles.system.healthChecks must be a list, not an attribute set");
    }

    @Test
    void aDottedNodeNameIsQuotedInLocations() {
        JsonObject nodes = new JsonObject();
        nodes.add("web.eu", JsonParser.parseString("{ \"hostname\": \"web\", \"sshUsr\": \"x\" }"));
        JsonObject deploy = new JsonObject();
        deploy.add("nodes", nodes);

        assertThatThrownBy(() -> ConfigParser.parse(deploy)).hasMessageContaining("in deploy.nodes.\"web.eu\"");
    }
}
