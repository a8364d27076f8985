package nixdeploy.deployer.cli;

import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.output.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** How every command prints: text or JSON lines, with or without debug logs and stack traces. */
@Command
final class OutputOptions {
    @Option(names = {"-d", "--debug-logs"}, order = 29, description = "Print debug logs and stack traces.")
    boolean debug;

    @Option(names = "--json", order = 36, description = "Print machine-readable events (JSON lines) instead of text.")
    boolean json;

    Console console() {
        return new Console(System.out, debug, json);
    }

    /** Ends a command on {@code e}: its message, its stack trace only with {@code --debug-logs}, its exit code. */
    int failed(Console console, DeployException e) {
        console.error(e.getMessage());
        if (debug) {
            e.printStackTrace(System.err);
        }
        return e.exitCode().code;
    }
}
