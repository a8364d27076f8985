package nixdeploy.deployer.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nixdeploy.deployer.DeployException;
import nixdeploy.deployer.ExitCode;
import nixdeploy.testhosts.LocalNix;
import org.junit.jupiter.api.Test;

/** {@code nix path-info --json} as Nix 2.3-2.18 (an array) and 2.19 and later (an object by path) print it. */
class PathInfoTest {
    static final String GLIBC = "/nix/store/lq6mq6s2a4xkk1sbvhz1j5kl2bcv5ryx-glibc-2.39-52";
    static final String HELLO = "/nix/store/9k6l2cc1fjp1wmnbcbasyzkvn4c4ayk6-hello-2.12.1";
    static final String SOURCE = "/nix/store/0f9k2yd3ffzmmqd6yrwfh9n9dfxgkm2d-source";

    /** Nix 2.8, as this machine's prints it: SRI narHash, no ca, signatures only when there are some. */
    static final String NIX_2_8 = "[{\"path\":\"" + HELLO + "\",\"narHash\":\"sha256-8iuL7s+4sy/Oe1xnWqJ54ZaSkoAblMEJY"
            + "UXK/gHloRE=\",\"narSize\":226560,\"references\":[\"" + GLIBC + "\",\"" + HELLO + "\"],\"deriver\":\"/nix/"
            + "store/rvqy5ap1ykswfcjrryg601qc9qp65kc8-hello-2.12.1.drv\",\"registrationTime\":1718000000,\"ultimate\":"
            + "true,\"signatures\":[\"deploy-key-1:c2lnbmF0dXJl\"]},{\"path\":\"" + GLIBC + "\",\"narHash\":\"sha256-"
            + "FePFYIlMuycIXPZbWi7LGEiMmZSX9FMbaQenWBzm1Sc=\",\"narSize\":31021312,\"references\":[\"" + GLIBC + "\"],"
            + "\"registrationTime\":1717999000}]";

    /** Nix 2.3: narHash as sha256:<base32>. */
    static final String NIX_2_3 = "[{\"path\":\"" + GLIBC + "\",\"narHash\":\"sha256:0c8ld5yxcr6a6j63mvrqbqiy08q6f85wd"
            + "74817ai7pvd5nkidcqw\",\"narSize\":31021312,\"references\":[],\"registrationTime\":1717999000,"
            + "\"signatures\":[\"cache.nixos.org-1:BJ5QGcOta2s76XC6sep9DbAv0x3TILh3hHSKyR+9rFWYuBDTWdHs1KHeUEpw2espE/zP"
            + "PBp2yURO6/J4Dhf9DQ==\"]}]";

    /** Nix 2.19 to 2.26: an object keyed by path; unknown fields are null, not left out. */
    static final String NIX_2_26 = "{\"" + HELLO + "\":{\"ca\":null,\"deriver\":null,\"narHash\":\"sha256-8iuL7s+4sy/Oe1"
            + "xnWqJ54ZaSkoAblMEJYUXK/gHloRE=\",\"narSize\":226560,\"references\":[\"" + GLIBC + "\",\"" + HELLO + "\"],"
            + "\"registrationTime\":1718000000,\"signatures\":[],\"ultimate\":true},\"" + SOURCE + "\":{\"ca\":\"fixed:r:"
            + "sha256:1rsl0a4qk8fkgw6cp8qmqfrizwz5qgzxbrccacwvid7lhx7yc3ck\",\"deriver\":null,\"narHash\":\"sha256-"
            + "MSPx7lJGFyb8Gz5FmDSjjNl1Q8B4Nv4UEcZI7nHBjYI=\",\"narSize\":1280,\"references\":[],\"registrationTime\":"
            + "1717990000,\"signatures\":[],\"ultimate\":false},\"" + GLIBC + "\":{\"ca\":null,\"deriver\":\"/nix/store/"
            + "b0d3rkiqiy9qjrcqms7bgzj7pylyirqm-glibc-2.39-52.drv\",\"narHash\":\"sha256-FePFYIlMuycIXPZbWi7LGEiMmZSX9FMb"
            + "aQenWBzm1Sc=\",\"narSize\":31021312,\"references\":[\"" + GLIBC + "\"],\"registrationTime\":1717999000,"
            + "\"signatures\":[\"cache.nixos.org-1:BJ5QGcOta2s76XC6sep9DbAv0x3TILh3hHSKyR+9rFWYuBDTWdHs1KHeUEpw2espE/z"
            + "PPBp2yURO6/J4Dhf9DQ==\"],\"ultimate\":false}}";

    static List<PathInfo> parse(String json) throws DeployException {
        return PathInfo.parse(JsonParser.parseString(json));
    }

    @Test
    void readsTheArrayOfNix28() throws Exception {
        List<PathInfo> infos = parse(NIX_2_8);

        assertThat(infos).extracting(PathInfo::path).containsExactly(HELLO, GLIBC);
        PathInfo hello = infos.get(0);
        assertThat(hello.narHash()).isEqualTo("sha256-8iuL7s+4sy/Oe1xnWqJ54ZaSkoAblMEJYUXK/gHloRE=");
        assertThat(hello.narSize()).isEqualTo(226560);
        assertThat(hello.references()).containsExactly(GLIBC, HELLO);
        assertThat(hello.deriver()).endsWith("-hello-2.12.1.drv");
        assertThat(hello.ultimate()).isTrue();
        assertThat(hello.signatures()).containsExactly("deploy-key-1:c2lnbmF0dXJl");
        assertThat(hello.ca()).isEmpty();
        PathInfo glibc = infos.get(1);
        assertThat(glibc.deriver()).as("no deriver: the serve protocol's empty string").isEmpty();
        assertThat(glibc.signatures()).isEmpty();
        assertThat(glibc.ultimate()).isFalse();
    }

