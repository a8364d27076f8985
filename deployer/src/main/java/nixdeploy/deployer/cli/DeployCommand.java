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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deploy}: deploy-rs's command line, plus {@code --flake}. */
@Command(name = "deploy", mixinStandardHelpOptions = true, subcommands = {StatusCommand.class, RollbackCommand.class}, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Deploy Nix profiles from a flake's deploy.nodes to hosts over SSH, confirming each over a",
            "new connection and rolling back by itself if it cannot (magic rollback).", ""},
        footer = {"", "Arguments after -- go to every nix command that evaluates or builds the flake (nix eval,",
            "nix build, nix flake check), e.g. deploy .#web -- --offline."})
public final class DeployCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
            description = "Flake reference to deploy: '.', '.#node' or '.#node.profile' (default '.').")
    String target;

    @Option(names = "--flake", paramLabel = "TARGET", description = "The same as the TARGET argument.")
    String flake;

    @Option(names = "--targets", arity = "1..*", paramLabel = "TARGET", description = "Several targets at once.")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Targets are node[.profile] names in this Nix file or folder (its default.nix) instead of "
                    + "flakes: its value (or its function's, called with no arguments) has deploy.nodes.")
    String file;

    @Option(names = "--on", paramLabel = "SELECTORS",
            description = "Only nodes matching one of these comma-separated @tags or name globs (web-*, db?).")
    String on;

    @Option(names = "--parallel", paramLabel = "N", description = "Deploy to at most N hosts at once (default 8).")
    Integer parallel;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Deploy in rolling batches of N hosts; a failed batch stops the ones after it.")
    Integer batchSize;

    @Option(names = {"-s", "--skip-checks"}, description = "Do not run the flake's checks before deploying.")
    boolean skipChecks;

    @Option(names = "--ssh-user", paramLabel = "USER", description = "Override sshUser.")
    String sshUser;

    @Option(names = "--profile-user", paramLabel = "USER", description = "Override user (the profile's owner).")
    String profileUser;

    @Option(names = "--hostname", paramLabel = "HOST", description = "Override the node's hostname.")
    String hostname;

    @Option(names = "--ssh-opts", paramLabel = "OPTS", parameterConsumer = NextArgument.class,
            description = "Override sshOpts: one string, split like a shell would ('-p 2222 -o Key=Value').")
    String sshOpts;

    @Option(names = "--fast-connection", paramLabel = "BOOL", arity = "1",
            description = "Copy everything from here instead of letting the host substitute first.")
    Boolean fastConnection;

    @Option(names = "--auto-rollback", paramLabel = "BOOL", arity = "1",
            description = "Roll back when activation fails (default true).")
    Boolean autoRollback;

    @Option(names = "--magic-rollback", paramLabel = "BOOL", arity = "1",
            description = "Roll back unless confirmed over a new connection in time (default true).")
    Boolean magicRollback;

    @Option(names = "--rollback-succeeded", paramLabel = "BOOL", arity = "1",
            description = "Roll back profiles already confirmed in this run when a later one fails (default true).")
    Boolean rollbackSucceeded;

    @Option(names = "--interactive-sudo", paramLabel = "BOOL", arity = "1",
            description = "Ask for the sudo password once and feed it to sudo on the host.")
    Boolean interactiveSudo;

    @Option(names = "--sudo", paramLabel = "CMD", description = "Privilege command (default 'sudo -u').")
    String sudo;

    @Option(names = "--confirm-timeout", paramLabel = "SECONDS", description = "Seconds to confirm (default 30).")
    Integer confirmTimeout;

    @Option(names = "--activation-timeout", paramLabel = "SECONDS",
            description = "Seconds the activation may take (default 240).")
    Integer activationTimeout;

    @Option(names = "--temp-path", paramLabel = "DIR",
            description = "The activator's state directory on the host (default /nix/var/nixdeploy for root).")
    String tempPath;

    @Option(names = "--dry-activate", description = "Show what activation would do; change nothing.")
    boolean dryActivate;

    @Option(names = "--boot", description = "Make the profile the boot default without switching to it now.")
    boolean boot;

    @Option(names = "--remote-build", description = "Build the profiles on the hosts instead of here.")
    boolean remoteBuild;

    @Option(names = "--evaluate-only",
            description = "Evaluate and print what would be deployed where, then stop: no build, no connection.")
    boolean evaluateOnly;

    @Option(names = "--dry-run",
            description = "Build, then show per profile what it points at now, what it would point at, the closure "
                    + "difference and what would be copied; change nothing on the hosts.")
    boolean dryRun;

    @Option(names = "--cache", paramLabel = "URL",
            description = "Push the closure to this Nix binary cache once (nix copy --to URL; ?secret-key=FILE or "
                    + "LOCAL_KEY signs), then let the hosts substitute from it; overrides the cache setting.")
    String cache;

    @Option(names = {"-c", "--checksigs"},
            description = "Have each host verify the signatures of the paths copied to it (against its "
                    + "trusted-public-keys) before activating.")
    boolean checkSigs;

    @Option(names = {"-i", "--interactive"},
            description = "Show what will be deployed where and ask before building or changing anything.")
    boolean interactive;

    @Option(names = {"-d", "--debug-logs"}, description = "Print debug logs and stack traces.")
    boolean debug;

    @Option(names = "--log-dir", paramLabel = "DIR",
            description = "Also write this run's log, and each profile's activation output on the host, to files in DIR.")
    String logDir;

    @Option(names = {"-k", "--keep-result"}, description = "Keep the built profiles as GC roots (./.deploy-gc).")
    boolean keepResult;

    @Option(names = {"-r", "--result-path"}, paramLabel = "DIR", description = "Where --keep-result puts the roots.")
    String resultPath;

    @Option(names = "--check-http", paramLabel = "URL",
            description = "An extra health check: GET URL must answer 2xx/3xx before confirming (repeatable).")
    List<String> checkHttp = new ArrayList<>();

    @Option(names = "--check-cmd", paramLabel = "CMD",
            description = "An extra health check: CMD must exit 0 on the host before confirming (repeatable).")
    List<String> checkCmd = new ArrayList<>();

    @Option(names = "--skip-health-checks", description = "Do not run health checks; confirm at once.")
    boolean skipHealthChecks;

    @Option(names = "--json", description = "Print machine-readable events (JSON lines) instead of text.")
    boolean json;

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

    /**
     * Takes the next argument as the option's value whatever it looks like, as deploy-rs's
     * {@code allow_hyphen_values}: {@code --ssh-opts '-i key'} must not read as {@code -i}
     * ({@code --interactive}) or {@code --ssh-opts '-c cipher'} as {@code -c}.
     */
    static final class NextArgument implements picocli.CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(java.util.Stack<String> args, picocli.CommandLine.Model.ArgSpec spec,
                picocli.CommandLine.Model.CommandSpec command) {
            if (args.isEmpty()) {
                throw new picocli.CommandLine.MissingParameterException(command.commandLine(), spec,
                        "Missing required parameter for option '--ssh-opts' (OPTS)");
            }
            spec.setValue(args.pop());
        }
    }

    @Override
    public Integer call() throws Exception {
        Console console = new Console(System.out, debug, json);
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
            console.error(e.getMessage());
            if (debug) {
                e.printStackTrace(System.err);
            }
            return e.exitCode().code;
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
        if (confirmTimeout != null && (confirmTimeout < 1 || confirmTimeout > 86_400)
                || activationTimeout != null && (activationTimeout < 1 || activationTimeout > 86_400)) {
            throw new ConfigException("--confirm-timeout and --activation-timeout take seconds from 1 to 86400");
        }
        List<String> opts;
        try {
            opts = sshOpts == null ? null : ShellWords.split(sshOpts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--ssh-opts: " + e.getMessage());
        }
        return new Settings(sshUser, profileUser, opts, fastConnection, autoRollback, magicRollback, confirmTimeout,
                activationTimeout, tempPath, interactiveSudo, sudo, remoteBuild ? Boolean.TRUE : null, null, null, null,
                ConfigParser.cacheUrl(cache, "--cache"));
    }

    /** --parallel and --batch-size, checked. */
    Fleet fleet() throws ConfigException {
        if (parallel != null && (parallel < 1 || parallel > 1000) || batchSize != null && batchSize < 1) {
            throw new ConfigException("--parallel takes 1 to 1000 hosts, --batch-size 1 or more hosts");
        }
        return new Fleet(parallel == null ? 8 : parallel, Optional.ofNullable(batchSize));
    }

    Optional<String> hostnameOverride() {
        return Optional.ofNullable(hostname);
    }
}
