package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import nixdeploy.activator.profile.ActivationScript;
import nixdeploy.activator.profile.FakeClock;
import nixdeploy.activator.profile.Journal;
import nixdeploy.activator.profile.Profile;
import nixdeploy.activator.profile.StateDir;
import nixdeploy.activator.profile.Token;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a confirmation answers about the generation's confirmed step, the first time and when asked again. */
class ConfirmationTest {
    private static final String TOKEN = "c".repeat(64);

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    @Test
    void aFailedConfirmedStepIsReportedAgainWhenTheConfirmationIsRepeated() throws Exception {
        Invocation inv = awaiting("exit 3");

        Event first = Confirmation.confirm(inv, TOKEN, 10);
        Event second = Confirmation.confirm(inv, TOKEN, 10);

        assertThat(first.exitCode).isEqualTo(ActivatorExit.CONFIRMED_STEP_FAILED.code);
        assertThat(second.state).isEqualTo(DeploymentState.CONFIRMED);
        assertThat(second.exitCode).as(second.message).isEqualTo(ActivatorExit.CONFIRMED_STEP_FAILED.code);
        assertThat(second.message).contains("was already confirmed").contains("exited with status 3")
                .contains("by hand");
        Journal journal = inv.state.journal(inv.profile).read().orElseThrow();
        assertThat(journal.state).isEqualTo(DeploymentState.CONFIRMED);
        assertThat(journal.confirmedStepFailure).isEqualTo("exited with status 3");
    }

    @Test
    void aConfirmedStepThatRanWellIsOkWhenTheConfirmationIsRepeated() throws Exception {
        Invocation inv = awaiting("exit 0");

        Event first = Confirmation.confirm(inv, TOKEN, 10);
        Event second = Confirmation.confirm(inv, TOKEN, 10);

        assertThat(first.exitCode).isEqualTo(ActivatorExit.OK.code);
        assertThat(second.exitCode).as(second.message).isEqualTo(ActivatorExit.OK.code);
        assertThat(inv.state.journal(inv.profile).read().orElseThrow().confirmedStepFailure).isNull();
    }

    /** Generation 1 of a profile (a folder here, with a confirmed step running {@code step}), awaiting confirmation. */
    private Invocation awaiting(String step) throws IOException {
        Path root = Files.createDirectories(dir.resolve("generation"));
        Path confirmed = root.resolve(ActivationScript.CONFIRMED);
        Files.writeString(confirmed, "#!/bin/sh\n" + step + "\n");
        Files.setPosixFilePermissions(confirmed, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Profile profile = new Profile(profiles.resolve("p"));
        Files.createSymbolicLink(profile.generationLink(1), root);
        Files.createSymbolicLink(profile.path(), profile.generationLink(1).getFileName());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        Invocation inv = new Invocation(profile, StateDir.open(profiles.resolve("state")), new Output(quiet, quiet),
                clock);
        Journal journal = new Journal();
        journal.deploymentId = "0123456789abcdef";
        journal.profile = profile.toString();
        journal.closure = root.toString();
        journal.newGeneration = 1L;
        journal.createdGeneration = true;
        journal.generationsBefore = new ArrayList<>();
        journal.tokenHash = Token.hash(TOKEN);
        journal.openWindow(clock, 30);
        inv.state.journal(profile).write(journal);
        return inv;
    }
}
