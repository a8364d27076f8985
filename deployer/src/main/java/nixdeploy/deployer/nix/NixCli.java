package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.Background;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;

/**
 * The local {@code nix} commands the deployer runs. Flakes and the new CLI are enabled on the
 * command line, as deploy-rs does, so a user's nix.conf need not enable them.
 */
public final class NixCli {
    static final List<String> FEATURES = List.of("--extra-experimental-features", "nix-command flakes");
    /**
     * The most bytes of arguments one command gets. The kernel refuses an exec whose arguments and
     * environment pass ARG_MAX (2 MiB on Linux, 256 KiB on older macOS); a closure of 30,000 paths
     * is more than that, so lists of store paths are split into runs of at most this size.
     */
    static final int ARG_BUDGET = 128 * 1024;

    /** What a finished Nix command printed. */
    public record Output(int exitCode, String stdout, String stderr) {
    }

    /** A started command, its stdout and stderr being read. */
    record Running(Process process, CompletableFuture<String> stdout, CompletableFuture<String> stderr) {
        Output await() throws InterruptedException {
            return new Output(process.waitFor(), stdout.join(), stderr.join());
        }
    }

    private NixCli() {}

    public static Output run(List<String> argv) throws DeployException {
        try {
            Optional<Output> early = EarlyCommands.take(argv);
            return early.isPresent() ? early.get() : start(argv).await();
        } catch (IOException e) {
            throw new DeployException(ExitCode.BAD_INPUT, cannotRun(argv.get(0), e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException(ExitCode.INTERRUPTED, "interrupted while running " + argv.get(0), e);
        }
    }

    /** Starts {@code argv} (with the experimental features a {@code nix} command needs), stdin empty. */
    static Running start(List<String> argv) throws IOException {
        Process process = new ProcessBuilder(withFeatures(argv)).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        return new Running(process, Background.supply(() -> read(process.getInputStream())),
                Background.supply(() -> read(process.getErrorStream())));
    }

    private static List<String> withFeatures(List<String> argv) {
        List<String> full = new ArrayList<>();
        full.add(argv.get(0));
        if (argv.get(0).equals("nix")) {
            full.addAll(FEATURES);
        }
        full.addAll(argv.subList(1, argv.size()));
        return full;
    }

    /**
     * Why {@code program} did not start. Only a missing executable (ENOENT, which Java reports as
     * "error=2") means Nix is not installed; anything else (too many arguments, no permission) is
     * shown as it is.
     */
    public static String cannotRun(String program, IOException e) {
        String why = String.valueOf(e.getMessage());
        // JDK 17 says "error=2, No such file or directory", JDK 21 "Exec failed, error: 2 (No such file ..."
        boolean missing = why.contains("error=2,") || why.contains("error: 2 ");
        return "cannot run " + program + (missing ? " (is Nix installed and on PATH?)" : "")
                + ": " + why;
    }

    /**
     * The commands that run {@code prefix} on every one of {@code paths}, in order: one command when
     * they fit in {@link #ARG_BUDGET}, else as many as needed; none for no paths. Nix's commands that
     * take store paths read none from stdin ({@code nix-store}), or only since 2.19
     * ({@code nix path-info --stdin}).
     */
    public static List<List<String>> batches(List<String> prefix, List<String> paths) {
        int prefixBytes = argvBytes(prefix);
        List<List<String>> batches = new ArrayList<>();
        List<String> batch = new ArrayList<>(prefix);
        int bytes = prefixBytes;
        for (String path : paths) {
            int size = argBytes(path);
            if (batch.size() > prefix.size() && bytes + size > ARG_BUDGET) {
                batches.add(batch);
                batch = new ArrayList<>(prefix);
                bytes = prefixBytes;
            }
            batch.add(path);
            bytes += size;
        }
        if (batch.size() > prefix.size()) {
            batches.add(batch);
        }
        return batches;
    }

    /** The bytes {@code argv} takes in an exec (see {@link #batches}), Nix's own options included. */
    static int argvBytes(List<String> argv) {
        return withFeatures(argv).stream().mapToInt(NixCli::argBytes).sum();
    }

    /** What exec copies of an argument: the string, its NUL, and a pointer to it. */
    private static int argBytes(String arg) {
        return arg.getBytes(StandardCharsets.UTF_8).length + 1 + Long.BYTES;
    }

    public static JsonElement json(Output output, String what) throws DeployException {
        try {
            return JsonParser.parseString(output.stdout());
        } catch (JsonSyntaxException e) {
            throw new DeployException(ExitCode.INTERNAL_ERROR, what + " printed something that is not JSON: "
                    + output.stdout().lines().findFirst().orElse(""), e);
        }
    }

    /** Nix's own error text without the noise of warnings and traces, for messages. */
    public static String errorText(String stderr) {
        List<String> lines = stderr.lines()
                .filter(l -> !l.startsWith("warning:") && !l.isBlank())
                .toList();
        String text = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        return text.isEmpty() ? "(Nix printed no error)" : text;
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
