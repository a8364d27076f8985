package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Closure differences as {@code nix store diff-closures} prints them, from path names and sizes. */
class ClosureDiffTest {
    private static final String S = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-";

    private static List<String> lines(Map<String, Long> before, Map<String, Long> after) {
        return ClosureDiff.between(before, after).stream().map(ClosureDiff.Change::line).toList();
    }

    @Test
    void aVersionBumpShowsOldAndNewVersionsAndTheSizeChange() {
        assertThat(lines(Map.of(S + "zlib-1.2.11", 100_000L, S + "bash-5.2", 1_000_000L),
                Map.of(S + "zlib-1.2.12", 120_000L, S + "bash-5.2", 1_000_000L)))
                .containsExactly("zlib: 1.2.11 → 1.2.12, +19.5 KiB");
    }

    @Test
    void addedAndRemovedPackagesShowTheEmptySet() {
        assertThat(lines(Map.of(S + "old-tool-1.0", 10L), Map.of(S + "new-tool-2.0", 10L)))
                .containsExactly("new-tool: ∅ → 2.0", "old-tool: 1.0 → ∅");
    }

    @Test
    void aPackageWithoutVersionIsEpsilonAndOutputsGroupWithTheirPackage() {
        assertThat(lines(Map.of(S + "etc", 10L, S + "openssl-3.0.1-bin", 10L, S + "openssl-3.0.1", 10L),
                Map.of(S + "openssl-3.0.2-bin", 10L, S + "openssl-3.0.2", 10L)))
                .containsExactly("etc: ε → ∅", "openssl: 3.0.1 → 3.0.2");
    }

    @Test
    void onlyASizeChangeOfAtLeast8KiBIsShown() {
        assertThat(lines(Map.of(S + "app-1", 100L), Map.of(S + "app-1", 100L + 8191))).isEmpty();
        assertThat(lines(Map.of(S + "app-1", 100_000L), Map.of(S + "app-1", 50_000L)))
                .containsExactly("app: -48.8 KiB");
    }

    @Test
    void namesSplitAtTheFirstDashBeforeANonLetter() {
        assertThat(ClosureDiff.nameAndVersion("python3.11-requests-2.31.0")).containsExactly("python3.11-requests",
                "2.31.0");
        assertThat(ClosureDiff.nameAndVersion("nixos-system-web-24.05")).containsExactly("nixos-system-web", "24.05");
        assertThat(ClosureDiff.nameAndVersion("glibc-2.38-44-lib64")).containsExactly("glibc", "2.38-44");
    }
}
