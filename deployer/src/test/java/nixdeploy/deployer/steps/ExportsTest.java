package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
                    return shared.of(new ArrayList<>(NEW_PATHS));
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
    void onlyExportsSmallEnoughToKeepInMemoryAreShared() {
        assertThat(Exports.shared(Exports.SHARED_AT_MOST)).isTrue();
        assertThat(Exports.shared(Exports.SHARED_AT_MOST + 1)).isFalse();
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
            assertThatThrownBy(() -> shared.of(NEW_PATHS)).isInstanceOfSatisfying(DeployException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BUILD_FAILED))
                    .hasMessageContaining("exporting 1 paths from the local store failed (nix-store --export exited")
                    .hasMessageContaining("nothing was activated");
        }
        assertThat(exports).hasValue(2);
    }
}
