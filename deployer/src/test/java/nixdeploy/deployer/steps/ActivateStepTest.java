package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import nixdeploy.protocol.EventType;
import org.junit.jupiter.api.Test;

/** The activate step against a fake host: what the activator printed and how it exited, as an {@link Activation}. */
class ActivateStepTest {
    private final FakeHost host = new FakeHost();
    private final PendingRollbacks pending = new PendingRollbacks();
    private final ActivateStep step = new ActivateStep(StepFixtures.quiet(), new ProfileDeployer.Mode(false, false,
            false), pending, new RollbackStep(new FreshConnections(host.connector(), StepFixtures.quiet()), 1000));

    private PreparedHost.Ready ready() {
        return ready(false);
    }

    private PreparedHost.Ready ready(boolean gateOpened) {
        RemoteHost.RemoteProcess activation = host.start("activate");
        return new PreparedHost.Ready(StepFixtures.invocation().target(), host, null, null, activation, "activate",
                StepFixtures.invocation().launch(), "deploy", StepFixtures.DEPLOYMENT, gateOpened);
    }

    @Test
    void anActivatorStartedDuringTheCopyGetsOnlyItsOwnGoAndTheToken() throws Exception {
        host.answer("activate", FakeHost.Answer.events(0, Event.of(EventType.HELLO)));

        step.activate(host, ready(true), StepFixtures.invocation(), () -> { });

        assertThat(host.stdins).containsExactly("go\ntoken\n");
    }

    @Test
    void anActivationAwaitingConfirmationIsHandedOnWithTheProfileTheActivatorReported() throws Exception {
        Event switched = Event.of(EventType.SWITCHED).message("switched");
        switched.profile = "/elsewhere/app";
        host.answer("activate", FakeHost.Answer.events(0, Event.of(EventType.HELLO), switched,
                Event.of(EventType.AWAITING_CONFIRMATION).generation(7L)));

        Activation activation = step.activate(host, ready(), StepFixtures.invocation().at(null), () -> { });

        assertThat(activation).isInstanceOf(Activation.Awaiting.class);
        Activation.Awaiting awaiting = (Activation.Awaiting) activation;
        assertThat(awaiting.event().generation).isEqualTo(7L);
        assertThat(awaiting.invocation().profilePath()).isEqualTo("/elsewhere/app");
    }

    @Test
    void theGateOpensAndTheTokenTravelsOnStdin() throws Exception {
        host.answer("activate", FakeHost.Answer.events(0, Event.of(EventType.HELLO)));

        step.activate(host, ready(), StepFixtures.invocation(), () -> { });

        assertThat(host.stdins).as("the gate's go names the java to run; the activator's own go precedes the token")
                .containsExactly("go java\ngo\ntoken\n");
        assertThat(host.commands).noneMatch(c -> c.contains("token"));
    }

    @Test
    void aFailedActivationEndsWithTheActivatorsMessage() throws Exception {
        host.answer("activate", FakeHost.Answer.events(4, Event.of(EventType.HELLO),
                Event.of(EventType.RESULT).state(DeploymentState.ROLLED_BACK).message("script exited 1")));

        Activation activation = step.activate(host, ready(), StepFixtures.invocation(), () -> { });

        Outcome outcome = ((Activation.Ended) activation).outcome();
        assertThat(outcome.status()).isEqualTo(Outcome.Status.ACTIVATION_FAILED);
        assertThat(outcome.message()).isEqualTo("activation failed and was rolled back: script exited 1");
    }

    @Test
    void aHostThatCannotStartJavaIsUnsupported() throws Exception {
        host.answer("activate", new FakeHost.Answer(127, "", "java: not found"));

        Activation activation = step.activate(host, ready(), StepFixtures.invocation(), () -> { });

        Outcome outcome = ((Activation.Ended) activation).outcome();
        assertThat(outcome.status()).isEqualTo(Outcome.Status.HOST_UNSUPPORTED);
        assertThat(outcome.message()).contains("java: not found", "Nothing was changed");
    }

    @Test
    void anActivationAwaitingConfirmationStaysRegisteredForCtrlC() throws Exception {
        host.answer("activate", FakeHost.Answer.events(0, Event.of(EventType.HELLO),
                Event.of(EventType.AWAITING_CONFIRMATION).generation(7L)))
                .answer(" rollback ", FakeHost.Answer.events(0, Event.of(EventType.RESULT).message("rolled back")));

        step.activate(host, ready(), StepFixtures.invocation(), () -> { });
        java.util.List<PendingRollbacks.Report> reports = pending.rollBackAll(java.time.Duration.ofSeconds(5));

        assertThat(reports).extracting(PendingRollbacks.Report::message).containsExactly("rolled back");
        assertThat(host.commands).anyMatch(c -> c.contains(" rollback ") && c.contains("interrupted"));
    }

    @Test
    void aFinishedActivationIsNoLongerPending() throws Exception {
        host.answer("activate", FakeHost.Answer.events(5, Event.of(EventType.HELLO)));

        step.activate(host, ready(), StepFixtures.invocation(), () -> { });

        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void afterCtrlCTheGateStaysShut() throws Exception {
        pending.rollBackAll(java.time.Duration.ofSeconds(1));

        Activation activation = step.activate(host, ready(), StepFixtures.invocation(), () -> { });

        assertThat(((Activation.Ended) activation).outcome().status()).isEqualTo(Outcome.Status.INTERRUPTED);
        assertThat(host.stdins).isEmpty();
    }
}