    @Test
    void passesTheBase32NarHashOfOlderNixOnAsItIs() throws Exception {
        PathInfo glibc = parse(NIX_2_3).get(0);

        assertThat(glibc.narHash()).isEqualTo("sha256:0c8ld5yxcr6a6j63mvrqbqiy08q6f85wd74817ai7pvd5nkidcqw");
        assertThat(glibc.signatures()).hasSize(1);
    }

    @Test
    void readsTheObjectOfNix219AndLaterWithItsNulls() throws Exception {
        List<PathInfo> infos = parse(NIX_2_26);

        assertThat(infos).extracting(PathInfo::path).containsExactly(HELLO, SOURCE, GLIBC);
        PathInfo hello = infos.get(0);
        assertThat(hello.ca()).isEmpty();
        assertThat(hello.deriver()).isEmpty();
        assertThat(hello.narHash()).isEqualTo("sha256-8iuL7s+4sy/Oe1xnWqJ54ZaSkoAblMEJYUXK/gHloRE=");
        assertThat(hello.narSize()).isEqualTo(226560);
        assertThat(hello.references()).containsExactly(GLIBC, HELLO);
        assertThat(hello.registrationTime()).isEqualTo(1718000000L);
        assertThat(hello.ultimate()).isTrue();
        assertThat(hello.signatures()).isEmpty();
        assertThat(infos.get(1).ca()).isEqualTo("fixed:r:sha256:1rsl0a4qk8fkgw6cp8qmqfrizwz5qgzxbrccacwvid7lhx7yc3ck");
        assertThat(infos.get(2).deriver()).endsWith("-glibc-2.39-52.drv");
        assertThat(infos.get(2).signatures()).hasSize(1);
    }

    @Test
    void bothShapesComeOutInDependencyOrder() throws Exception {
        assertThat(PathInfo.inDependencyOrder(parse(NIX_2_8))).extracting(PathInfo::path).containsExactly(GLIBC, HELLO);
        assertThat(PathInfo.inDependencyOrder(parse(NIX_2_26))).extracting(PathInfo::path)
                .containsExactly(GLIBC, HELLO, SOURCE);
    }

    @Test
    void anInvalidPathIsAClearFailureInEitherShape() {
        assertThatThrownBy(() -> parse("[{\"path\":\"" + HELLO + "\",\"valid\":false}]"))
                .isInstanceOf(DeployException.class).hasMessageContaining(HELLO + " is not a valid store path");
        assertThatThrownBy(() -> parse("{\"" + HELLO + "\":null}"))
                .isInstanceOf(DeployException.class).hasMessageContaining(HELLO + " is not a valid store path");
    }

    @Test
    void aFormatItDoesNotKnowIsAClearFailureNotACrash() {
        // a structured hash, as a future format might print it
        String structured = "{\"" + HELLO + "\":{\"narHash\":{\"algorithm\":\"sha256\",\"hash\":\"x\"},\"narSize\":1,"
                + "\"references\":[]}}";
        assertThatThrownBy(() -> parse(structured)).isInstanceOf(DeployException.class)
                .hasMessageContaining("nix path-info --json printed a format this deployer does not know")
                .satisfies(e -> assertThat(((DeployException) e).exitCode()).isEqualTo(ExitCode.INTERNAL_ERROR));
        assertThatThrownBy(() -> parse("\"text\"")).isInstanceOf(DeployException.class);
    }

    @Test
    void readsWhatThisMachinesNixPrints() throws Exception {
        assumeTrue(onPath("nix"), "nix is not on PATH");
        String dependency = "derivation { name = \"nixdeploy-pathinfo-dep\"; system = builtins.currentSystem; "
                + "builder = \"/bin/sh\"; args = [ \"-c\" \"echo dep > $out\" ]; }";
        String path = LocalNix.build("let dep = " + dependency + "; in derivation { name = \"nixdeploy-pathinfo\"; "
                + "system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" \"echo ${dep} > $out\" ]; }");
        String dep = LocalNix.build(dependency);

        List<PathInfo> infos = PathInfo.inDependencyOrder(List.of(path, dep));

        assertThat(infos).extracting(PathInfo::path).containsExactly(dep, path);
        assertThat(infos.get(1).references()).containsExactly(dep);
        assertThat(infos.get(1).narHash()).startsWith("sha256");
        assertThat(infos.get(1).narSize()).isPositive();
    }

    @Test
    void tellsANixThatDoesNotKnowTheFormatFlagFromOtherFailures() throws Exception {
        assumeTrue(onPath("nix"), "nix is not on PATH");
        // "nix (Nix) 2.8.0", "nix (Determinate Nix 3.6.2) 2.29.0": the last version is Nix's; Lix has no flag
        String version = NixCli.run(List.of("nix", "--version")).stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)(?:\\.\\d+)?\\s*$")
                .matcher(version);
        assertThat(m.find()).as(version).isTrue();
        boolean before233 = version.contains("Lix")
                || Integer.parseInt(m.group(1)) == 2 && Integer.parseInt(m.group(2)) < 33;
        String absent = "/nix/store/00000000000000000000000000000000-nixdeploy-absent";

        NixCli.Output withFlag = NixCli.run(List.of("nix", "path-info", "--json", "--json-format", "1", absent));
        NixCli.Output withoutFlag = NixCli.run(List.of("nix", "path-info", "--json", absent));

        assertThat(PathInfo.refusesFormatFlag(withFlag.stderr())).as(version + withFlag.stderr()).isEqualTo(before233);
        assertThat(PathInfo.refusesFormatFlag(withoutFlag.stderr())).as(withoutFlag.stderr()).isFalse();
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }
}
