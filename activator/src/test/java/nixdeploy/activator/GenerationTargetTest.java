package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.activator.profile.Profile;
import nixdeploy.protocol.ActivatorExit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generations 1, 3 and 4 (2 deleted), the profile at 4, as Nix lays them out. */
class GenerationTargetTest {
    @TempDir
    Path tmp;

    Path profiles;
    Profile profile;

    @BeforeEach
    void fakeProfile() throws IOException {
        profiles = Files.createDirectory(tmp.resolve("profiles"));
        for (int n : new int[] {1, 3, 4}) {
            Path out = Files.createDirectories(tmp.resolve("store/hash" + n + "-gen" + n));
            Files.createSymbolicLink(profiles.resolve("p-" + n + "-link"), out);
        }
        Files.createSymbolicLink(profiles.resolve("p"), Path.of("p-4-link"));
        profile = new Profile(profiles.resolve("p"));
    }

    @Test
    void previousIsTheNewestOlderGenerationSkippingDeletedOnes() throws Exception {
        Files.delete(profiles.resolve("p"));
        Files.createSymbolicLink(profiles.resolve("p"), Path.of("p-3-link"));

        GenerationTarget target = GenerationTarget.resolve(profile, "previous");

        assertThat(target.generation()).isEqualTo(1L);
        assertThat(target.storePath()).endsWith("hash1-gen1");
    }

    @Test
    void previousOfTheNewestIsTheOneBeforeIt() throws Exception {
        assertThat(GenerationTarget.resolve(profile, "previous").generation()).isEqualTo(3L);
    }

    @Test
    void anExplicitGenerationIsTakenAsItIsEvenWhenNewerThanTheCurrentOne() throws Exception {
        Files.delete(profiles.resolve("p"));
        Files.createSymbolicLink(profiles.resolve("p"), Path.of("p-1-link"));

        assertThat(GenerationTarget.resolve(profile, "4").storePath()).endsWith("hash4-gen4");
    }

    @Test
    void aGenerationThatDoesNotExistIsRefusedNamingTheOnesThatDo() {
        assertThatThrownBy(() -> GenerationTarget.resolve(profile, "2"))
                .isInstanceOfSatisfying(ActivatorException.class,
                        e -> assertThat(e.exit()).isEqualTo(ActivatorExit.NO_SUCH_GENERATION))
                .hasMessageContaining("generation 2 of").hasMessageContaining("1, 3, 4")
                .hasMessageContaining("Nothing was changed");
    }

    @Test
    void theCurrentGenerationIsRefused() {
        assertThatThrownBy(() -> GenerationTarget.resolve(profile, "4"))
                .hasMessageContaining("already the current generation");
    }

    @Test
    void theOldestHasNoPrevious() throws IOException {
        Files.delete(profiles.resolve("p"));
        Files.createSymbolicLink(profiles.resolve("p"), Path.of("p-1-link"));

        assertThatThrownBy(() -> GenerationTarget.resolve(profile, "previous"))
                .hasMessageContaining("oldest generation");
    }

    @Test
    void aNumberThatIsNoNumberIsBadInput() {
        assertThatThrownBy(() -> GenerationTarget.resolve(profile, "-1; rm -rf /"))
                .isInstanceOfSatisfying(ActivatorException.class,
                        e -> assertThat(e.exit()).isEqualTo(ActivatorExit.BAD_INPUT));
    }
}
