package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.health.HealthCheck;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The confirm step against a fake host: the confirmation's answer, and the health gate, as outcomes. */
class ConfirmStepTest {
    private final FakeHost host = new FakeHost();
    private final PendingRollbacks pending = new PendingRollbacks();

    private ConfirmStep step() {
        Console console = StepFixtures.quiet();
        FreshConnections connections = new FreshConnections(host.connector(), console);
        RollbackStep rollback = new RollbackStep(connections);
        return new ConfirmStep(console, new Targets(console), connections,
                new HealthGate(host.connector(), console, null), rollback, new RecoverStep(console, connections),
                pending);
    }

    private Activation.Awaiting awaiting(List<HealthCheck> checks) {
        Invocation base = StepFixtures.invocation();
        Invocation inv = new Invocation(base.plan(), base.target(), base.hostAddress(), base.sshUser(),
                base.profileUser(), base.launch(), base.profilePath(), base.token(), null, checks, base.deploymentId());
        return new Activation.Awaiting(inv, Event.of(EventType.AWAITING_CONFIRMATION).generation(7L),
                System.currentTimeMillis(), CompletableFuture.completedFuture(0), null,
                pending.add("web.app", confirmSent -> "asked to roll back").orElseThrow());
    }

    @Test
    void aConfirmationTheHostAcceptsIsConfirmedOverANewConnection() {
        host.answer(" confirm ", FakeHost.Answer.events(0, Event.of(EventType.RESULT).state(DeploymentState.CONFIRMED)));

        Outcome outcome = step().confirm(awaiting(List.of()), ConfirmConnection.none());

        assertThat(outcome.status()).isEqualTo(Outcome.Status.CONFIRMED);
        assertThat(host.connections).isEqualTo(1);
        assertThat(host.stdins).containsExactly("token\n");
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void theConfirmationGoesOverTheConnectionOpenedOnceTheActivationFinished() {
        host.answer(" confirm ", FakeHost.Answer.events(0, Event.of(EventType.RESULT).state(DeploymentState.CONFIRMED)));
        Activation.Awaiting awaiting = awaiting(List.of());
        ConfirmConnection early = step().connectionFor(awaiting.invocation());
        early.open();

        Outcome outcome = step().confirm(awaiting, early);

        assertThat(outcome.status()).isEqualTo(Outcome.Status.CONFIRMED);
        assertThat(host.connections).isEqualTo(1);
        assertThat(host.closes).isEqualTo(1);
    }

    @Test
    void aFailedHealthCheckAsksTheHostToRollBackAtOnce() {
        host.answer(" rollback ", FakeHost.Answer.events(0,
                Event.of(EventType.RESULT).state(DeploymentState.ROLLED_BACK).message("rolled back to 6")));

        Outcome outcome = step().confirm(awaiting(List.of(StepFixtures.unhealthy())), ConfirmConnection.none());

        assertThat(outcome.status()).isEqualTo(Outcome.Status.HEALTH_CHECK_FAILED);
        assertThat(outcome.message()).isEqualTo("health check failed: unhealthy (503); rolled back to 6");
        assertThat(host.commands).anyMatch(c -> c.contains(" rollback ") && c.contains("health check failed"))
                .noneMatch(c -> c.contains(" confirm "));
    }

    @Test
    void aRollbackThatFailsAfterAFailedHealthCheckIsRollbackFailed() {
        host.answer(" rollback ", FakeHost.Answer.events(ActivatorExit.ROLLBACK_FAILED.code,
                Event.of(EventType.RESULT).message("old generation would not activate")));

        assertThat(step().confirm(awaiting(List.of(StepFixtures.unhealthy())), ConfirmConnection.none()).status())
                .isEqualTo(Outcome.Status.ROLLBACK_FAILED);
    }

    @Test
    void afterAnInterruptNoConfirmationIsSent() {
        Activation.Awaiting awaiting = awaiting(List.of());
        pending.rollBackAll(Duration.ofSeconds(1));

        Outcome outcome = step().confirm(awaiting, ConfirmConnection.none());

        assertThat(outcome.status()).isEqualTo(Outcome.Status.INTERRUPTED);
        assertThat(host.commands).isEmpty();
    }

    @ParameterizedTest(name = "confirm exit {0} -> {1}")
    @CsvSource({"0, CONFIRMED", "10, CONFIRMED_STEP_FAILED", "8, ROLLBACK_FAILED", "6, ROLLED_BACK",
        "7, STATE_UNKNOWN", "1, STATE_UNKNOWN"})
    void mapsTheConfirmationsAnswer(int exit, Outcome.Status expected) {
        Outcome outcome = ConfirmStep.outcome(StepFixtures.plan(), 7L, new RemoteHost.Result(exit, "", "said"), "", 5);

        assertThat(outcome.status()).isEqualTo(expected);
    }

    @Test
    void tooLateAfterFailedConnectionsPointsAtConfirmHostname() {
        Outcome outcome = ConfirmStep.outcome(StepFixtures.plan(), 7L,
                new RemoteHost.Result(6, "", "too late: rolled back to 6"), " (2 connection attempt(s) failed)", 5);

        assertThat(outcome.message()).isEqualTo("could not confirm in time (2 connection attempt(s) failed); "
                + "the host rolled back to 6. If the profile moves SSH on purpose, set confirmHostname / "
                + "confirmSshOpts.");
    }
}
