package nixdeploy.deployer.health;

import java.util.List;
import nixdeploy.deployer.remote.RemoteHost;
import nixdeploy.shell.ShellQuote;

/** A command run on the host over a new SSH connection; exit status 0 means healthy. */
record CommandCheck(List<String> command, Policy policy) implements HealthCheck {

    @Override
    public String name() {
        return "cmd " + String.join(" ", command);
    }

    @Override
    public Attempt attempt(CheckContext context) throws Exception {
        try (RemoteHost host = context.connect()) {
            RemoteHost.Result result = host.run(ShellQuote.command(command), null, policy.timeout().plusSeconds(1));
            String output = (result.stdout() + result.stderr()).trim();
            return new Attempt(result.ok(), "exit " + result.exitStatus(), HttpCheck.snippet(output));
        }
    }
}
