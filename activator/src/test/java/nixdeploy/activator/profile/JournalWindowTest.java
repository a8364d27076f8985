package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import nixdeploy.protocol.DeploymentState;
import org.junit.jupiter.api.Test;

class JournalWindowTest {
    private final FakeClock clock = new FakeClock();

    private Journal awaiting(long seconds) {
        Journal journal = new Journal();
        journal.openWindow(clock, seconds);
        return journal;
    }

    @Test
    void theWindowClosesAtTheDeadlineOnTheMonotonicClock() {
        Journal journal = awaiting(30);

        clock.advanceMillis(29_999);
        assertThat(journal.awaitingPast(clock)).isFalse();
        assertThat(journal.millisLeft(clock)).isEqualTo(1);

        clock.monotonicNanos += 1_000_000;
        assertThat(journal.awaitingPast(clock)).isTrue();
    }

    @Test
    void theWallClockSteppedBackHoursDoesNotKeepTheWindowOpen() {
        Journal journal = awaiting(30);

        clock.wallMillis -= Duration.ofHours(5).toMillis();
        clock.monotonicNanos += Duration.ofSeconds(31).toNanos();

        assertThat(journal.awaitingPast(clock)).isTrue();
    }

    @Test
    void theWallClockSteppedForwardDoesNotCloseTheWindow() {
        Journal journal = awaiting(30);

        clock.wallMillis += Duration.ofHours(5).toMillis();
        clock.monotonicNanos += Duration.ofSeconds(1).toNanos();

        assertThat(journal.awaitingPast(clock)).isFalse();
        assertThat(journal.millisLeft(clock)).isEqualTo(29_000);
    }

    @Test
    void aWindowOpenedBeforeARebootHasClosed() {
        Journal journal = awaiting(3600);

        clock.bootId = "boot-2";
        clock.monotonicNanos = Duration.ofHours(2).toNanos();

        assertThat(journal.awaitingPast(clock)).isTrue();
    }

    @Test
    void aMonotonicClockBehindTheWindowsStartMeansTheHostRebooted() {
        clock.bootId = "";
        Journal journal = awaiting(3600);

        clock.monotonicNanos = 1_000_000_000L;

        assertThat(journal.awaitingPast(clock)).isTrue();
    }

    @Test
    void aBootTheHostCannotNameIsJudgedByTheMonotonicClockAlone() {
        Journal journal = awaiting(30);

        clock.bootId = "";
        clock.advanceMillis(1_000);

        assertThat(journal.awaitingPast(clock)).isFalse();
        assertThat(journal.millisLeft(clock)).isEqualTo(29_000);
    }

    @Test
    void onlyAnAwaitingDeploymentCanBePastItsDeadline() {
        Journal journal = awaiting(1);
        journal.state = DeploymentState.CONFIRMED;

        clock.advanceMillis(5_000);

        assertThat(journal.awaitingPast(clock)).isFalse();
    }

    @Test
    void aJournalOfAnEarlierActivatorIsTimedOnTheWallClock() {
        Journal journal = new Journal();
        journal.state = DeploymentState.AWAITING;
        journal.deadline = clock.wallMillis + 10_000;

        assertThat(journal.awaitingPast(clock)).isFalse();
        clock.wallMillis += 10_000;
        assertThat(journal.awaitingPast(clock)).isTrue();
    }
}
