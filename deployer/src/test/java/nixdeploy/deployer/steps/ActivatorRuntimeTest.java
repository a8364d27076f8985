package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivatorRuntimeTest {

    @Test
    void aFolderOutsideTheStoreIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("nixdeploy-system"), "x86_64-linux\n");
        assertThatThrownBy(() -> ActivatorRuntime.at(dir))
                .isInstanceOfSatisfying(DeployException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageContaining("it is not a Nix store path")
                .hasMessageContaining("NIXDEPLOY_ACTIVATOR_RUNTIME");
    }

    @Test
    void aFolderWithoutItsSystemFileIsNotARuntime(@TempDir Path dir) {
        assertThatThrownBy(() -> ActivatorRuntime.at(dir))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("cannot read its nixdeploy-system");
    }

    @Test
    void noPropertyMeansNoRuntime() throws DeployException {
        String before = System.clearProperty(ActivatorRuntime.PROPERTY);
        try {
            assertThat(ActivatorRuntime.configured()).isEmpty();
        } finally {
            if (before != null) {
                System.setProperty(ActivatorRuntime.PROPERTY, before);
            }
        }
    }
}
