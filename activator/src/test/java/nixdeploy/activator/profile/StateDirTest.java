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
    void leavesTheModeOfAFolderItDidNotCreateAloneAndWorksInAPrivateFolderInside() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        StateDir state = StateDir.open(dir);

        assertThat(mode(dir)).isEqualTo("rwxr-xr-x");
        assertThat(state.path()).isEqualTo(dir.resolve("nixdeploy-" + System.getProperty("user.name")));
        assertThat(mode(state.path())).isEqualTo("rwx------");
    }

    @Test
    void keepsASharedStickyFolderAsItWas() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("tmp"));
        chmod(shared, "1777");

        StateDir first = StateDir.open(shared);
        StateDir again = StateDir.open(shared);

        assertThat(stat(shared)).isEqualTo("1777 " + System.getProperty("user.name"));
        assertThat(again.path()).isEqualTo(first.path()).startsWith(shared);
        assertThat(mode(first.path())).isEqualTo("rwx------");
    }

    @Test
    void refusesAPrivateFolderInsideThatOthersCanRead() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("tmp"));
        chmod(shared, "1777");
        Path own = Files.createDirectory(shared.resolve("nixdeploy-" + System.getProperty("user.name")));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> StateDir.open(shared))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("can be read or written by others");
        assertThat(mode(own)).isEqualTo("rwxrwxrwx");
    }

    @Test
    void refusesASymlinkPlantedInASharedFolder() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("tmp"));
        chmod(shared, "1777");
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(shared.resolve("nixdeploy-" + System.getProperty("user.name")), elsewhere);

        assertThatThrownBy(() -> StateDir.open(shared))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("symbolic link");
    }

    @Test
    void refusesAFolderInsideASharedOneThatSomeoneElseOwns() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a folder away");
        Path shared = Files.createDirectory(tmp.resolve("tmp"));
        chmod(shared, "1777");
        Path own = Files.createDirectory(shared.resolve("nixdeploy-root"));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(own, own.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        assertThatThrownBy(() -> StateDir.open(shared))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to nobody");
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
    void refusesAFolderSomeoneElseOwnsForTheyCouldSwapWhatItMakesInside() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a folder away");
        Path dir = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dir, nobody);

        assertThatThrownBy(() -> StateDir.open(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to nobody");
        assertThat(Files.getOwner(dir).getName()).isEqualTo("nobody");
        assertThat(dir.resolve("nixdeploy-root")).doesNotExist();
    }

    @Test
    void refusesAFolderOthersCanWriteThatIsNotSticky() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        chmod(shared, "777");

        assertThatThrownBy(() -> StateDir.open(shared))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not sticky");
        assertThat(stat(shared)).isEqualTo("777 " + System.getProperty("user.name"));
    }

    @Test
    void keyIsStableForTheSameProfile() {
        assertThat(StateDir.key(new Profile(Path.of("/nix/var/nix/profiles/system"))))
                .isEqualTo(StateDir.key(new Profile(Path.of("/nix/var/nix/profiles/../profiles/system"))));
    }

    @Test
    void keyIsTheOneEarlierReleasesGaveTheProfileSoTheirJournalsAreFound() {
        // the first 6 bytes of the path's SHA-256: printf %s /nix/var/nix/profiles/system | sha256sum
        assertThat(StateDir.key(new Profile(Path.of("/nix/var/nix/profiles/system"))))
                .isEqualTo("_nix_var_nix_profiles_system-09d39b080dfe");
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
    void theJournalLivesInTheStateFolderAndTheLockBesideTheProfile() throws IOException {
        StateDir state = StateDir.open(tmp.resolve("state"));
        Profile profile = new Profile(Path.of("/nix/var/nix/profiles/system"));

        assertThat(state.journal(profile).file().getParent()).isEqualTo(state.path());
        assertThat(profile.lockFile()).isEqualTo(Path.of("/nix/var/nix/profiles/system.nixdeploy-lock"));
    }

    private static void chmod(Path path, String octal) throws IOException {
        try {
            if (new ProcessBuilder("chmod", octal, path.toString()).start().waitFor() != 0) {
                throw new IOException("chmod " + octal + " " + path + " failed");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** Octal mode with the sticky bit, and owner, as stat prints them. */
    private static String stat(Path path) throws IOException {
        try {
            Process p = new ProcessBuilder("stat", "-c", "%a %U", path.toString()).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
