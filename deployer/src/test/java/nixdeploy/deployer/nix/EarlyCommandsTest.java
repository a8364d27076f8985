package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands started early, with the real Nix. */
class EarlyCommandsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void nixIsInstalled() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v nix").start().waitFor() == 0);
    }

    @Test
    void aCommandStartedEarlyAnswersTheSameCommandOnceAndAnotherRunsAsUsual() throws Exception {
        Path file = dir.resolve("value");
        List<String> argv = readStartedEarly(file);
        Files.writeString(file, "late");

        assertThat(NixCli.run(List.of("nix", "eval", "--raw", "--impure", "--expr", "builtins.readFile  " + file))
                .stdout()).as("another command").isEqualTo("late");
        assertThat(NixCli.run(argv).stdout()).as("the command started early").isEqualTo("early");
        assertThat(NixCli.run(argv).stdout()).as("asked again").isEqualTo("late");
    }

    @Test
    void anEarlyEvaluationNeverWritesALockFileAndTheRealOneThenDoes() throws Exception {
        Path input = Files.createDirectories(dir.resolve("input"));
        Files.writeString(input.resolve("flake.nix"), "{ outputs = { self }: { }; }");
        Path flake = Files.createDirectories(dir.resolve("flake"));
        Files.writeString(flake.resolve("flake.nix"), "{ inputs.dep.url = \"path:" + input
                + "\"; outputs = { self, dep }: { answer = 42; }; }");
        List<String> argv = List.of("nix", "eval", "--json", "path:" + flake + "#answer");

        EarlyCommands.start(argv);
        awaitNoNixReading(flake);
        assertThat(flake.resolve("flake.lock")).doesNotExist();

        NixCli.Output output = NixCli.run(argv);

        assertThat(output.stdout().trim()).isEqualTo("42");
        assertThat(flake.resolve("flake.lock")).as("written by the evaluation asked for").exists();
    }

    @Test
    void anEarlyCommandThatFailedIsRunAgainForReal() throws Exception {
        Path file = dir.resolve("not-yet");
        List<String> argv = List.of("nix", "eval", "--raw", "--impure", "--expr", "builtins.readFile " + file);
        EarlyCommands.start(argv);
        awaitNoNixReading(file);
        Files.writeString(file, "there now");

        assertThat(NixCli.run(argv).stdout()).isEqualTo("there now");
    }

    @Test
    void discardedCommandsAreStoppedAndNotUsed() throws Exception {
        Path file = dir.resolve("value");
        List<String> argv = readStartedEarly(file);
        EarlyCommands.discard();
        Files.writeString(file, "late");

        assertThat(NixCli.run(argv).stdout()).isEqualTo("late");
    }

    /** Writes "early" to {@code file} and has Nix read it in a command started early, which is done when this returns. */
    private static List<String> readStartedEarly(Path file) throws Exception {
        Files.writeString(file, "early");
        List<String> argv = List.of("nix", "eval", "--raw", "--impure", "--expr", "builtins.readFile " + file);
        EarlyCommands.start(argv);
        awaitNoNixReading(file);
        return argv;
    }

    /** Waits until no Nix process started by this JVM names {@code path} any more. */
    private static void awaitNoNixReading(Path path) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            boolean running = ProcessHandle.current().children().anyMatch(p -> p.isAlive() && p.info().arguments()
                    .map(args -> String.join(" ", args).contains(path.toString())).orElse(false));
            if (!running) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nix still runs on " + path);
    }
}
