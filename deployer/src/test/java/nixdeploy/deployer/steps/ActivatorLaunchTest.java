package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import org.junit.jupiter.api.Test;

class ActivatorLaunchTest {
    private static final String JAR = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-activator.jar";
    private static final ActivatorRuntime RUNTIME =
            new ActivatorRuntime("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixdeploy-activator-runtime", "x86_64-linux");
    private static final HostJava NO_JAVA = HostJava.parse("system=Linux x86_64\n");

    @Test
    void aHostWithJava17OrNewerUsesItsOwnAndGetsNoRuntime() throws DeployException {
        ActivatorLaunch launch = ActivatorLaunch.choose(HostJava.parse("system=Linux x86_64\njava=/usr/bin/java\n"
                + "version=openjdk version \"21.0.5\""), JAR, Optional.of(RUNTIME), "web");
        assertThat(launch.java()).as("the path that was checked, whatever sudo's PATH").isEqualTo("/usr/bin/java");
        assertThat(launch.runtime()).isEmpty();
    }

    @Test
    void aHostWithoutJavaGetsOurRuntimeWhenItIsForItsSystem() throws DeployException {
        ActivatorLaunch launch = ActivatorLaunch.choose(NO_JAVA, JAR, Optional.of(RUNTIME), "web");
        assertThat(launch.java()).isEqualTo(RUNTIME.storePath() + "/bin/java");
        assertThat(launch.runtime()).contains(RUNTIME.storePath());
        assertThat(launch.jar()).isEqualTo(JAR);
    }

    @Test
    void anOldJavaCountsAsNone() throws DeployException {
        HostJava old = HostJava.parse("system=Linux x86_64\njava=/usr/bin/java\nversion=openjdk version \"11.0.2\"");
        ActivatorLaunch launch = ActivatorLaunch.choose(old, JAR, Optional.of(RUNTIME), "web");
        assertThat(launch.runtime()).contains(RUNTIME.storePath());
    }

    @Test
    void withoutARuntimeTheHostIsRefusedWithItsOwnExitCode() {
        assertThatThrownBy(() -> ActivatorLaunch.choose(NO_JAVA, JAR, Optional.empty(), "web.example.com"))
                .isInstanceOfSatisfying(DeployException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.HOST_UNSUPPORTED))
                .hasMessageContaining("web.example.com has no Java 17 or newer")
                .hasMessageContaining("no java on the PATH")
                .hasMessageContaining("carries no Java runtime")
                .hasMessageContaining("Nothing was changed");
    }

    @Test
    void aRuntimeForAnotherSystemIsNotSent() {
        HostJava mac = HostJava.parse("system=Darwin arm64");
        assertThatThrownBy(() -> ActivatorLaunch.choose(mac, JAR, Optional.of(RUNTIME), "mac"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("is for x86_64-linux hosts, and this host is aarch64-darwin");
    }

    @Test
    void aJavaPathFromTheSettingsIsUsedAsItIs() {
        ActivatorLaunch launch = ActivatorLaunch.with("/opt/jre/bin/java", JAR);
        assertThat(launch.java()).isEqualTo("/opt/jre/bin/java");
        assertThat(launch.runtime()).isEmpty();
    }
}
