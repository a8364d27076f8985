package nixdeploy.deployer.nix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nix commands started before the code that runs them asks: the first evaluation starts while the
 * JVM still reads the command line. {@link NixCli#run} takes the output of one started with the
 * same argv, if it succeeded; anything else asked runs as usual. A command started early never
 * writes a flake's lock file: one that would have (it says so) is thrown away, and run for real.
 */
public final class EarlyCommands {
    private static final Map<List<String>, NixCli.Running> STARTED = new ConcurrentHashMap<>();

    private EarlyCommands() {}

    /** Starts {@code argv} ({@code nix} and its subcommand first) now, for a later run of the same argv. */
    public static void start(List<String> argv) {
        if (STARTED.isEmpty()) {
            // a SIGTERM to the deployer alone skips its finally blocks; this hook still stops them
            Runtime.getRuntime().addShutdownHook(new Thread(EarlyCommands::discard, "early-commands"));
        }
        List<String> early = new ArrayList<>(argv);
        early.add(2, "--no-write-lock-file");
        try {
            STARTED.put(List.copyOf(argv), NixCli.start(early));
        } catch (IOException e) {
            // run again when asked, which reports what is wrong
        }
    }

    /** The output of {@code argv} if it was started early and is usable. */
    static Optional<NixCli.Output> take(List<String> argv) throws InterruptedException {
        NixCli.Running started = STARTED.remove(argv);
        if (started == null) {
            return Optional.empty();
        }
        NixCli.Output output;
        try {
            output = started.await();
        } catch (InterruptedException e) {
            started.process().destroy();
            throw e;
        }
        // a failure is run again for real: its error is then the real command's own
        return output.exitCode() != 0 || output.stderr().contains("lock file") ? Optional.empty() : Optional.of(output);
    }

    /** Stops the commands nobody asked for (the command line turned out to need something else). */
    public static void discard() {
        STARTED.values().forEach(s -> s.process().destroy());
        STARTED.clear();
    }
}
