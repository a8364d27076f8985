package nixdeploy.deployer.nix;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    /** What a finished Nix command printed. */
    public record Output(int exitCode, String stdout, String stderr) {
    }

    private NixCli() {}

    public static Output run(List<String> argv) throws DeployException {
        List<String> full = new ArrayList<>();
        full.add(argv.get(0));
        if (argv.get(0).equals("nix")) {
            full.addAll(FEATURES);
        }
        full.addAll(argv.subList(1, argv.size()));
        try {
            Process process = new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            CompletableFuture<String> err = Background.supply(() -> read(process.getErrorStream()));
            String out = read(process.getInputStream());
            return new Output(process.waitFor(), out, err.join());
        } catch (IOException e) {
            throw new DeployException(ExitCode.BAD_INPUT, "cannot run " + argv.get(0) + " (is Nix installed and on "
                    + "PATH?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException(ExitCode.INTERRUPTED, "interrupted while running " + argv.get(0), e);
        }
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
