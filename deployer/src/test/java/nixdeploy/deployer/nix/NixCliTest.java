package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import nixdeploy.deployer.DeployException;
import org.junit.jupiter.api.Test;

/** Long lists of store paths never make a command line longer than the kernel takes. */
class NixCliTest {
    /** 40,000 paths of a realistic length: about 3 MB of arguments, more than Linux's ARG_MAX. */
    static final List<String> PATHS = IntStream.range(0, 40_000)
            .mapToObj(i -> String.format("/nix/store/%032d-python3.11-some-package-%d", i, i)).toList();

    @Test
    void aHugeListIsSplitIntoCommandsThatEachFitTheBudget() {
        List<String> prefix = List.of("nix", "path-info", "--json");
        List<List<String>> batches = NixCli.batches(prefix, PATHS);

        assertThat(batches).hasSizeGreaterThan(1);
        List<String> all = new ArrayList<>();
        for (List<String> argv : batches) {
            assertThat(argv).startsWith("nix", "path-info", "--json").hasSizeGreaterThan(prefix.size());
            assertThat(NixCli.argvBytes(argv)).isLessThanOrEqualTo(NixCli.ARG_BUDGET);
            all.addAll(argv.subList(prefix.size(), argv.size()));
        }
        assertThat(all).as("every path once, in order").isEqualTo(PATHS);
    }

    @Test
    void aShortListIsOneCommandAndNoPathsNone() {
        assertThat(NixCli.batches(List.of("nix-store", "--export"), PATHS.subList(0, 3)))
                .containsExactly(List.of("nix-store", "--export", PATHS.get(0), PATHS.get(1), PATHS.get(2)));
        assertThat(NixCli.batches(List.of("nix-store", "--export"), List.of())).isEmpty();
    }

    @Test
    void aProgramThatIsMissingIsBlamedOnTheInstallation() {
        assertThatThrownBy(() -> NixCli.run(List.of("/nonexistent/nix-store", "--version")))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("is Nix installed and on PATH?")
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void anArgumentListTooLongForTheKernelShowsTheRealError() {
        List<String> argv = new ArrayList<>(List.of("true"));
        argv.addAll(PATHS);
        assertThatThrownBy(() -> NixCli.run(argv))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Argument list too long")
                .hasMessageNotContaining("is Nix installed");
    }

    @Test
    void onlyEnoentMeansNotInstalled() {
        assertThat(NixCli.cannotRun("nix", new IOException("Cannot run program \"nix\": error=13, Permission denied")))
                .isEqualTo("cannot run nix: Cannot run program \"nix\": error=13, Permission denied");
    }
}
