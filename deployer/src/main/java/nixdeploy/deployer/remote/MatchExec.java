package nixdeploy.deployer.remote;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs {@code Match exec} commands with the user's shell, as OpenSSH does, and remembers each
 * command's result (by its line and its text after token expansion): OpenSSH runs it once per
 * {@code ssh}, and one deploy opens many connections to a host, so it runs once per host per run.
 */
final class MatchExec {
    private final Map<String, Boolean> results = new ConcurrentHashMap<>();

    /** Whether {@code command} (tokens expanded) exits 0; {@code source} names its line. */
    boolean succeeds(String source, String command) {
        String key = source + "\n" + command;
        Boolean known = results.get(key);
        if (known != null) {
            return known;
        }
        boolean result = run(source, command);
        results.putIfAbsent(key, result);
        return result;
    }

    private static boolean run(String source, String command) {
        String shell = System.getenv().getOrDefault("SHELL", "/bin/sh");
        try {
            Process process = new ProcessBuilder(shell, "-c", command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return process.waitFor() == 0;
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot run Match exec \"" + command + "\": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running Match exec at " + source, e);
        }
    }
}
