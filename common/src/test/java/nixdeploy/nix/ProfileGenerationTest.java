package nixdeploy.nix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProfileGenerationTest {
    @Test
    void linkNameFollowsNixsScheme() {
        assertThat(ProfileGeneration.linkName("system", 42)).isEqualTo("system-42-link");
    }

    @Test
    void numberReadsBackTheLinkName() {
        assertThat(ProfileGeneration.number("system", ProfileGeneration.linkName("system", 42))).contains(42L);
        assertThat(ProfileGeneration.number("my-app", "my-app-7-link")).contains(7L);
        assertThat(ProfileGeneration.number("system", "system-999999999999999999-link")).contains(999_999_999_999_999_999L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "system", "system-link", "system--1-link", "system-1", "system-1-link.tmp", "xsystem-1-link",
        "other-1-link", "system-a-link", "system-x-1-link", "system-1234567890123456789-link"
    })
    void numberIgnoresNamesThatAreNotGenerationLinksOfThatProfile(String linkName) {
        assertThat(ProfileGeneration.number("system", linkName)).isEmpty();
    }

    @Test
    void profileNamesAreMatchedLiterallyNotAsPatterns() {
        assertThat(ProfileGeneration.number("my.app", "myXapp-1-link")).isEmpty();
        assertThat(ProfileGeneration.number("a+", "aa-1-link")).isEmpty();
        assertThat(ProfileGeneration.number("a+", "a+-1-link")).contains(1L);
    }

    @Test
    void numberAsNixReadsCountsWhatNixsParseNameCounts() {
        assertThat(ProfileGeneration.numberAsNixReads("system", "system-3-link")).contains(3L);
        assertThat(ProfileGeneration.numberAsNixReads("system", "system-3-link.bak")).contains(3L);
        assertThat(ProfileGeneration.numberAsNixReads("system", "system-3-linkage")).contains(3L);
        assertThat(ProfileGeneration.numberAsNixReads("system", "system-x-link")).isEmpty();
        assertThat(ProfileGeneration.numberAsNixReads("system", "system-3")).isEmpty();
        assertThat(ProfileGeneration.numberAsNixReads("system", "other-3-link")).isEmpty();
        assertThat(ProfileGeneration.numberAsNixReads("system", "system-link")).isEmpty();
    }
}
