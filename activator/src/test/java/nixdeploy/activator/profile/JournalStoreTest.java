package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import nixdeploy.protocol.DeploymentState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStoreTest {
    @TempDir
    Path dir;

    @Test
    void readsNothingBeforeTheFirstWrite() throws IOException {
        assertThat(new JournalStore(dir.resolve("p.journal.json")).read()).isEmpty();
    }

    @Test
    void readsBackWhatWasWritten() throws IOException {
        JournalStore store = new JournalStore(dir.resolve("p.journal.json"));
        Journal journal = sample();
        long before = System.currentTimeMillis();

        store.write(journal);

        assertThat(journal.updatedAt).isGreaterThanOrEqualTo(before);
        assertThat(store.read()).get().usingRecursiveComparison().isEqualTo(journal);
    }

    @Test
    void aJournalFromBeforeTheConfirmedStepFieldsReadsAsNoFailure() throws IOException {
        Path file = dir.resolve("p.journal.json");
        Files.writeString(file, "{\"state\": \"CONFIRMED\", \"newGeneration\": 2, \"confirmedStepRan\": true}");

        Journal journal = new JournalStore(file).read().orElseThrow();

        assertThat(journal.state).isEqualTo(DeploymentState.CONFIRMED);
        assertThat(journal.confirmedStepFailure).isNull();
        assertThat(journal.bareNixosTest).isFalse();
    }

    @Test
    void aLaterWriteReplacesTheJournal() throws IOException {
        JournalStore store = new JournalStore(dir.resolve("p.journal.json"));
        Journal journal = sample();
        store.write(journal);

        journal.state = DeploymentState.CONFIRMED;
        journal.reason = "confirmed";
        store.write(journal);

        assertThat(store.read()).get().satisfies(j -> {
            assertThat(j.state).isEqualTo(DeploymentState.CONFIRMED);
            assertThat(j.reason).isEqualTo("confirmed");
        });
    }

    @Test
    void journalIsPrivateAndNoTempFileIsLeft() throws IOException {
        Path file = dir.resolve("p.journal.json");
        Files.writeString(file.resolveSibling("p.journal.json.tmp"), "left by a crash");

        new JournalStore(file).write(sample());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void invalidJsonIsAnErrorNamingTheFile() throws IOException {
        Path file = dir.resolve("p.journal.json");
        Files.writeString(file, "{\"state\": \"AWAITING\", oops");

        assertThatThrownBy(() -> new JournalStore(file).read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void journalWithoutStateIsAnErrorNamingTheFile() throws IOException {
        Path file = dir.resolve("p.journal.json");
        Files.writeString(file, "{}");

        assertThatThrownBy(() -> new JournalStore(file).read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("no state");
    }

    private static Journal sample() {
        Journal journal = new Journal();
        journal.deploymentId = "0123456789abcdef";
        journal.profile = "/nix/var/nix/profiles/system";
        journal.closure = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-system";
        journal.previousGeneration = 4L;
        journal.previousTarget = "/nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-system";
        journal.newGeneration = 5L;
        journal.createdGeneration = true;
        journal.magicRollback = true;
        journal.autoRollback = true;
        journal.state = DeploymentState.AWAITING;
        journal.deadline = 1_767_225_630_000L;
        journal.tokenHash = Token.hash("test-token-0123456789");
        journal.watcherPid = 4242L;
        journal.startedAt = 1_767_225_600_000L;
        journal.reason = "quotes \" <and> 'html' & ünïcode";
        return journal;
    }
}
