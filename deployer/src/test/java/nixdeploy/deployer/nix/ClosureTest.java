package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nixdeploy.deployer.DeployException;
import nixdeploy.testhosts.LocalNix;
import org.junit.jupiter.api.Test;

/** Closures read from this machine's store: their order, sizes, derivations and failures. */
class ClosureTest {
    private static final String LEAF = "derivation { name = \"nixdeploy-closure-leaf\"; system = builtins.currentSystem; "
            + "builder = \"/bin/sh\"; args = [ \"-c\" \"echo leaf > $out\" ]; }";
    private static final String MIDDLE = "let leaf = " + LEAF + "; in derivation { name = \"nixdeploy-closure-middle\"; "
            + "system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" \"echo ${leaf} > $out\" ]; }";
    private static final String TOP = "let middle = " + MIDDLE + "; leaf = " + LEAF + "; in derivation { name = "
            + "\"nixdeploy-closure-top\"; system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" "
            + "\"echo ${middle} ${leaf} > $out\" ]; }";

    @Test
    void holdsEveryPathOfTheRootsClosureWithItsNarSizeDependenciesFirst() throws Exception {
        List<String> chain = builtChain();

        Closure closure = Closure.of(List.of(chain.get(2)));

        assertThat(closure.paths()).containsExactlyElementsOf(chain);
        for (String path : closure.paths()) {
            assertThat(closure.bytes(List.of(path))).as(path).isEqualTo(narSize(path));
        }
    }

    @Test
    void withAnotherHoldsThisOnesPathsFirstThenTheOthersItLacks() {
        Closure profile = new Closure(sizes("/nix/store/a-libc", 1L, "/nix/store/b-profile", 2L));
        Closure runtime = new Closure(sizes("/nix/store/a-libc", 1L, "/nix/store/c-jre", 3L));

        Closure both = profile.with(runtime);

        assertThat(both.paths()).containsExactly("/nix/store/a-libc", "/nix/store/b-profile", "/nix/store/c-jre");
        assertThat(both.bytes(both.paths())).isEqualTo(6L);
        assertThat(profile.paths()).as("unchanged").hasSize(2);
    }

    private static Map<String, Long> sizes(String path1, long size1, String path2, long size2) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put(path1, size1);
        sizes.put(path2, size2);
        return sizes;
    }

    @Test
    void ofSeveralRootsHoldsTheirSharedPathsOnce() throws Exception {
        List<String> chain = builtChain();

        Closure closure = Closure.of(List.of(chain.get(1), chain.get(2)));

        assertThat(closure.paths()).containsExactlyElementsOf(chain);
    }

    @Test
    void ofADerivationHoldsTheDerivationItselfNotItsOutputs() throws Exception {
        assumeTrue(PathInfoTest.onPath("nix"), "nix is not on PATH");
        String top = LocalNix.build(TOP);
        String derivation = nixStore("--query", "--deriver", top).strip();

        Closure closure = Closure.of(List.of(derivation));

        assertThat(closure.paths()).contains(derivation).doesNotContain(top)
                .allMatch(p -> p.endsWith(".drv") || !p.contains("nixdeploy-closure"));
    }

    @Test
    void aPathThatIsNotInTheStoreIsABuildFailureThatNamesIt() {
        assumeTrue(PathInfoTest.onPath("nix"), "nix is not on PATH");
        String missing = "/nix/store/00000000000000000000000000000000-nixdeploy-closure-missing";

        assertThatThrownBy(() -> Closure.of(List.of(missing))).isInstanceOf(DeployException.class)
                .hasMessageContaining("cannot read the closure of [" + missing + "]");
    }

    /** Leaf, middle (refers to leaf) and top (refers to both), built in this machine's store. */
    private static List<String> builtChain() {
        assumeTrue(PathInfoTest.onPath("nix"), "nix is not on PATH");
        return List.of(LocalNix.build(LEAF), LocalNix.build(MIDDLE), LocalNix.build(TOP));
    }

    private static long narSize(String path) throws Exception {
        return Long.parseLong(nixStore("--query", "--size", path).strip());
    }

    private static String nixStore(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("nix-store"));
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }
}
