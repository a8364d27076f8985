package nixdeploy.deployer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final String A = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-a";
    static final String B = "/nix/store/1123456789abcdfghijklmnpqrsvwxyz-b";

    /** sshUser and confirmTimeout at all three levels, and some settings at only one. */
    static final DeployConfig CONFIG = config("""
            {
              "sshUser": "deploy-level", "confirmTimeout": 11, "activationTimeout": 99, "tempPath": "/deploy",
              "nodes": {
                "web": {
                  "hostname": "web.example.org",
                  "sshUser": "node-level", "confirmTimeout": 22, "fastConnection": true,
                  "profilesOrder": ["zeta", "system"],
                  "healthChecks": [ { "cmd": { "command": ["node-check"] } } ],
                  "profiles": {
                    "system": { "path": "%1$s", "sshUser": "profile-level", "confirmTimeout": 33 },
                    "zeta": { "path": "%2$s", "healthChecks": [ { "cmd": { "command": ["zeta-check"] } } ] },
                    "beta": { "path": "%2$s" },
                    "alpha": { "path": "%1$s", "sshOpts": ["-p", "2222"] }
                  }
                },
                "db": {
                  "hostname": "db.example.org",
                  "profiles": { "system": { "path": "%1$s" } }
                },
                "spare": { "hostname": "spare.example.org" }
              }
            }
            """.formatted(A, B));

    static DeployConfig config(String json) {
        try {
            return ConfigParser.parse(JsonParser.parseString(json));
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<ProfilePlan> plan(String target) throws ConfigException {
        return Planner.plan(CONFIG, FlakeRef.parse(target), Settings.EMPTY, Optional.empty());
    }

    static ProfilePlan only(String target) throws ConfigException {
        List<ProfilePlan> plans = plan(target);
        assertThat(plans).hasSize(1);
        return plans.get(0);
    }

    static Settings cli(String sshUser, Integer confirmTimeout) {
        return new Settings(sshUser, null, null, null, null, null, confirmTimeout, null, null, null, null, null, null,
                null, null);
    }

    @Test
    void theProfileLevelWinsOverNodeAndDeploy() throws ConfigException {
        ProfilePlan system = only(".#web.system");

        assertThat(system.sshUser()).contains("profile-level");
        assertThat(system.confirmTimeout()).isEqualTo(33);
    }

    @Test
    void theNodeLevelWinsOverDeploy() throws ConfigException {
        ProfilePlan beta = only(".#web.beta");

        assertThat(beta.sshUser()).contains("node-level");
        assertThat(beta.confirmTimeout()).isEqualTo(22);
        assertThat(beta.fastConnection()).isTrue();
    }

    @Test
    void theDeployLevelAppliesWhereNothingMoreSpecificIsSet() throws ConfigException {
        ProfilePlan db = only(".#db.system");

        assertThat(db.sshUser()).contains("deploy-level");
        assertThat(db.confirmTimeout()).isEqualTo(11);
        assertThat(db.activationTimeout()).isEqualTo(99);
        assertThat(db.tempPath()).contains("/deploy");
        assertThat(db.fastConnection()).isFalse();
    }

    @Test
    void commandLineOverridesWinOverEveryLevel() throws ConfigException {
        List<ProfilePlan> plans = Planner.plan(CONFIG, FlakeRef.parse("."), cli("cli-user", 44), Optional.empty());

        assertThat(plans).isNotEmpty().allSatisfy(p -> {
            assertThat(p.sshUser()).contains("cli-user");
            assertThat(p.confirmTimeout()).isEqualTo(44);
        });
        // what the command line leaves unset still comes from the flake
        assertThat(plans).filteredOn(p -> p.name().equals("web.alpha")).singleElement()
                .satisfies(p -> assertThat(p.sshOpts()).containsExactly("-p", "2222"));
    }

    @Test
    void settingsOverTakesEachFieldFromTheFirstLevelThatSetsIt() {
        Settings upper = cli("upper", null);
        Settings lower = cli("lower", 7);

        assertThat(upper.over(lower)).isEqualTo(cli("upper", 7));
        assertThat(Settings.EMPTY.over(lower)).isEqualTo(lower);
        assertThat(lower.over(Settings.EMPTY)).isEqualTo(lower);
    }

    @Test
    void profilesOrderComesFirstThenTheRestByName() throws ConfigException {
        assertThat(plan(".#web")).extracting(ProfilePlan::profile).containsExactly("zeta", "system", "alpha", "beta");
    }

    @Test
    void aBareFlakeSelectsEveryNodeInTheOrderTheFlakeListsThem() throws ConfigException {
        assertThat(plan(".")).extracting(ProfilePlan::name)
                .containsExactly("web.zeta", "web.system", "web.alpha", "web.beta", "db.system");
    }

    @Test
    void aProfileTargetSelectsJustThatProfile() throws ConfigException {
        ProfilePlan plan = only(".#web.alpha");

        assertThat(plan.node()).isEqualTo("web");
        assertThat(plan.profile()).isEqualTo("alpha");
        assertThat(plan.name()).isEqualTo("web.alpha");
        assertThat(plan.hostname()).isEqualTo("web.example.org");
        assertThat(plan.storePath()).isEqualTo(A);
        assertThat(plan.explicitProfilePath()).isEmpty();
    }

    @Test
    void anUnknownNodeIsAnErrorThatListsTheKnownNodes() {
        assertThatThrownBy(() -> plan(".#wbe"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no node 'wbe' in .")
                .hasMessageContaining("its nodes are: db, spare, web");
    }

    @Test
    void anUnknownProfileIsAnErrorThatListsTheNodesProfiles() {
        assertThatThrownBy(() -> plan(".#web.sytem"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node 'web' has no profile 'sytem'")
                .hasMessageContaining("its profiles are: alpha, beta, system, zeta");
    }

    @Test
    void aNodeWithoutProfilesHasNothingToDeploy() {
        assertThatThrownBy(() -> plan(".#spare"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nothing to deploy");
    }

    @Test
    void aFlakeWithoutNodesIsAnError() {
        assertThatThrownBy(() -> Planner.plan(config("{ \"nodes\": {} }"), FlakeRef.parse("."), Settings.EMPTY,
                Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("defines no nodes");
    }

    @Test
    void theHostnameOverrideReplacesTheNodesHostname() throws ConfigException {
        List<ProfilePlan> plans = Planner.plan(CONFIG, FlakeRef.parse(".#web"), Settings.EMPTY,
                Optional.of("10.0.0.9"));

        assertThat(plans).extracting(ProfilePlan::hostname).containsOnly("10.0.0.9");
        assertThat(plans).extracting(ProfilePlan::confirmHostname).containsOnly("10.0.0.9");
    }

    @Test
    void aProfilesOwnHealthChecksReplaceTheNodes() throws ConfigException {
        ProfilePlan zeta = only(".#web.zeta");

        assertThat(zeta.healthChecks().toString()).contains("zeta-check").doesNotContain("node-check");
        assertThat(zeta.healthChecksAt()).isEqualTo("deploy.nodes.web.profiles.zeta.healthChecks");
    }

    @Test
    void aProfileWithoutHealthChecksTakesTheNodes() throws ConfigException {
        ProfilePlan beta = only(".#web.beta");

        assertThat(beta.healthChecks().toString()).contains("node-check");
        assertThat(beta.healthChecksAt()).isEqualTo("deploy.nodes.web.healthChecks");
    }

    @Test
    void aProfileOfANodeWithoutHealthChecksHasNone() throws ConfigException {
        assertThat(only(".#db.system").healthChecks()).isNull();
    }

    /** One node "web" (hostname {@code hostname}) with {@code nodeExtra}, and a profile "system". */
    static DeployConfig web(String deployExtra, String nodeExtra, String profileExtra, String hostname) {
        return config("""
                { %s "nodes": { "web": { "hostname": "%s", %s "profiles": { "system": { %s "path": "%s" } } } } }
                """.formatted(deployExtra, hostname, nodeExtra, profileExtra, A));
    }

    static List<ProfilePlan> planWeb(DeployConfig config, Settings cli) throws ConfigException {
        return Planner.plan(config, FlakeRef.parse(".#web"), cli, Optional.empty());
    }

    @Test
    void aTimeoutOutOfRangeIsNamedAtTheLevelThatSetsIt() {
        assertThatThrownBy(() -> planWeb(web("\"confirmTimeout\": 0,", "", "", "web"), Settings.EMPTY))
                .isInstanceOf(ConfigException.class)
                .hasMessage("deploy.confirmTimeout must be whole seconds from 1 to 86400, not 0");
        assertThatThrownBy(() -> planWeb(web("", "\"activationTimeout\": 86401,", "", "web"), Settings.EMPTY))
                .hasMessage("deploy.nodes.web.activationTimeout must be whole seconds from 1 to 86400, not 86401");
        assertThatThrownBy(() -> planWeb(web("", "", "\"confirmTimeout\": -3,", "web"), Settings.EMPTY))
                .hasMessage("deploy.nodes.web.profiles.system.confirmTimeout must be whole seconds from 1 to 86400, "
                        + "not -3");
        assertThatThrownBy(() -> planWeb(web("", "", "", "web"), cli(null, 0)))
                .hasMessage("--confirm-timeout must be whole seconds from 1 to 86400, not 0");
    }

    @Test
    void aTimeoutOutOfRangeThatAMoreSpecificLevelOrTheCommandLineOverridesIsNeverUsed() throws ConfigException {
        assertThat(planWeb(web("\"confirmTimeout\": 0,", "", "\"confirmTimeout\": 20,", "web"), Settings.EMPTY))
                .singleElement().satisfies(p -> assertThat(p.confirmTimeout()).isEqualTo(20));
        assertThat(planWeb(web("", "", "\"confirmTimeout\": 0,", "web"), cli(null, 30)))
                .singleElement().satisfies(p -> assertThat(p.confirmTimeout()).isEqualTo(30));
    }

    @Test
    void aHostnameThatIsNotAHostIsRefusedUnlessTheCommandLineReplacesIt() throws ConfigException {
        DeployConfig config = web("", "", "", "web;reboot");

        assertThatThrownBy(() -> planWeb(config, Settings.EMPTY))
                .hasMessage("deploy.nodes.web.hostname 'web;reboot' is not a host name or address");
        assertThat(Planner.plan(config, FlakeRef.parse(".#web"), Settings.EMPTY, Optional.of("10.0.0.9")))
                .extracting(ProfilePlan::hostname).containsExactly("10.0.0.9");
    }

    @Test
    void aSelectorKeepsTheNodesItMatchesAndChecksOnlyTheirSettings() throws ConfigException {
        DeployConfig config = config("""
                { "nodes": {
                    "web": { "hostname": "web", "tags": ["front"], "profiles": { "system": { "path": "%s" } } },
                    "db": { "hostname": "db", "confirmTimeout": 0, "profiles": { "system": { "path": "%s" } } } } }
                """.formatted(A, B));

        List<ProfilePlan> plans = Planner.plan(config, FlakeRef.parse("."), Settings.EMPTY, Optional.empty(),
                Optional.of(NodeSelector.parse("@front")));

        assertThat(plans).extracting(ProfilePlan::name).containsExactly("web.system");
        assertThatThrownBy(() -> Planner.plan(config, FlakeRef.parse("."), Settings.EMPTY, Optional.empty()))
                .hasMessageContaining("deploy.nodes.db.confirmTimeout");
    }

    @Test
    void aSelectorThatMatchesNoneOfTheTargetsNodesGivesNoPlans() throws ConfigException {
        assertThat(Planner.plan(CONFIG, FlakeRef.parse(".#web"), Settings.EMPTY, Optional.empty(),
                Optional.of(NodeSelector.parse("db")))).isEmpty();
    }

    @Test
    void profilesWhosePathsAreNotEvaluatedYetArePlannedWithoutAStorePath() throws ConfigException {
        DeployConfig config = config("""
                { "nodes": { "web": { "hostname": "web", "profiles": { "system": { "path": true } } } } }
                """);

        assertThat(planWeb(config, Settings.EMPTY)).singleElement()
                .satisfies(p -> assertThat(p.storePath()).isNull());
    }

    @Test
    void theEvaluatedPathsFillInThePlans() throws ConfigException {
        List<ProfilePlan> plans = Planner.withPaths(plan(".#web.system").stream().map(p -> p.withStorePath(null))
                .toList(), JsonParser.parseString("{ \"web\": { \"system\": { \"path\": \"" + B
                        + "\", \"derivation\": null } } }"));

        assertThat(plans).singleElement().satisfies(p -> {
            assertThat(p.storePath()).isEqualTo(B);
            assertThat(p.sshUser()).contains("profile-level");
        });
    }

    @Test
    void anEvaluatedPathThatIsNotAStorePathIsNamedWhereItIs() {
        assertThatThrownBy(() -> Planner.withPaths(plan(".#web.system"),
                JsonParser.parseString("{ \"web\": { \"system\": { \"path\": \"<function>\" } } }")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("deploy.nodes.web.profiles.system.path must be a derivation or store path, not "
                        + "'<function>'");
        assertThatThrownBy(() -> Planner.withPaths(plan(".#web.system"),
                JsonParser.parseString("{ \"web\": { \"system\": { \"path\": null } } }")))
                .hasMessage("deploy.nodes.web.profiles.system has no 'path', which is required");
    }
}
