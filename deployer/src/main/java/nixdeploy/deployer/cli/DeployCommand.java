package nixdeploy.deployer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.deployer.config.ConfigException;
import nixdeploy.deployer.config.ConfigParser;
import nixdeploy.deployer.config.FlakeRef;
import nixdeploy.deployer.config.Settings;
import nixdeploy.deployer.output.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deploy}: deploy-rs's command line, plus {@code --flake}. */
@Command(name = "deploy", subcommands = {StatusCommand.class, RollbackCommand.class}, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Deploy Nix profiles from a flake's deploy.nodes to hosts over SSH, confirming each over a",
            "new connection and rolling back by itself if it cannot (magic rollback).", ""},
        footer = {"", "Arguments after -- go to every nix command that evaluates or builds the flake (nix eval,",
            "nix build, nix flake check), e.g. deploy .#web -- --offline."})
public final class DeployCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
            description = "Flake reference to deploy: '.', '.#node' or '.#node.profile' (default '.').")
    String target;

    @Option(names = "--flake", order = 1, paramLabel = "TARGET", description = "The same as the TARGET argument.")
    String flake;

    @Option(names = "--targets", order = 2, arity = "1..*", paramLabel = "TARGET", description = "Several targets at once.")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-f", "--file"}, order = 3, paramLabel = "FILE",
            description = "Targets are node[.profile] names in this Nix file or folder (its default.nix) instead of "
                    + "flakes: its value (or its function's, called with no arguments) has deploy.nodes.")
    String file;

    @Option(names = "--on", order = 4, paramLabel = "SELECTORS",
            description = "Only nodes matching one of these comma-separated @tags or name globs (web-*, db?).")
    String on;

    @Option(names = "--parallel", order = 5, paramLabel = "N", description = "Deploy to at most N hosts at once (default 8).")
    Integer parallel;

    @Option(names = "--batch-size", order = 6, paramLabel = "N",
            description = "Deploy in rolling batches of N hosts; a failed batch stops the ones after it.")
    Integer batchSize;

    @Option(names = {"-s", "--skip-checks"}, order = 7, description = "Do not run the flake's checks before deploying.")
    boolean skipChecks;

    @Option(names = "--fast-connection", order = 12, paramLabel = "BOOL", arity = "1",
            description = "Copy everything from here instead of letting the host substitute first.")
    Boolean fastConnection;

    @Option(names = "--rollback-succeeded", order = 15, paramLabel = "BOOL", arity = "1",
            description = "Roll back profiles already confirmed in this run when a later one fails (default true).")
    Boolean rollbackSucceeded;

    @Option(names = "--dry-activate", order = 21, description = "Show what activation would do; change nothing.")
    boolean dryActivate;

    @Option(names = "--boot", order = 22, description = "Make the profile the boot default without switching to it now.")
    boolean boot;

    @Option(names = "--remote-build", order = 23, description = "Build the profiles on the hosts instead of here.")
    boolean remoteBuild;

    @Option(names = "--evaluate-only", order = 24,
            description = "Evaluate and print what would be deployed where, then stop: no build, no connection.")
    boolean evaluateOnly;

    @Option(names = "--dry-run", order = 25,
            description = "Build, then show per profile what it points at now, what it would point at, the closure "
                    + "difference and what would be copied; change nothing on the hosts.")
    boolean dryRun;

    @Option(names = "--cache", order = 26, paramLabel = "URL",
            description = "Push the closure to this Nix binary cache once (nix copy --to URL; ?secret-key=FILE or "
                    + "LOCAL_KEY signs), then let the hosts substitute from it; overrides the cache setting.")
    String cache;

    @Option(names = {"-c", "--checksigs"}, order = 27,
            description = "Have each host verify the signatures of the paths copied to it (against its "
                    + "trusted-public-keys) before activating.")
    boolean checkSigs;

    @Option(names = {"-i", "--interactive"}, order = 28,
            description = "Show what will be deployed where and ask before building or changing anything.")
    boolean interactive;

    @Option(names = "--log-dir", order = 30, paramLabel = "DIR",
            description = "Also write this run's log, and each profile's activation output on the host, to files in DIR.")
    String logDir;

    @Option(names = {"-k", "--keep-result"}, order = 31, description = "Keep the built profiles as GC roots (./.deploy-gc).")
    boolean keepResult;

    @Option(names = {"-r", "--result-path"}, order = 32, paramLabel = "DIR", description = "Where --keep-result puts the roots.")
    String resultPath;

    // the mixins' options stand among deploy's own in the order their "order" attributes give
    @Mixin
    SettingsOverrides overrides;

    @Mixin
    HealthCheckOptions healthChecks;

    @Mixin
    OutputOptions output;

    @Mixin
    HelpOptions help;

    List<String> extraBuildArgs = List.of();

    /** The help's footer: the annotation's, then every exit code from {@link ExitCode}, its one source. */
    static String[] footer(String[] before) {
        List<String> lines = new ArrayList<>(List.of(before));
        lines.add("");
        lines.add("Exit codes (when profiles end differently, the most urgent: "
                + String.join(", ", ExitCode.MOST_URGENT_FIRST.stream().map(e -> Integer.toString(e.code)).toList())
                + "):");
        for (ExitCode e : ExitCode.values()) {
            lines.add(String.format("%3d  %s", e.code, e.meaning));
        }
        lines.add("Docs: README.md.");
        return lines.toArray(String[]::new);
    }

    @Override
    public Integer call() throws Exception {
        Console console = output.console();
        if (System.console() != null && !"dumb".equals(System.getenv("TERM"))) {
            TerminalSize size = TerminalSize.get();
            console.live(size.rows(), size.columns());
        }
        nixdeploy.deployer.output.RunLog log = null;
        try {
            if (logDir != null) {
                try {
                    log = nixdeploy.deployer.output.RunLog.open(java.nio.file.Path.of(logDir));
                } catch (java.io.IOException | RuntimeException e) {
                    throw new DeployException(ExitCode.BAD_INPUT, "--log-dir: cannot write a log in " + logDir
                            + ": " + e.getMessage());
                }
                console.logTo(log);
                console.debug("", "logging to " + log.mainLog());
            }
            return new DeployRun(this, console).run().code;
        } catch (DeployException e) {
            console.endLive();
            return output.failed(console, e);
        } finally {
            console.endLive();
            if (log != null) {
                log.close();
            }
        }
    }

    List<FlakeRef> flakeRefs() throws ConfigException {
        List<String> all = new ArrayList<>(targets);
        if (target != null) {
            all.add(target);
        }
        if (flake != null) {
            all.add(flake);
        }
        if (all.isEmpty()) {
            all.add(".");
        }
        List<FlakeRef> refs = new ArrayList<>();
        for (String t : all) {
            try {
                refs.add(file == null ? FlakeRef.parse(t) : inFile(t));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        return refs;
    }

    /**
     * With {@code --file}, a target names a node or node.profile of the file, as deploy-rs's
     * {@code --file . --targets server}; {@code .} (the default) names every node.
     */
    private FlakeRef inFile(String target) {
        if (target.equals(".") || target.equals(file)) {
            return new FlakeRef(file, Optional.empty(), Optional.empty());
        }
        if (target.contains("#")) {
            throw new IllegalArgumentException("with --file, targets are node or node.profile names, not flake "
                    + "references: '" + target + "'");
        }
        FlakeRef parsed = FlakeRef.parse("#" + target);
        return new FlakeRef(file, parsed.node(), parsed.profile());
    }

    /** What a target's flake part names: a flake, or with {@code --file} a Nix file. */
    nixdeploy.deployer.nix.NixSource source(String location) {
        return file == null ? nixdeploy.deployer.nix.NixSource.flake(location)
                : nixdeploy.deployer.nix.NixSource.file(location);
    }

    Settings overrides() throws ConfigException {
        return overrides.settings(fastConnection, remoteBuild ? Boolean.TRUE : null)
                .withCache(ConfigParser.cacheUrl(cache, "--cache"));
    }

    /** --parallel and --batch-size, checked. */
    Fleet fleet() throws ConfigException {
        if (parallel != null && (parallel < 1 || parallel > 1000) || batchSize != null && batchSize < 1) {
            throw new ConfigException("--parallel takes 1 to 1000 hosts, --batch-size 1 or more hosts");
        }
        return new Fleet(parallel == null ? 8 : parallel, Optional.ofNullable(batchSize));
    }

    Optional<String> hostnameOverride() {
        return overrides.hostname();
    }
}
