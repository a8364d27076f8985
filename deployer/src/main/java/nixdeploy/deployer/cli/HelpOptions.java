package nixdeploy.deployer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * picocli's standard {@code -h} and {@code -V}, declared here rather than with
 * {@code mixinStandardHelpOptions} so that they keep the end of the help: the shared options carry
 * an {@code order}, and picocli's own help options, which have none, would sort before them all.
 */
@Command
final class HelpOptions {
    @Option(names = {"-h", "--help"}, order = 100, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, order = 101, versionHelp = true,
            description = "Print version information and exit.")
    boolean version;
}
