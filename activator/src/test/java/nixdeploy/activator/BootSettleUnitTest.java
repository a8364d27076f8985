package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import nixdeploy.activator.profile.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootSettleUnitTest {
    private static final Profile PROFILE = new Profile(Path.of("/nix/var/nix/profiles/per-user/root/web"));

    @TempDir
    Path tmp;

    @Test
    void isInstalledAndEnabledForBootThenRemovedWithoutATrace() throws IOException {
        Path runtime = Files.createDirectories(tmp.resolve("run/systemd/system"));
        Path units = Files.createDirectories(tmp.resolve("etc/systemd/system"));
        BootSettleUnit unit = new BootSettleUnit(runtime, units);

        unit.install(PROFILE, List.of("/nix/store/x-jre/bin/java", "status"), Map.of("PATH", "/usr/bin"));

        Path file = unit.unitFile(PROFILE);
        assertThat(file.getFileName().toString()).matches("nixdeploy-settle-[0-9a-f]{12}\\.service");
        assertThat(Files.readString(file)).contains("ExecStart=\"/nix/store/x-jre/bin/java\" \"status\"")
                .contains("WantedBy=multi-user.target").contains("Type=oneshot");
        assertThat(Files.readSymbolicLink(units.resolve("multi-user.target.wants").resolve(file.getFileName())))
                .isEqualTo(file);

        unit.remove(PROFILE);

        try (var left = Files.walk(units)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(Files.exists(units.resolve("multi-user.target.wants").resolve(file.getFileName()),
                java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void isPossibleOnlyForRootWhereSystemdRunsAndItsUnitFolderIsAFolderOfItsOwn() throws IOException {
        Path runtime = Files.createDirectories(tmp.resolve("run/systemd/system"));
        Path units = Files.createDirectories(tmp.resolve("etc/systemd/system"));
        Path storeUnits = Files.createDirectories(tmp.resolve("etc/static/systemd/system"));
        Path nixosUnits = Files.createSymbolicLink(tmp.resolve("etc/nixos-like"), storeUnits);

        assertThat(new BootSettleUnit(runtime, units).possible("root")).isTrue();
        assertThat(new BootSettleUnit(runtime, units).possible("alice")).isFalse();
        assertThat(new BootSettleUnit(tmp.resolve("absent"), units).possible("root")).isFalse();
        assertThat(new BootSettleUnit(runtime, nixosUnits).possible("root")).as("NixOS: /etc comes from the store")
                .isFalse();
    }

    @Test
    void everyWordIsTakenLiterallyBySystemd() {
        String text = BootSettleUnit.text(PROFILE, List.of("/a b/java", "--profile", "/p/100%$HOME\"x\\"),
                Map.of("PATH", "/bin:/usr/bin", "NIX_REMOTE", "daemon", "SECRET_TOKEN", "x"));

        assertThat(text).contains("ExecStart=\"/a b/java\" \"--profile\" \"/p/100%%$$HOME\\\"x\\\\\"")
                .contains("Environment=\"PATH=/bin:/usr/bin\"").contains("Environment=\"NIX_REMOTE=daemon\"")
                .doesNotContain("SECRET_TOKEN");
        assertThatThrownBy(() -> BootSettleUnit.quote("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }
}
