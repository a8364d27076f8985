package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import org.junit.jupiter.api.Test;

/** The rollback step against a fake host: the request it sends and the answer it reads back. */
class RollbackStepTest {
    private final FakeHost host = new FakeHost();
    private final RollbackStep step = new RollbackStep(new FreshConnections(host.connector(), StepFixtures.quiet()), 1000);

    @Test
    void asksOverANewConnectionWithTheTokenOnStdin() {
        host.answer(" rollback ", FakeHost.Answer.events(0, Event.of(EventType.RESULT).message("rolled back to 6")));

        Optional<RollbackStep.Answer> answer = step.ask(StepFixtures.invocation(), "why", true);

        assertThat(answer).isPresent();
        assertThat(answer.get().rolledBack()).isTrue();
        assertThat(answer.get().message()).isEqualTo("rolled back to 6");
        assertThat(host.commands).singleElement().asString().contains("--reason why --confirmed");
        assertThat(host.stdins).containsExactly("token\n");
    }

    @Test
    void whenNothingIsPendingItReadsTheStatusBack() {
        host.answer(" rollback ", new FakeHost.Answer(ActivatorExit.NOTHING_PENDING.code, "", "nothing pending"))
                .answer(" status ", FakeHost.Answer.events(0, Event.of(EventType.RESULT).exitCode(0)
                        .state(DeploymentState.CONFIRMED).deploymentId(StepFixtures.DEPLOYMENT).message("confirmed")));

        String said = step.onInterrupt(StepFixtures.invocation(), true);

        assertThat(said).isEqualTo("confirmed before the interrupt; the host keeps it: confirmed");
    }

    @Test
    void aHostThatCannotBeReachedIsReportedSo() {
        host.refuseConnections = new nixdeploy.deployer.DeployException(nixdeploy.deployer.ExitCode.CONNECT_FAILED,
                "refused");

        Optional<RollbackStep.Answer> answer = step.ask(StepFixtures.invocation(), "why", true);

        assertThat(answer).isEmpty();
    }
}
