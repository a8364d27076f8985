package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import org.junit.jupiter.api.Test;

/** The runner: failures before anything changed on the host become the outcome they mean. */
class ProfileDeployerTest {
    static final String DRV = "/nix/store/00000000000000000000000000000000-system.drv";

    private final FakeHost host = new FakeHost();

    private ProfileDeployer deployer() {
        return new ProfileDeployer(host.connector(), StepFixtures.quiet(), StepFixtures.JAR, Optional.empty(),
                new ProfileDeployer.Mode(false, false, false), new PendingRollbacks(), () -> "pw", null);
    }

    private Outcome deployWhenConnecting(DeployException refusal) {
        host.refuseConnections = refusal;
        ProfileDeployer deployer = deployer();
        return deployer.deploy(deployer.prepare(StepFixtures.plan()), List.of(), Optional.empty());
    }

    @Test
    void aConnectionThatFailsIsConnectFailed() {
        Outcome outcome = deployWhenConnecting(new DeployException(ExitCode.CONNECT_FAILED, "no route"));

        assertThat(outcome.status()).isEqualTo(Outcome.Status.CONNECT_FAILED);
        assertThat(outcome.message()).isEqualTo("no route");
    }

    @Test
    void aHostThatCannotRunTheActivatorIsUnsupported() {
        Outcome outcome = deployWhenConnecting(new DeployException(ExitCode.HOST_UNSUPPORTED, "no java"));

        assertThat(outcome.status()).isEqualTo(Outcome.Status.HOST_UNSUPPORTED);
    }

    /**
     * {@code --remote-build} lets the host build as long as it needs, as deploy-rs does. Waiting with
     * no limit, while keepalives notice a host that is gone, is the SSH client's part (MinaRemoteHost).
     */
    @Test
    void theBuildOnTheHostHasNoTimeLimit() throws Exception {
        host.answer("nix-store --realise", new FakeHost.Answer(0, "", ""));

        new RemoteBuildStep(StepFixtures.quiet()).build(host, StepFixtures.plan(), DRV);

        assertThat(host.commands).containsExactly(HostCommands.realise(DRV));
        assertThat(host.timeouts).containsExactly((Duration) null);
    }

    @Test
    void aFailureBeforeActivationSaysNothingChangedOnce() {
        assertThat(ProfileDeployer.nothingChanged("cannot read the store paths to send:\nerror: boom"))
                .isEqualTo("cannot read the store paths to send:\nerror: boom\nNothing was changed on the host.");
        assertThat(ProfileDeployer.nothingChanged("copying failed. Nothing was activated."))
                .isEqualTo("copying failed. Nothing was activated.");
    }
}
