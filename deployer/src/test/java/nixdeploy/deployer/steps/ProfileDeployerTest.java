package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.config.Settings;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;
import org.junit.jupiter.api.Test;

/** What {@link ProfileDeployer} decides without a host. */
class ProfileDeployerTest {
    static final String DRV = "/nix/store/00000000000000000000000000000000-system.drv";

    /** Records the commands run on it and the timeouts they were given. */
    static final class RecordingHost implements RemoteHost {
        final List<String> commands = new ArrayList<>();
        final List<Duration> timeouts = new ArrayList<>();

        @Override
        public int exec(String command, InputStream stdin, OutputStream stdout, OutputStream stderr,
                Duration timeout) {
            commands.add(command);
            timeouts.add(timeout);
            return 0;
        }

        @Override
        public RemoteProcess start(String command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Forward forward(String host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String exchangeWithSocket(String socketPath, String line, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public String user() {
            return "deploy";
        }

        @Override
        public String address() {
            return "board";
        }

        @Override
        public String describe() {
            return "deploy@board:22";
        }

        @Override
        public void close() {
        }
    }

    /**
     * {@code --remote-build} lets the host build as long as it needs, as deploy-rs does. Waiting with
     * no limit, while keepalives notice a host that is gone, is the SSH client's part (MinaRemoteHost).
     */
    @Test
    void theBuildOnTheHostHasNoTimeLimit() throws Exception {
        RecordingHost host = new RecordingHost();
        Console console = new Console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false, false);
        ProfileDeployer deployer = new ProfileDeployer(null, console, "/nix/store/x-activator.jar", Optional.empty(),
                new ProfileDeployer.Mode(false, false, false), null, () -> null, null);
        ProfilePlan plan = new ProfilePlan("board", "system", "board", List.of(), null, Optional.empty(),
                Settings.EMPTY, null, "");

        deployer.buildOnHost(host, plan, DRV);

        assertThat(host.commands).containsExactly(HostCommands.realise(DRV));
        assertThat(host.timeouts).containsExactly((Duration) null);
    }

    @Test
    void aFailureBeforeActivationSaysNothingChangedOnce() {
        assertThat(ProfileDeployer.nothingChanged("cannot read the store paths to send:\nerror: boom"))
                .isEqualTo("cannot read the store paths to send:\nerror: boom\nNothing was changed on the host.");
        assertThat(ProfileDeployer.nothingChanged("copying failed. Nothing was activated."))
                .isEqualTo("copying failed. Nothing was activated.");
    }
}
