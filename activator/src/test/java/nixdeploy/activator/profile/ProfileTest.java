package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile laid out as Nix lays it out: {@code p -> p-3-link -> <store dir>}, relative first hop. */
class ProfileTest {
    @TempDir
    Path tmp;

    Path profiles;
    Path gen1;
    Path gen3;
    Profile profile;

    @BeforeEach
    void fakeProfile() throws IOException {
        profiles = Files.createDirectory(tmp.resolve("profiles"));
        gen1 = Files.createDirectories(tmp.resolve("store/aaaa-gen1"));
        gen3 = Files.createDirectories(tmp.resolve("store/cccc-gen3"));
        Files.createSymbolicLink(profiles.resolve("p-1-link"), gen1);
        Files.createSymbolicLink(profiles.resolve("p-3-link"), gen3);
        Files.createSymbolicLink(profiles.resolve("p"), Path.of("p-3-link"));
        profile = new Profile(profiles.resolve("p"));
    }

    @Test
    void currentGenerationIsTheOneTheProfilePointsAt() throws IOException {
        assertThat(profile.currentGeneration()).contains(3L);
    }

    @Test
    void generationsListsOnlyThisProfilesGenerationLinks() throws IOException {
        Files.writeString(profiles.resolve("p-2-link"), "a file, not a link");
        Files.createSymbolicLink(profiles.resolve("other-5-link"), gen1);
        Files.createSymbolicLink(profiles.resolve("p-x-link"), gen1);
        Files.createSymbolicLink(profiles.resolve("pp-4-link"), gen1);

        assertThat(profile.generations()).containsExactly(1L, 3L);
    }

    @Test
    void generationTargetIsWhereTheGenerationLinkPoints() throws IOException {
        assertThat(profile.generationLink(1)).isEqualTo(profiles.resolve("p-1-link"));
        assertThat(profile.generationTarget(1)).contains(gen1.toString());
        assertThat(profile.generationTarget(3)).contains(gen3.toString());
        assertThat(profile.generationTarget(2)).isEmpty();
    }

    @Test
    void isAtNewestWhenTheProfileLinksAsNixDoesToItsNewestGenerationAndThatPointsAtThePath() throws IOException {
        assertThat(profile.isAtNewest(gen3.toString())).isTrue();
        assertThat(profile.isAtNewest(gen1.toString())).isFalse();
    }

    @Test
    void isNotAtNewestWhenNixWouldMakeOrSwitchToAnotherGeneration() throws IOException {
        Files.createSymbolicLink(profiles.resolve("p-4-link"), gen3);

        assertThat(profile.isAtNewest(gen3.toString())).as("generation 4 is newer: nix-env switches to it")
                .isFalse();
    }

    @Test
    void isNotAtNewestWhenTheProfileIsAtAnOlderGeneration() throws IOException {
        relink(Path.of("p-1-link"));

        assertThat(profile.isAtNewest(gen1.toString())).as("nix-env --set makes generation 4").isFalse();
        assertThat(profile.isAtNewest(gen3.toString())).as("nix-env --set switches to generation 3").isFalse();
    }

    @Test
    void isNotAtNewestWhenTheProfileLinksOtherwiseThanNixWould() throws IOException {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(elsewhere.resolve("p-3-link"), gen1);
        relink(elsewhere.resolve("p-3-link"));
        assertThat(profile.isAtNewest(gen3.toString())).as("resolves to generation 1's path").isFalse();

        relink(profiles.resolve("p-3-link"));
        assertThat(profile.isAtNewest(gen3.toString())).as("absolute: nix-env rewrites it").isFalse();
    }

    @Test
    void isNotAtNewestWhenNixCountsAnotherEntryAsAGenerationAtOrAboveIt() throws IOException {
        Files.writeString(profiles.resolve("p-3-link.bak"), "not a link, but Nix counts it");

        assertThat(profile.isAtNewest(gen3.toString())).isFalse();
        assertThat(new Profile(profiles.resolve("none")).isAtNewest(gen3.toString())).isFalse();
    }

    private void relink(Path target) throws IOException {
        Files.delete(profiles.resolve("p"));
        Files.createSymbolicLink(profiles.resolve("p"), target);
    }

    @Test
    void findsAnExecutableActivationScriptInTheCurrentGeneration() throws IOException {
        Path script = script(gen3, "rwxr-xr-x");

        assertThat(profile.activationScript()).contains(profile.path().resolve("deploy-rs-activate"));
        assertThat(profile.activationScript().get().toRealPath()).isEqualTo(script.toRealPath());
    }

    @Test
    void ignoresAnActivationScriptOfAnotherGeneration() throws IOException {
        script(gen1, "rwxr-xr-x");

        assertThat(profile.activationScript()).isEmpty();
    }

    @Test
    void ignoresAScriptThatIsNotExecutable() throws IOException {
        script(gen3, "rw-r--r--");

        assertThat(profile.activationScript()).isEmpty();
    }

    @Test
    void ignoresAFolderNamedLikeTheScript() throws IOException {
        Files.createDirectory(gen3.resolve("deploy-rs-activate"));

        assertThat(profile.activationScript()).isEmpty();
    }

    @Test
    void missingProfileHasNoGenerations() throws IOException {
        Profile missing = new Profile(profiles.resolve("new"));

        assertThat(missing.exists()).isFalse();
        assertThat(missing.currentGeneration()).isEmpty();
        assertThat(missing.generations()).isEmpty();
        assertThat(missing.activationScript()).isEmpty();
    }

    @Test
    void profileInAMissingFolderHasNoGenerations() throws IOException {
        assertThat(new Profile(tmp.resolve("nowhere/p")).generations()).isEmpty();
    }

    @Test
    void profileThatIsNotAGenerationLinkHasNoCurrentGeneration() throws IOException {
        Files.createSymbolicLink(profiles.resolve("direct"), gen1);
        Files.createDirectory(profiles.resolve("plain-dir"));

        assertThat(new Profile(profiles.resolve("direct")).currentGeneration()).isEmpty();
        assertThat(new Profile(profiles.resolve("plain-dir")).currentGeneration()).isEmpty();
    }

    @Test
    void pathIsAbsoluteAndNormalized() {
        Profile relative = new Profile(Path.of("some/../p"));

        assertThat(relative.path()).isAbsolute().isEqualTo(Path.of("p").toAbsolutePath());
        assertThat(relative.name()).isEqualTo("p");
    }

    private static Path script(Path generation, String mode) throws IOException {
        Path script = generation.resolve("deploy-rs-activate");
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString(mode));
        return script;
    }
}
