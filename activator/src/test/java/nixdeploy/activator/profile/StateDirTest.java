package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {
    @TempDir
    Path tmp;

    @Test
    void createsAMissingFolderPrivateToItsUser() throws IOException {
        Path dir = tmp.resolve("var/nixdeploy");

        StateDir state = StateDir.open(dir);

        assertThat(state.path()).isEqualTo(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
    }

    @Test
    void tightensAFolderOthersCouldRead() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        StateDir.open(dir);

        assertThat(mode(dir)).isEqualTo("rwx------");
    }

    @Test
    void refusesARegularFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("state"), "");

        assertThatThrownBy(() -> StateDir.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void refusesASymlinkToAFolder() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("state"), real);

        assertThatThrownBy(() -> StateDir.open(link))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void refusesAFolderOwnedBySomeoneElse() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a folder away");
        Path dir = Files.createDirectory(tmp.resolve("state"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, nobody);

        assertThatThrownBy(() -> StateDir.open(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to nobody");
    }

    @Test
    void keyIsStableForTheSameProfile() {
        assertThat(StateDir.key(new Profile(Path.of("/nix/var/nix/profiles/system"))))
                .isEqualTo(StateDir.key(new Profile(Path.of("/nix/var/nix/profiles/../profiles/system"))));
    }

    @Test
    void keyDiffersForProfilesWhoseReadablePartsLookAlike() {
        String a = StateDir.key(new Profile(Path.of("/home/a_b/app")));
        String b = StateDir.key(new Profile(Path.of("/home/a/b/app")));

        assertThat(a).isNotEqualTo(b).startsWith("_home_a_b_app-");
        assertThat(b).startsWith("_home_a_b_app-");
    }

    @Test
    void keyIsAShortSafeFileName() {
        String key = StateDir.key(new Profile(Path.of("/home/" + "very long name ".repeat(20) + "/p$(id)")));

        assertThat(key).matches("[A-Za-z0-9._-]+").hasSizeLessThanOrEqualTo(80 + 1 + 12);
    }

    @Test
    void filesOfAProfileLiveInTheStateFolder() throws IOException {
        StateDir state = StateDir.open(tmp.resolve("state"));
        Profile profile = new Profile(Path.of("/nix/var/nix/profiles/system"));

        assertThat(state.journal(profile).file().getParent()).isEqualTo(state.path());
        assertThat(state.lockFile(profile).getParent()).isEqualTo(state.path());
        assertThat(state.journal(profile).file()).isNotEqualTo(state.lockFile(profile));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
