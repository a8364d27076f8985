package nixdeploy.deployer.steps;

import java.io.IOException;
import java.time.Duration;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.io.LineSink;

/** {@code remoteBuild}: builds the profile on the host from its copied derivation. */
final class RemoteBuildStep {
    /**
     * How long a build on the host may take: as long as it needs, as with deploy-rs (a slow board
     * builds for hours). A host that goes away is still noticed: the connection's keepalives close
     * it after two minutes without an answer (MinaConnector).
     */
    static final Duration TIMEOUT = null;

    private final Console console;

    RemoteBuildStep(Console console) {
        this.console = console;
    }

    void build(RemoteHost host, ProfilePlan plan, String derivation) throws IOException, DeployException {
        String who = plan.name();
        long start = System.nanoTime();
        console.info(who, "building " + derivation + " on " + host.describe());
        int status;
        try (LineSink lines = new LineSink(line -> console.output(who, line))) {
            status = host.exec(HostCommands.realise(derivation), null, lines, lines, TIMEOUT);
        }
        if (status != 0) {
            throw new DeployException(ExitCode.BUILD_FAILED, "building " + plan.name() + " on "
                    + host.describe() + " failed (exit " + status + "); see the build output above. Nothing was "
                    + "activated.");
        }
        console.info(who, "built on the host in " + Human.millisSince(start) + " ms");
    }
}
