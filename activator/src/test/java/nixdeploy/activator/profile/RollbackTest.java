package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cases of {@link Rollback} that need no Nix command; switching back is tested on test hosts. */
class RollbackTest {
    @TempDir
    Path dir;

    private Profile profile;
    private final List<String> output = new ArrayList<>();

    private static String closure(long generation) {
        return "/nix/store/" + "a".repeat(32) + "-gen-" + generation;
    }

    private void generations(long current, long... numbers) throws IOException {
        profile = new Profile(dir.resolve("p"));
        for (long n : numbers) {
            Files.createSymbolicLink(profile.generationLink(n), Path.of(closure(n)));
        }
        Files.createSymbolicLink(profile.path(), profile.generationLink(current).getFileName());
    }

    private static Journal journal(Long previous, long ours) {
        Journal journal = new Journal();
        journal.previousGeneration = previous;
        journal.newGeneration = ours;
        journal.closure = closure(ours);
        journal.createdGeneration = true;
        return journal;
    }

    @Test
    void leavesAnAdminsNewerGenerationAndEveryLinkAlone() throws IOException {
        generations(3, 1, 2, 3);

        assertThatThrownBy(() -> Rollback.perform(profile, journal(1L, 2), 10, output::add))
                .isInstanceOf(Rollback.Superseded.class)
                .hasMessageContaining("now points at generation 3, not at generation 2");

        assertThat(profile.currentGeneration()).contains(3L);
        assertThat(profile.generations()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aGenerationWhoseNumberNixReusedForAnotherClosureIsNotOurs() throws IOException {
        generations(1, 1);
        Journal journal = journal(null, 1);
        journal.closure = "/nix/store/" + "c".repeat(32) + "-the-deployments-own";

        assertThatThrownBy(() -> Rollback.perform(profile, journal, 10, output::add))
                .isInstanceOf(Rollback.Superseded.class);

        assertThat(profile.currentGeneration()).contains(1L);
        assertThat(profile.generations()).containsExactly(1L);
    }

    @Test
    void removesAProfileItsDeploymentCreated() throws IOException {
        generations(1, 1);

        String done = Rollback.perform(profile, journal(null, 1), 10, output::add);

        assertThat(done).contains("removed profile");
        assertThat(profile.exists()).isFalse();
        assertThat(profile.generations()).isEmpty();
    }

    @Test
    void doesNotRemoveAProfileSomeoneElseSwitchedSinceItsFirstDeployment() throws IOException {
        generations(2, 1, 2);

        assertThatThrownBy(() -> Rollback.perform(profile, journal(null, 1), 10, output::add))
                .isInstanceOf(Rollback.Superseded.class);

        assertThat(profile.currentGeneration()).contains(2L);
        assertThat(profile.generations()).containsExactly(1L, 2L);
    }

    @Test
    void keepsAReusedGenerationWhenRemovingTheProfile() throws IOException {
        generations(1, 1);
        Journal journal = journal(null, 1);
        journal.createdGeneration = false;

        Rollback.perform(profile, journal, 10, output::add);

        assertThat(profile.exists()).isFalse();
        assertThat(profile.generations()).containsExactly(1L);
    }

    @Test
    void aDeploymentThatNeverSwitchedHasNothingToUndo() throws IOException {
        generations(1, 1);
        Journal journal = journal(1L, 0);
        journal.newGeneration = null;

        assertThat(Rollback.perform(profile, journal, 10, output::add)).contains("nothing to undo");
        assertThat(profile.currentGeneration()).contains(1L);
    }
}
