package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bare NixOS generation (switch-to-configuration, no deploy-rs-activate) activated as NixOS profiles are. */
class ActivationScriptTest {
    @TempDir
    Path tmp;

    Path root;
    Path log;

    @BeforeEach
    void bareNixos() throws IOException {
        root = Files.createDirectories(tmp.resolve("system"));
        log = tmp.resolve("log");
        executable(root.resolve("bin/switch-to-configuration"), "echo \"$1\" >> " + log);
    }

    @Test
    void withMagicRollbackItRunsForTestAndBecomesTheBootDefaultInTheConfirmedStep() throws IOException {
        assertThat(ActivationScript.runOrSwitchNixos(root, ActivationMode.SWITCH, true, 10, l -> { }, p -> { }))
                .hasValueSatisfying(o -> assertThat(o.ok()).isTrue());
        assertThat(ActivationScript.hasConfirmedStep(root, true)).isTrue();
        assertThat(ActivationScript.runConfirmed(root, true, 10, l -> { })).isPresent();

        assertThat(Files.readString(log)).isEqualTo("test\nboot\n");
    }

    @Test
    void withoutItItSwitchesAtOnceAndHasNoConfirmedStep() throws IOException {
        ActivationScript.runOrSwitchNixos(root, ActivationMode.SWITCH, false, 10, l -> { }, p -> { });

        assertThat(Files.readString(log)).isEqualTo("switch\n");
        assertThat(ActivationScript.hasConfirmedStep(root, false)).isFalse();
    }

    @Test
    void aGenerationWithItsOwnActivationScriptRunsThatInstead() throws IOException {
        executable(root.resolve(ActivationScript.ACTIVATE), "echo own >> " + log);

        ActivationScript.runOrSwitchNixos(root, ActivationMode.SWITCH, true, 10, l -> { }, p -> { });

        assertThat(Files.readString(log)).isEqualTo("own\n");
        assertThat(ActivationScript.hasConfirmedStep(root, true)).isFalse();
    }

    private static void executable(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
