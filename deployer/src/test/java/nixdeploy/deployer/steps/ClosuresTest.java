package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.nix.Closure;
import org.junit.jupiter.api.Test;

class ClosuresTest {
    private static final String PROFILE = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-profile";
    private static final String JAR = "/nix/store/0123456789abcdfghijklmnpqrsvwxy0-activator.jar";

    @Test
    void hostsDeployingTheSameRootsAtOnceShareOneRead() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch allAsking = new CountDownLatch(8);
        Closures closures = new Closures(roots -> {
            reads.incrementAndGet();
            await(allAsking);
            return closureOf(roots);
        });
        ExecutorService hosts = Executors.newFixedThreadPool(8);
        try {
            List<Future<Closure>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                List<String> roots = i % 2 == 0 ? List.of(PROFILE, JAR) : List.of(JAR, PROFILE);
                answers.add(hosts.submit(() -> {
                    allAsking.countDown();
                    return closures.of(roots);
                }));
            }
            for (Future<Closure> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS).paths()).containsExactly(JAR, PROFILE);
            }
        } finally {
            hosts.shutdownNow();
        }
        assertThat(reads).hasValue(1);
    }

    @Test
    void otherRootsAreReadOnTheirOwn() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Closures closures = countingReads(reads);

        closures.of(List.of(PROFILE, JAR));
        assertThat(closures.of(List.of(JAR)).paths()).containsExactly(JAR);
        closures.of(List.of(JAR, PROFILE));

        assertThat(reads).hasValue(2);
    }

    @Test
    void aFailedReadIsReportedAndTriedAgainByTheNextDeployment() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Closures closures = new Closures(roots -> {
            if (reads.incrementAndGet() == 1) {
                throw new DeployException(ExitCode.BUILD_FAILED, "cannot read the closure of " + roots);
            }
            return closureOf(roots);
        });

        assertThatThrownBy(() -> closures.of(List.of(PROFILE))).isInstanceOf(DeployException.class)
                .hasMessageContaining("cannot read the closure");
        assertThat(closures.of(List.of(PROFILE)).paths()).containsExactly(PROFILE);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aReadThatDiesOfAnErrorLeavesNothingForTheNextHostToWaitOnForever() {
        AtomicInteger reads = new AtomicInteger();
        Closures closures = new Closures(roots -> {
            if (reads.incrementAndGet() == 1) {
                throw new StackOverflowError("deep closure");
            }
            return closureOf(roots);
        });

        assertThatThrownBy(() -> closures.of(List.of(PROFILE))).hasRootCauseInstanceOf(StackOverflowError.class);
        Closure again = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> closures.of(List.of(PROFILE)));

        assertThat(again.paths()).containsExactly(PROFILE);
        assertThat(reads).hasValue(2);
    }

    @Test
    void keepsOnlyTheClosuresAskedForLast() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        Closures closures = countingReads(reads);

        for (int i = 0; i <= Closures.KEPT; i++) {
            closures.of(List.of(PROFILE + i));
        }
        closures.of(List.of(PROFILE + Closures.KEPT));
        assertThat(reads).hasValue(Closures.KEPT + 1);
        closures.of(List.of(PROFILE + 0));

        assertThat(reads).hasValue(Closures.KEPT + 2);
    }

    /** Closures whose every read counts in {@code reads}. */
    private static Closures countingReads(AtomicInteger reads) {
        return new Closures(roots -> {
            reads.incrementAndGet();
            return closureOf(roots);
        });
    }

    private static Closure closureOf(List<String> roots) {
        Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        roots.stream().sorted().forEach(root -> sizes.put(root, 100L));
        return new Closure(sizes);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
