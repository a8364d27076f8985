package nixdeploy.deployer.steps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ProfilePlan;
import nixdeploy.deployer.nix.NixCli;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.shell.ShellQuote;

/**
 * {@code --checksigs}: Nix's serve protocol imports without checking signatures (as
 * {@code nix copy --to ssh://} does), so the host checks the copied paths afterwards, against its
 * own {@code trusted-public-keys}, before anything is activated. A path that fails stays in its
 * store, unused.
 */
final class SignatureCheckStep {
    private final Console console;

    SignatureCheckStep(Console console) {
        this.console = console;
    }

    void verify(RemoteHost host, ProfilePlan plan, List<String> copied) throws IOException, DeployException {
        List<String> paths = copied.stream().filter(p -> !p.endsWith(".drv")).toList();
        for (List<String> argv : NixCli.batches(HostCommands.VERIFY_SIGNATURES, paths)) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int status = host.exec(ShellQuote.command(argv), null, output, output, Duration.ofMinutes(10));
            if (status != 0) {
                throw new DeployException(ExitCode.HOST_UNSUPPORTED, "--checksigs: " + host.describe()
                        + " does not trust the signatures of the copied paths (nix store verify exit " + status + "):\n"
                        + NixCli.errorText(output.toString(StandardCharsets.UTF_8))
                        + "\nSign them with a key in the host's trusted-public-keys (LOCAL_KEY=<secret key file>), "
                        + "or deploy without --checksigs. The paths stay in its store, unused: nothing was activated.");
            }
        }
        console.info(plan.name(), "the host verified the signatures of " + paths.size() + " copied paths");
    }
}
