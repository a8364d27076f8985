package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PendingRollbacksTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final PendingRollbacks pending = new PendingRollbacks();

    @Test
    void aConfirmationNotYetSentIsNeverSentAfterTheInterruptButTheRollbackIs() {
        PendingRollbacks.Entry entry = pending.add("web.system", sent -> "rolled back (confirmation sent: " + sent + ")")
                .orElseThrow();

        List<PendingRollbacks.Report> reports = pending.rollBackAll(WAIT);

        assertThat(entry.sendingConfirmation()).isFalse();
        assertThat(entry.interrupted()).isTrue();
        assertThat(reports).containsExactly(new PendingRollbacks.Report("web.system",
                "rolled back (confirmation sent: false)"));
    }

    @Test
    void aConfirmationAlreadySentStillGetsTheRollbackRequestAndItsReportComesFromTheAnswer() {
        PendingRollbacks.Entry entry = pending.add("web.system", sent -> sent ? "confirmed before the interrupt"
                : "rolled back").orElseThrow();
        assertThat(entry.sendingConfirmation()).isTrue();

        List<PendingRollbacks.Report> reports = pending.rollBackAll(WAIT);

        assertThat(reports).containsExactly(new PendingRollbacks.Report("web.system", "confirmed before the interrupt"));
    }

    @Test
    void afterTheInterruptNoDeploymentMayStartConfirming() {
        pending.rollBackAll(WAIT);

        assertThat(pending.add("web.system", sent -> "rolled back")).isEmpty();
    }

    @Test
    void aDeploymentThatGotItsAnswerIsNotRolledBack() {
        PendingRollbacks.Entry done = pending.add("web.system", sent -> "should not run").orElseThrow();
        pending.add("db.system", sent -> "rolled back").orElseThrow();
        pending.remove(done);

        assertThat(pending.rollBackAll(WAIT)).extracting(PendingRollbacks.Report::name).containsExactly("db.system");
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void rollbacksRunSideBySideOnTheDeployersOwnThreadsAndReportInRegistrationOrder() {
        CyclicBarrier together = new CyclicBarrier(3);
        Map<String, Thread> threads = new ConcurrentHashMap<>();
        for (String name : List.of("a.system", "b.system", "c.system")) {
            pending.add(name, sent -> {
                threads.put(name, Thread.currentThread());
                try {
                    // only returns if all three run at once
                    together.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    return "not side by side: " + e;
                }
                return name + " rolled back";
            });
        }

        List<PendingRollbacks.Report> reports = pending.rollBackAll(WAIT);

        assertThat(reports).extracting(PendingRollbacks.Report::message)
                .containsExactly("a.system rolled back", "b.system rolled back", "c.system rolled back");
        assertThat(threads.values()).allSatisfy(thread -> {
            assertThat(thread).isNotInstanceOf(ForkJoinWorkerThread.class);
            assertThat(thread.getName()).isEqualTo("nixdeploy-background");
        });
    }

    @Test
    void aHostThatDoesNotAnswerInTimeIsReportedAsSuchWhileTheOthersReportTheirAnswer() {
        CountDownLatch never = new CountDownLatch(1);
        pending.add("stuck.system", answersOnceOpened(never)).orElseThrow().sendingConfirmation();
        pending.add("web.system", sent -> "rolled back").orElseThrow();

        List<PendingRollbacks.Report> reports = pending.rollBackAll(Duration.ofSeconds(1));
        never.countDown();

        assertThat(reports).extracting(PendingRollbacks.Report::message).containsExactly(
                "no answer within 1 s; unless it accepted the confirmation already, the host rolls back by itself at "
                        + "its deadline",
                "rolled back");
    }

    @Test
    void aSecondInterruptStopsTheWaitAndReportsWhoHasNotAnswered() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        pending.add("stuck.system", answersOnceOpened(never));
        pending.add("web.system", sent -> "rolled back").orElseThrow();
        CompletableFuture<Void> again = new CompletableFuture<>();

        CompletableFuture<List<PendingRollbacks.Report>> reports = CompletableFuture.supplyAsync(
                () -> pending.rollBackAll(Duration.ofMinutes(5), again));
        Thread.sleep(200);
        assertThat(reports).as("still waiting for the stuck host").isNotDone();
        again.complete(null);

        assertThat(reports.get(5, TimeUnit.SECONDS)).extracting(PendingRollbacks.Report::message).containsExactly(
                "no answer yet; the host rolls back by itself at its deadline", "rolled back");
        never.countDown();
    }

    @Test
    void aHostWithoutMagicRollbackThatDidNotAnswerIsNotSaidToRollBackByItself() {
        pending.add("web.system", false, sent -> {
            throw new IllegalStateException("unreachable");
        });
        CountDownLatch never = new CountDownLatch(1);
        pending.add("db.system", false, answersOnceOpened(never));

        List<PendingRollbacks.Report> reports = pending.rollBackAll(Duration.ofSeconds(1));
        never.countDown();

        assertThat(reports).extracting(PendingRollbacks.Report::message)
                .containsExactly("asking the host to roll back failed: unreachable", "no answer within 1 s; magic "
                        + "rollback is off: unless the request got through, the new generation stays; check the host "
                        + "with deploy status");
    }

    /** A rollback whose host answers only once {@code latch} opens. */
    private static Function<Boolean, String> answersOnceOpened(CountDownLatch latch) {
        return sent -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        };
    }

    @Test
    void aRollbackThatFailsIsReportedWithItsCause() {
        pending.add("web.system", sent -> {
            throw new IllegalStateException("connection reset");
        });

        assertThat(pending.rollBackAll(WAIT)).extracting(PendingRollbacks.Report::message)
                .containsExactly("asking the host to roll back failed: connection reset");
    }
}
