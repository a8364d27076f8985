package nixdeploy.deployer.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Entry point of the {@code deploy} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        // deploy-rs passes everything after "--" to nix build; picocli must not see it.
        int split = Arrays.asList(args).indexOf("--");
        String[] own = split < 0 ? args : Arrays.copyOfRange(args, 0, split);
        List<String> extra = split < 0 ? List.of() : List.of(Arrays.copyOfRange(args, split + 1, args.length));
        DeployCommand command = new DeployCommand();
        command.extraBuildArgs = extra;
        CommandLine cli = new CommandLine(command)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, argv) -> {
                    e.getCommandLine().getErr().println("error: " + e.getMessage());
                    e.getCommandLine().getErr().println("Run 'deploy --help' for usage.");
                    return nixdeploy.deployer.ExitCode.BAD_INPUT.code;
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: unexpected failure: " + e);
                    if (command.debug) {
                        e.printStackTrace(cmd.getErr());
                    } else {
                        cmd.getErr().println("Run again with --debug-logs for details, and please report it.");
                    }
                    return nixdeploy.deployer.ExitCode.INTERNAL_ERROR.code;
                });
        cli.getCommandSpec().usageMessage().footer(DeployCommand.footer(cli.getCommandSpec().usageMessage().footer()));
        return cli.execute(own);
    }
}
