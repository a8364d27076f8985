package nixdeploy.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StorePathTest {
    /** 32 characters of Nix's base32 alphabet (which has no e, o, t, u). */
    private static final String HASH = "0123456789abcdfghijklmnpqrsvwxyz";

    @Test
    void parsesAPathDirectlyInTheStore() {
        StorePath path = StorePath.parse("/nix/store/" + HASH + "-hello-2.12.1");

        assertThat(path.toString()).isEqualTo("/nix/store/" + HASH + "-hello-2.12.1");
        assertThat(path.name()).isEqualTo("hello-2.12.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "nixos-system-web1-24.05", "python3.12-foo+bar_baz", "x?y=z", ".hidden"})
    void acceptsEveryCharacterNixAllowsInNames(String name) {
        assertThat(StorePath.parse("/nix/store/" + HASH + "-" + name).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "nix/store/" + HASH + "-hello",
        "/nix/var/" + HASH + "-hello",
        "/nix/store",
        "/nix/store/",
        "/nix/store/" + HASH,
        "/nix/store/" + HASH + "-",
        "/nix/store/0123456789abcdfghijklmnpqrsvwxy-short-hash",
        "/nix/store/0123456789abcdfghijklmnpqrsvwxyzz-long-hash",
        "/nix/store/e123456789abcdfghijklmnpqrsvwxyz-letter-e",
        "/nix/store/o123456789abcdfghijklmnpqrsvwxyz-letter-o",
        "/nix/store/t123456789abcdfghijklmnpqrsvwxyz-letter-t",
        "/nix/store/u123456789abcdfghijklmnpqrsvwxyz-letter-u",
        "/nix/store/0123456789ABCDFGHIJKLMNPQRSVWXYZ-upper-case",
        "/nix/store/" + HASH + "-hello/bin/hello",
        "/nix/store/" + HASH + "-hello/",
        "/nix/store/" + HASH + "-hello/../../../etc/passwd",
        "/nix/store/../../etc/passwd",
        "/nix/store/./" + HASH + "-hello",
        "//nix/store/" + HASH + "-hello",
        "/nix/store/" + HASH + "-hello world",
        "/nix/store/" + HASH + "-hello\n",
        "/nix/store/" + HASH + "-hello;id",
        "/nix/store/" + HASH + "-$(id)",
        " /nix/store/" + HASH + "-hello",
    })
    void rejectsAnythingButAPathDirectlyInTheStore(String path) {
        assertThat(StorePath.isValid(path)).isFalse();
        assertThatThrownBy(() -> StorePath.parse(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Nix store path");
    }

    @Test
    void equalPathsAreEqualValues() {
        String text = "/nix/store/" + HASH + "-hello";

        assertThat(StorePath.parse(text)).isEqualTo(StorePath.parse(text)).hasSameHashCodeAs(StorePath.parse(text));
        assertThat(StorePath.parse(text)).isNotEqualTo(StorePath.parse(text + "-2"));
    }
}
