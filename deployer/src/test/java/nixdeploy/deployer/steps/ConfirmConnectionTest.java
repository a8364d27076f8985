package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.remote.SshTarget;
import org.junit.jupiter.api.Test;

class ConfirmConnectionTest {
    private final FakeHost host = new FakeHost();

    private ConfirmConnection connection() {
        return ConfirmConnection.to(host.connector(), SshTarget.of("web", "deploy"), Duration.ofSeconds(30));
    }

    @Test
    void itKeepsTheTargetResolvedForTheConfirmation() {
        SshTarget web = SshTarget.of("web", "deploy");

        assertThat(ConfirmConnection.to(host.connector(), web, Duration.ofSeconds(30)).target()).containsSame(web);
        assertThat(ConfirmConnection.none().target()).isEmpty();
    }

    @Test
    void connectsOnlyOnceTheActivationFinished() throws DeployException {
        try (ConfirmConnection early = connection()) {
            assertThat(early.take()).isEmpty();
        }
        assertThat(host.connections).isZero();
    }

    @Test
    void theConnectionTakenIsTheCallersToClose() throws DeployException {
        try (ConfirmConnection early = connection()) {
            early.open();
            early.open();
            assertThat(early.take()).containsSame(host);
        }
        assertThat(host.connections).isEqualTo(1);
        assertThat(host.closes).isZero();
    }

    @Test
    void aConnectionNobodyTookIsClosed() throws InterruptedException {
        ConfirmConnection early = connection();
        early.open();
        early.close();
        for (int i = 0; i < 200 && host.closes == 0; i++) {
            Thread.sleep(10);
        }
        assertThat(host.closes).isEqualTo(1);
    }

    @Test
    void takingAFailedConnectionThrowsHowItFailed() {
        host.refuseConnections = new DeployException(ExitCode.CONNECT_FAILED, "connection refused");
        try (ConfirmConnection early = connection()) {
            early.open();
            assertThatThrownBy(early::take).isInstanceOf(DeployException.class).hasMessage("connection refused");
        }
    }

    @Test
    void aConnectionOpenedLongerAgoThanItsMaximumAgeIsClosedAndNotUsed() throws Exception {
        ConfirmConnection early = ConfirmConnection.to(host.connector(), SshTarget.of("web", "deploy"),
                Duration.ofSeconds(30), 50);
        early.open();
        Thread.sleep(100);

        assertThat(early.take()).isEmpty();
        for (int i = 0; i < 200 && host.closes == 0; i++) {
            Thread.sleep(10);
        }
        assertThat(host.closes).isEqualTo(1);
    }

    @Test
    void afterItIsClosedNothingConnects() throws DeployException {
        ConfirmConnection early = connection();
        early.close();
        early.open();
        assertThat(early.take()).isEmpty();
        assertThat(host.connections).isZero();
    }
}
