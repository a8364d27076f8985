package nixdeploy.deployer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;

/** Runs the packaged {@code deploy} launcher as a user would, with a private HOME. */
final class DeployCli {
    static final Path DIST = Path.of(System.getProperty("nixdeploy.dist", "target/dist"));

    private final Path home;
    private final java.util.Map<String, String> env = new java.util.LinkedHashMap<>();

    DeployCli(Path home) {
        this.home = home;
        try {
            Files.createDirectories(home.resolve(".ssh"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The private HOME the deployer runs with (its ~/.ssh is empty unless a test writes to it). */
    Path home() {
        return home;
    }

    /** {@code --ssh-opts} that trust exactly {@code host}'s key and log in with the test key. */
    static String sshOpts(TestHost host) {
        return "-i " + host.clientKey() + " -o UserKnownHostsFile=" + host.knownHostsFile();
    }

    /** {@code deploy ARGS... --ssh-opts <the test key and host's known_hosts>} in {@code flake}. */
    Cmd.Result to(TestHost host, Path flake, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--ssh-opts", sshOpts(host)));
        return run(flake, all.toArray(String[]::new));
    }

    Cmd.Result run(Path workDir, String... args) {
        return runWithInput(null, workDir, args);
    }

    Cmd.Result runWithInput(String stdin, Path workDir, String... args) {
        Cmd.Result result = Cmd.run(argv(workDir, args), stdin, 600);
        System.out.println("$ deploy " + String.join(" ", args) + "\n" + result.stdout() + result.stderr()
                + "(exit " + result.exitCode() + ")");
        return result;
    }

    /** Sets an environment variable for the following runs (null removes it). */
    void env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
    }

    /** {@code deploy ARGS...} on a pseudo-terminal of 120 columns ({@code script}), as a person runs it. */
    Cmd.Result runInTerminal(Path workDir, String... args) {
        String command = "stty cols 120; exec " + argv(workDir, args).stream().map(nixdeploy.shell.ShellQuote::quote)
                .collect(java.util.stream.Collectors.joining(" "));
        Cmd.Result result = Cmd.run(List.of("script", "-qfec", command, "/dev/null"), null, 600);
        System.out.println("$ (terminal) deploy " + String.join(" ", args) + "\n" + result.stdout()
                + "(exit " + result.exitCode() + ")");
        return result;
    }

    /**
     * {@code deploy ARGS...} on a pseudo-terminal, with {@code typed} typed on it (the terminal keeps
     * it until the deployer reads it); stdin stays open until the deployer exits.
     */
    Cmd.Result runInTerminalTyping(String typed, Path workDir, String... args) {
        String command = "stty cols 120; exec " + argv(workDir, args).stream().map(nixdeploy.shell.ShellQuote::quote)
                .collect(java.util.stream.Collectors.joining(" "));
        try {
            Process process = new ProcessBuilder("script", "-qfec", command, "/dev/null").redirectErrorStream(true)
                    .start();
            java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return new String(process.getInputStream().readAllBytes(),
                                    java.nio.charset.StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
            process.getOutputStream().write(typed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            if (!process.waitFor(600, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process.getOutputStream().close();
            Cmd.Result result = new Cmd.Result(List.of("script", "-qfec", command, "/dev/null"), process.exitValue(),
                    output.join(), "");
            System.out.println("$ (terminal, typing " + typed.trim() + ") deploy " + String.join(" ", args) + "\n"
                    + result.stdout() + "(exit " + result.exitCode() + ")");
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code deploy} without waiting; its output goes to {@code log}. */
    Process start(Path workDir, Path log, String... args) throws IOException {
        return new ProcessBuilder(argv(workDir, args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private List<String> argv(Path workDir, String... args) {
        // exec all the way down, so the process we hold is the deployer's JVM itself
        List<String> argv = new ArrayList<>(List.of("env", "-u", "SSH_AUTH_SOCK", "HOME=" + home));
        env.forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(List.of("sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "deploy", workDir.toString(),
                DIST.resolve("bin/deploy").toString()));
        argv.addAll(List.of(args));
        return argv;
    }
}
