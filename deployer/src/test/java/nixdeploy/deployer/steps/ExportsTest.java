package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import org.junit.jupiter.api.Test;

class ExportsTest {
    private static final List<String> NEW_PATHS = List.of("nix-store", "--export",
            "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-profile");

    @Test
    void hostsLackingTheSamePathsAtOnceShareOneExport() throws Exception {
        AtomicInteger exports = new AtomicInteger();
        CountDownLatch allAsking = new CountDownLatch(6);
        Exports shared = new Exports(argv -> {
            exports.incrementAndGet();
            try {
                allAsking.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return String.join(" ", argv).getBytes(StandardCharsets.UTF_8);
        });
        ExecutorService hosts = Executors.newFixedThreadPool(6);
        try {
            List<Future<byte[]>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(hosts.submit(() -> {
                    allAsking.countDown();
                    return shared.shared(new ArrayList<>(NEW_PATHS), 1000).orElseThrow();
                }));
            }
            for (Future<byte[]> answer : answers) {
                assertThat(new String(answer.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8))
                        .isEqualTo(String.join(" ", NEW_PATHS));
            }
        } finally {
            hosts.shutdownNow();
        }
        assertThat(exports).hasValue(1);
    }

    @Test
    void otherPathsOrAnotherOrderAreExportedOnTheirOwn() throws Exception {
        AtomicInteger exports = new AtomicInteger();
        Exports shared = countingExports(exports);
        List<String> two = List.of("nix-store", "--export", "/nix/store/a-x", "/nix/store/b-y");

        shared.shared(two, 10);
        shared.shared(List.of("nix-store", "--export", "/nix/store/b-y", "/nix/store/a-x"), 10);
        shared.shared(NEW_PATHS, 10);
        shared.shared(two, 10);

        assertThat(exports).hasValue(3);
    }

    @Test
    void onceTheRunsBudgetIsSpentExportsStreamButKeptOnesAreStillShared() throws Exception {
        AtomicInteger exports = new AtomicInteger();
        Exports shared = countingExports(exports);
        long half = Exports.BUDGET / 2;

        assertThat(shared.shared(NEW_PATHS, half)).isPresent();
        assertThat(shared.shared(List.of("nix-store", "--export", "/nix/store/c-z"), half)).isEmpty();
        assertThat(shared.shared(NEW_PATHS, half)).isPresent();
        assertThat(shared.shared(List.of("nix-store", "--export", "/nix/store/d-w"), Exports.BUDGET)).isEmpty();

        assertThat(exports).hasValue(1);
    }

    @Test
    void aStreamedExportThatFailsPartWayIsReportedAtItsEndAsLocal() throws Exception {
        Process export = new ProcessBuilder("sh", "-c", "printf part; exit 3").start();

        try (InputStream stream = Exports.streamed(export, NEW_PATHS)) {
            assertThatThrownBy(stream::readAllBytes).isInstanceOfSatisfying(Exports.Failed.class,
                    e -> assertThat(e.reason.exitCode()).isEqualTo(ExitCode.BUILD_FAILED))
                    .hasMessageContaining("exporting 1 path from the local store failed (nix-store --export exited 3");
        }
    }

    @Test
    void aStreamedExportThatSucceedsReadsToItsEnd() throws Exception {
        Process export = new ProcessBuilder("sh", "-c", "printf whole").start();

        try (InputStream stream = Exports.streamed(export, NEW_PATHS)) {
            assertThat(new String(stream.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("whole");
        }
    }

    private static Exports countingExports(AtomicInteger exports) {
        return new Exports(argv -> {
            exports.incrementAndGet();
            return String.join(" ", argv).getBytes(StandardCharsets.UTF_8);
        });
    }

    @Test
    void aFailedLocalExportSaysSoAndIsNotKept() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v nix-store").start().waitFor() == 0);
        AtomicInteger exports = new AtomicInteger();
        Exports shared = new Exports(argv -> {
            exports.incrementAndGet();
            return Exports.nixStore(argv);
        });

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> shared.shared(NEW_PATHS, 10)).isInstanceOfSatisfying(DeployException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BUILD_FAILED))
                    .hasMessageContaining("exporting 1 path from the local store failed (nix-store --export exited")
                    .hasMessageContaining("nothing was activated");
        }
        assertThat(exports).hasValue(2);
    }
}
