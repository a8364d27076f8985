package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading what a profile points at now, for {@code --dry-run}, without the activator. */
class CurrentClosureTest {
    @Test
    void readsTheProfileItsStorePathAndItsClosureWithSizes() {
        CurrentClosure read = CurrentClosure.parse(String.join("\n",
                "profile /nix/var/nix/profiles/system",
                "current /nix/store/aaaa-web-1.0",
                "path /nix/store/bbbb-zlib-1.3",
                "path /nix/store/aaaa-web-1.0",
                "size 1024",
                "size 2048", ""));

        assertThat(read.profilePath()).isEqualTo("/nix/var/nix/profiles/system");
        assertThat(read.storePath()).contains("/nix/store/aaaa-web-1.0");
        assertThat(read.sizes()).containsEntry("/nix/store/bbbb-zlib-1.3", 1024L)
                .containsEntry("/nix/store/aaaa-web-1.0", 2048L);
    }

    @Test
    void aProfileThatDoesNotExistYetHasNoStorePathAndAnEmptyClosure() {
        CurrentClosure read = CurrentClosure.parse("profile /root/.local/state/nix/profiles/app\n");

        assertThat(read.storePath()).isEmpty();
        assertThat(read.sizes()).isEmpty();
    }

    @Test
    void anAnswerThatDoesNotAddUpIsRefused() {
        assertThatThrownBy(() -> CurrentClosure.parse("profile /p\ncurrent /nix/store/a-x\npath /nix/store/a-x\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherUsersProfileIsReadThroughSudoThatNeverAsksForAPassword() {
        String command = CurrentClosure.command(StepFixtures.plan(), "admin", "deploy");

        assertThat(command).startsWith("sudo -n -u deploy sh -c ").contains("nixdeploy-dry-run app ''");
    }

    @Test
    void theSshUsersOwnProfileNeedsNoSudo() {
        assertThat(CurrentClosure.command(StepFixtures.plan(), "deploy", "deploy")).startsWith("sh -c ");
    }
}
