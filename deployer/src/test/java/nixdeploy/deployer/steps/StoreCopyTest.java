package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nixdeploy.testhosts.LocalNix;
import org.junit.jupiter.api.Test;

/** Speaks the serve protocol with this machine's real {@code nix-store --serve --write}. */
class StoreCopyTest {
    static final String MISSING = "/nix/store/00000000000000000000000000000000-missing";

    static boolean nixStoreOnPath() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "nix-store")));
    }

    @Test
    void reportsOnlyThePathsTheStoreLacks() throws Exception {
        assumeTrue(nixStoreOnPath(), "nix-store is not on PATH");
        String present = LocalNix.build("derivation { name = \"nixdeploy-storecopy-test\"; "
                + "system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" \"echo hi > $out\" ]; }");

        Process serve = new ProcessBuilder("nix-store", "--serve", "--write")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            try (StoreCopy copy = new StoreCopy(serve.getOutputStream(), serve.getInputStream())) {
                assertThat(copy.missing(List.of(present, MISSING), false)).containsExactly(MISSING);
                // the same conversation answers a second question
                assertThat(copy.missing(List.of(present), false)).isEmpty();
                assertThat(copy.missing(List.of(), false)).isEmpty();
            }
            assertThat(serve.waitFor(10, TimeUnit.SECONDS)).as("nix-store --serve ends when its input closes")
                    .isTrue();
        } finally {
            serve.destroyForcibly();
        }
    }

    /** The deployment asks about the profile's closure early, and about the rest (a Java runtime) later. */
    @Test
    void questionsAskedAheadAreAnsweredTogetherInTheOrderAsked() throws Exception {
        assumeTrue(nixStoreOnPath(), "nix-store is not on PATH");
        String present = LocalNix.build("derivation { name = \"nixdeploy-storecopy-test\"; "
                + "system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" \"echo hi > $out\" ]; }");
        String alsoMissing = MISSING.replace("-missing", "-also-missing");

        Process serve = new ProcessBuilder("nix-store", "--serve", "--write")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (StoreCopy copy = new StoreCopy(serve.getOutputStream(), serve.getInputStream())) {
            copy.ask(List.of(MISSING, present), false);
            copy.ask(List.of(present, alsoMissing), false);

            assertThat(copy.missing()).containsExactly(MISSING, alsoMissing);
            assertThat(copy.missing()).as("every answer was read").isEmpty();
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void noCommandGoesBeforeTheAnswersToTheQuestionsAhead() throws Exception {
        StoreCopy copy = new StoreCopy(new ByteArrayOutputStream(), new ByteArrayInputStream(new byte[0]));
        copy.ask(List.of(MISSING), false);

        assertThatThrownBy(() -> copy.importExport(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("were not read");
    }

    /** A closure too long for one command line goes over as several exports, in one conversation. */
    @Test
    void importsSeveralExportsInOneConversation() throws Exception {
        assumeTrue(nixStoreOnPath(), "nix-store is not on PATH");
        String dependency = "derivation { name = \"nixdeploy-storecopy-dep\"; system = builtins.currentSystem; "
                + "builder = \"/bin/sh\"; args = [ \"-c\" \"echo dep > $out\" ]; }";
        String dep = LocalNix.build(dependency);
        String top = LocalNix.build("let dep = " + dependency + "; in derivation { name = \"nixdeploy-storecopy-top\"; "
                + "system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" \"echo ${dep} > $out\" ]; }");

        Process serve = new ProcessBuilder("nix-store", "--serve", "--write")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (StoreCopy copy = new StoreCopy(serve.getOutputStream(), serve.getInputStream())) {
            for (String path : List.of(dep, top)) {
                Process export = new ProcessBuilder("nix-store", "--export", path)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                try (var stream = export.getInputStream()) {
                    assertThat(copy.importExport(stream)).isPositive();
                }
            }
            assertThat(copy.missing(List.of(dep, top), false)).isEmpty();
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void refusesAPeerThatDoesNotSpeakTheServeProtocol() {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        byte[] answer = longs(0x12345678L, 0x205L);

        assertThatThrownBy(() -> new StoreCopy(sent, new ByteArrayInputStream(answer)).missing(List.of("/nix/store/x"), false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown protocol (magic 12345678)");
        // the client spoke first: its magic and version, then (without waiting for the answer) its query
        assertThat(java.util.Arrays.copyOf(sent.toByteArray(), 16)).isEqualTo(longs(0x390c9debL, 0x205L));
    }

    @Test
    void refusesAnotherMajorProtocolVersion() {
        byte[] answer = longs(0x5452eecbL, 0x301L);

        assertThatThrownBy(() -> new StoreCopy(new ByteArrayOutputStream(), new ByteArrayInputStream(answer))
                .missing(List.of("/nix/store/x"), false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("serve protocol 301, expected 2.x");
    }

    @Test
    void aPeerThatHangsUpEndsTheConversation() {
        assertThatThrownBy(() -> new StoreCopy(new ByteArrayOutputStream(), new ByteArrayInputStream(new byte[3]))
                .missing(List.of("/nix/store/x"), false))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("ended the conversation");
    }

    static byte[] longs(long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buffer.putLong(v);
        }
        return buffer.array();
    }
}
