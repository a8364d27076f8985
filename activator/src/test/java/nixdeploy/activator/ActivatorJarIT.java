package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded activator jar as it ships: what is inside, how big it is, and that it starts on its own. */
class ActivatorJarIT {
    /** Libraries that belong to the deployer only; in the activator they would blow the size budget. */
    private static final List<String> FORBIDDEN = List.of("io/netty/", "org/apache/sshd/", "org/bouncycastle/", "picocli/");

    static Path jar;
    static List<String> entries;

    @BeforeAll
    static void openJar() throws IOException {
        jar = Path.of(System.getProperty("nixdeploy.activatorJar"));
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(JarEntry::getName).collect(Collectors.toList());
        }
    }

    @Test
    void mainClassIsTheActivator() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS))
                    .isEqualTo("nixdeploy.activator.Main");
        }
    }

    @Test
    void holdsTheActivatorTheProtocolAndGson() {
        assertThat(entries).contains("nixdeploy/activator/Main.class", "nixdeploy/protocol/Event.class",
                "com/google/gson/Gson.class");
    }

    @Test
    void holdsNoDeployerLibraries() {
        List<String> forbidden = entries.stream()
                .map(name -> name.replaceFirst("^META-INF/versions/[0-9]+/", ""))
                .filter(name -> FORBIDDEN.stream().anyMatch(name::startsWith))
                .collect(Collectors.toList());

        assertThat(forbidden).isEmpty();
    }

    @Test
    void holdsNoSignatureFiles() {
        assertThat(entries).noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    }

    @Test
    void staysWithinItsSizeBudget() throws IOException {
        long maxBytes = Long.parseLong(System.getProperty("nixdeploy.activatorMaxBytes"));

        assertThat(Files.size(jar)).isLessThan(maxBytes);
    }

    @Test
    void helpRunsInAFreshJvm() throws Exception {
        Run run = java("-jar", jar.toString(), "--help");

        assertThat(run.exitCode).as(run.stderr).isZero();
        assertThat(run.stderr).contains("usage: activator");
    }

    /** Each run is a new JVM; the times are printed for a person to read, never asserted (bench/ measures). */
    @Test
    void versionNamesTheProtocolInEveryNewJvm() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            Run run = java("-jar", jar.toString(), "--version");
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

            assertThat(run.exitCode).as(run.stderr).isZero();
            assertThat(run.stdout).contains("\"type\":\"HELLO\"");
            assertThat(run.stderr).contains("protocol");
        }
        Collections.sort(millis);
        System.out.printf("activator --version cold start over 5 runs: min %d ms, median %d ms, max %d ms %s%n",
                millis.get(0), millis.get(2), millis.get(4), millis);
    }

    /**
     * The training run of the hosts' class-data archive rehearses an activation in the folder it
     * is given, which it deletes, and touches no state of the user's; the archive it dumps then holds
     * the JDK classes activations and watchers use (process handles, local sockets, file channels).
     */
    @Test
    void loadClassesRehearsesInItsFolderAndItsArchiveHoldsWhatActivationsUse(@TempDir Path temp) throws Exception {
        Path home = Files.createDirectory(temp.resolve("home"));
        Path archive = temp.resolve("activator.jsa");
        Path folder = temp.resolve("rehearsal");

        Run training = java(Map.of("HOME", home.toString(), "XDG_STATE_HOME", home.resolve("state").toString()),
                "-Duser.home=" + home, "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-jar", jar.toString(), "load-classes", folder.toString());

        assertThat(training.exitCode).as(training.stderr).isZero();
        assertThat(training.stderr).contains("loaded").doesNotContain("rehearsal");
        assertThat(folder).doesNotExist();
        try (var left = Files.list(home)) {
            assertThat(left).isEmpty();
        }
        Run rehearsedAgain = java(Map.of(), "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info",
                "-jar", jar.toString(), "load-classes", folder.toString());
        assertThat(rehearsedAgain.stdout.lines().filter(l -> l.contains("source: shared objects file"))
                .map(l -> l.replaceFirst("^\\S+ (\\S+) .*$", "$1")))
                .contains("java.lang.ProcessHandleImpl", "sun.nio.ch.UnixDomainSockets", "sun.nio.ch.FileChannelImpl");
    }

    /**
     * No string concatenation through invokedynamic (javac's -XDstringConcat=inline): each shape
     * spins classes at run time that no class-data archive of JDK 17 keeps.
     */
    @Test
    void concatenatesStringsWithoutInvokedynamic() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> indy = new ArrayList<>();
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.getName().endsWith(".class") && new String(file.getInputStream(entry).readAllBytes(),
                        StandardCharsets.ISO_8859_1).contains("makeConcatWithConstants")) {
                    indy.add(entry.getName());
                }
            }
            assertThat(indy).isEmpty();
        }
    }

    private static Run java(String... args) throws IOException, InterruptedException {
        return java(Map.of(), args);
    }

    private static Run java(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("activator", ".stderr");
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            Process process = builder
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(err.toFile())
                    .start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("activator finished").isTrue();
            return new Run(process.exitValue(), stdout, Files.readString(err));
        } finally {
            Files.delete(err);
        }
    }

    private static final class Run {
        final int exitCode;
        final String stdout;
        final String stderr;

        Run(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }
}
