package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.nix.Closure;
import org.junit.jupiter.api.Test;

class EarlyClosureTest {
    private static final String PROFILE = "/nix/store/p-web";
    private static final String JAR = "/nix/store/j-activator.jar";
    private static final String RUNTIME = "/nix/store/r-jre";

    private final Closures closures = new Closures(roots -> {
        if (roots.equals(List.of(RUNTIME))) {
            return closure("/nix/store/l-libc", RUNTIME);
        }
        if (roots.contains("/nix/store/broken")) {
            throw new DeployException(ExitCode.BUILD_FAILED, "cannot read the closure of " + roots);
        }
        return closure("/nix/store/l-libc", PROFILE, JAR);
    });

    @Test
    void theHostIsAskedAboutTheProfilesClosureAndGetsTheRuntimesOnlyIfItRunsOnIt() throws Exception {
        EarlyClosure early = new EarlyClosure(closures, List.of(PROFILE, JAR), Optional.of(RUNTIME));

        assertThat(early.profilePaths().join()).containsExactly("/nix/store/l-libc", PROFILE, JAR);
        assertThat(early.toCopy(false).paths()).containsExactly("/nix/store/l-libc", PROFILE, JAR);
        assertThat(early.toCopy(true).paths()).containsExactly("/nix/store/l-libc", PROFILE, JAR, RUNTIME);
    }

    @Test
    void aRuntimeThatCannotBeReadMattersOnlyToAHostThatNeedsIt() throws Exception {
        EarlyClosure early = new EarlyClosure(closures, List.of(PROFILE, JAR), Optional.of("/nix/store/broken"));

        assertThat(early.toCopy(false).paths()).containsExactly("/nix/store/l-libc", PROFILE, JAR);
        assertThatThrownBy(() -> early.toCopy(true)).isInstanceOf(DeployException.class)
                .hasMessageContaining("cannot read the closure");
    }

    @Test
    void aProfileThatCannotBeReadFailsTheCopyAndItsQuestion() {
        EarlyClosure early = new EarlyClosure(closures, List.of("/nix/store/broken", JAR), Optional.empty());

        assertThatThrownBy(() -> early.toCopy(false)).isInstanceOf(DeployException.class)
                .hasMessageContaining("cannot read the closure");
        assertThat(early.profilePaths()).isCompletedExceptionally();
    }

    private static Closure closure(String... paths) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String path : paths) {
            sizes.put(path, 1L);
        }
        return new Closure(sizes);
    }
}
