package nixdeploy.activator.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import nixdeploy.io.HeadTailBuffer;
import nixdeploy.io.LineSink;

/**
 * Runs a host command, passes each line it prints to a consumer, and stops it at a time limit.
 * Memory stays bounded whatever the command prints: lines keep their two ends ({@link LineSink}).
 */
public final class CommandRunner {
    /** How a command ended. {@code exitCode} is -1 when it was stopped at its time limit. */
    public record Outcome(int exitCode, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    private CommandRunner() {}

    public static Outcome run(List<String> argv, Map<String, String> env, Path workDir, long timeoutSeconds,
            Consumer<String> lines) throws IOException {
        return run(argv, env, workDir, timeoutSeconds, lines, started -> { });
    }

    /** Like {@link #run}, telling {@code started} which process runs the command, as soon as it runs. */
    public static Outcome run(List<String> argv, Map<String, String> env, Path workDir, long timeoutSeconds,
            Consumer<String> lines, Consumer<ProcessHandle> started) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process process = builder.start();
        started.accept(process.toHandle());
        Thread pump = new Thread(() -> pump(process, lines), "output-" + argv.get(0));
        pump.setDaemon(true);
        pump.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                pump.join(1000);
                return new Outcome(-1, true);
            }
            pump.join(1000);
            return new Outcome(process.exitValue(), false);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv.get(0), e);
        }
    }

    /** Runs a short command and returns its output, or throws with that output if it fails. */
    public static String check(List<String> argv, long timeoutSeconds) throws IOException {
        HeadTailBuffer out = new HeadTailBuffer();
        Outcome outcome = run(argv, Map.of(), null, timeoutSeconds,
                line -> out.write((line + "\n").getBytes(StandardCharsets.UTF_8)));
        if (!outcome.ok()) {
            throw new IOException(String.join(" ", argv)
                    + (outcome.timedOut() ? " took longer than " + timeoutSeconds + " s" : " exited " + outcome.exitCode())
                    + (out.size() > 0 ? ": " + out.toString().trim() : ""));
        }
        return out.toString();
    }

    private static void pump(Process process, Consumer<String> lines) {
        try (LineSink sink = new LineSink(lines); var output = process.getInputStream()) {
            output.transferTo(sink);
        } catch (IOException e) {
            // the process ended or was killed; nothing more to read
        }
    }
}
