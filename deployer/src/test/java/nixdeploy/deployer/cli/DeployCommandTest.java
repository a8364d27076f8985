package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import nixdeploy.deployer.config.ConfigException;
import nixdeploy.deployer.config.ConfigParser;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Planner;
import nixdeploy.deployer.remote.HostKeyPolicy;
import nixdeploy.deployer.remote.SshOptions;
import nixdeploy.deployer.remote.SshTarget;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's overrides, merged with a flake's settings before they are checked. */
class DeployCommandTest {
    /** deploy-rs's nix/tests/deploy-flake.nix, node server-override, as the settings evaluation gives it. */
    static final String SERVER_OVERRIDE = """
            { "nodes": { "server-override": {
                "hostname": "override", "sshUser": "override", "user": "override", "sudo": "override",
                "sshOpts": [], "confirmTimeout": 0, "activationTimeout": 0,
                "profiles": { "system": { "path": true } } } } }
            """;
    /** deploy-rs's options-overriding test (nix/tests/default.nix), as a shell splits it, before "-- --offline". */
    static final List<String> OVERRIDING = List.of("-s", ".#server-override", "--hostname", "server",
            "--profile-user", "root", "--ssh-user", "root", "--sudo", "sudo -u",
            "--ssh-opts=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
            "--confirm-timeout", "30", "--activation-timeout", "30");

    static List<ProfilePlan> plan(List<String> args) throws ConfigException {
        DeployCommand command = new DeployCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return Planner.plan(ConfigParser.parse(JsonParser.parseString(SERVER_OVERRIDE)), command.flakeRefs().get(0),
                command.overrides(), command.hostnameOverride());
    }

    @Test
    void deployRsOptionsOverridingTestIsAccepted() throws ConfigException {
        ProfilePlan plan = plan(OVERRIDING).get(0);

        assertThat(plan.name()).isEqualTo("server-override.system");
        assertThat(plan.hostname()).isEqualTo("server");
        assertThat(plan.sshUser()).contains("root");
        assertThat(plan.profileUser()).contains("root");
        assertThat(plan.sudo()).containsExactly("sudo", "-u");
        assertThat(plan.confirmTimeout()).isEqualTo(30);
        assertThat(plan.activationTimeout()).isEqualTo(30);
        List<String> warnings = new ArrayList<>();
        SshTarget target = SshOptions.apply(SshTarget.of(plan.hostname(), "root"), plan.sshOpts(), warnings::add);
        assertThat(target.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_ANY);
        assertThat(warnings).singleElement().asString().contains("StrictHostKeyChecking=no");
    }

    @Test
    void cacheOptionSetsTheCacheOfEveryProfile() throws ConfigException {
        List<String> args = new ArrayList<>(OVERRIDING);
        args.addAll(List.of("--cache", "file:///srv/cache?secret-key=/etc/nix/cache.sec", "--fast-connection", "true"));
        ProfilePlan plan = plan(args).get(0);

        assertThat(plan.cache()).contains("file:///srv/cache?secret-key=/etc/nix/cache.sec");
        assertThat(plan.substituteOnHost()).as("a cache means substituting, whatever fastConnection says").isTrue();
    }

    @Test
    void withoutTheOverridesTheFlakesZeroTimeoutIsRefusedWhereItStands() {
        assertThatThrownBy(() -> plan(List.of("-s", ".#server-override")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("deploy.nodes.server-override.confirmTimeout must be whole seconds from 1 to 86400, "
                        + "not 0");
        assertThatThrownBy(() -> plan(List.of("-s", ".#server-override", "--confirm-timeout", "30")))
                .hasMessage("deploy.nodes.server-override.activationTimeout must be whole seconds from 1 to 86400, "
                        + "not 0");
    }

    static DeployCommand parse(String... args) {
        DeployCommand command = new DeployCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void deployRsNonFlakeTestsFileTargetsNameNodesOfTheFile() throws ConfigException {
        // deploy-rs's non-flake-with-flakes test: deploy --file . --targets server
        DeployCommand command = parse("--file", ".", "--targets", "server");

        assertThat(command.flakeRefs()).singleElement().satisfies(ref -> {
            assertThat(ref.flake()).isEqualTo(".");
            assertThat(ref.node()).contains("server");
            assertThat(ref.profile()).isEmpty();
        });
        assertThat(command.source(".").file()).isTrue();
        assertThat(parse("-f", "deploy.nix", "web.system").flakeRefs().get(0).profile()).contains("system");
        assertThat(parse("-f", "deploy.nix").flakeRefs().get(0).node()).as("every node").isEmpty();
        assertThat(parse(".#web").source(".").file()).isFalse();
    }

    @Test
    void withFileAFlakeReferenceIsRefusedWithTheReason() {
        assertThatThrownBy(() -> parse("--file", ".", ".#server").flakeRefs())
                .isInstanceOf(ConfigException.class).hasMessageContaining("with --file, targets are node");
    }

    @Test
    void deployRsShortFlagsAreAccepted() {
        DeployCommand command = parse("-c", "-i", "--log-dir", "/tmp/logs", "-s", ".#web");

        assertThat(command.checkSigs).isTrue();
        assertThat(command.interactive).isTrue();
        assertThat(command.logDir).isEqualTo("/tmp/logs");
        assertThat(parse("--checksigs", "--interactive").checkSigs).isTrue();
        DeployCommand none = parse(".#web");
        assertThat(none.checkSigs || none.interactive || none.logDir != null).isFalse();
    }

    @Test
    void sshOptsStartingWithTheNewShortFlagsStayTheValueOfSshOpts() {
        // -i and -c are deploy-rs's --interactive and --checksigs, and also OpenSSH's identity and cipher
        for (String opts : List.of("-i /k/id -o UserKnownHostsFile=/k/known", "-c aes256-ctr", "-p 22 -o A=b", "-f",
                "-ic")) {
            DeployCommand command = parse("--ssh-opts", opts, ".#web");

            assertThat(command.sshOpts).isEqualTo(opts);
            assertThat(command.interactive || command.checkSigs || command.file != null).isFalse();
        }
    }
}
