package nixdeploy.deployer.cli;

import java.util.Arrays;
import java.util.List;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.nix.EarlyCommands;
import nixdeploy.deployer.output.Console;
import nixdeploy.deployer.remote.mina.MinaConnector;
import picocli.CommandLine;

/** Entry point of the {@code deploy} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        // on the other core while the command line is read and Nix evaluates
        Background.supply(() -> {
            MinaConnector.prepare();
            return null;
        });
        // deploy-rs passes everything after "--" to nix build; picocli must not see it.
        int split = Arrays.asList(args).indexOf("--");
        String[] own = split < 0 ? args : Arrays.copyOfRange(args, 0, split);
        List<String> extra = split < 0 ? List.of() : List.of(Arrays.copyOfRange(args, split + 1, args.length));
        EarlyEvaluation.start(Arrays.asList(own), extra);
        DeployCommand command = new DeployCommand();
        command.extraBuildArgs = extra;
        // a command line that does not parse has set no option yet: --json is looked for by hand
        boolean json = Arrays.asList(own).contains("--json");
        CommandLine cli = new CommandLine(command)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, argv) -> {
                    e.getCommandLine().getErr().println("error: " + e.getMessage());
                    e.getCommandLine().getErr().println("Run 'deploy --help' for usage.");
                    if (json) {
                        jsonError(e.getMessage() + ". Run 'deploy --help' for usage.");
                    }
                    return nixdeploy.deployer.ExitCode.BAD_INPUT.code;
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (json) {
                        jsonError("unexpected failure: " + e + ". Run again with --debug-logs for details, and "
                                + "please report it.");
                    }
                    cmd.getErr().println("error: unexpected failure: " + e);
                    if (command.output.debug) {
                        e.printStackTrace(cmd.getErr());
                    } else {
                        cmd.getErr().println("Run again with --debug-logs for details, and please report it.");
                    }
                    return nixdeploy.deployer.ExitCode.INTERNAL_ERROR.code;
                });
        cli.getCommandSpec().usageMessage().footer(DeployCommand.footer(cli.getCommandSpec().usageMessage().footer()));
        try {
            return cli.execute(own);
        } finally {
            EarlyCommands.discard();
        }
    }

    /** With {@code --json}, stdout carries JSON lines only, even for an error picocli found. */
    private static void jsonError(String message) {
        new Console(System.out, false, true).error(message);
    }
}
