package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An SSH user the host's Nix does not trust can deploy paths signed with LOCAL_KEY, and only those. */
class SignedCopyIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith(null);
    static final String USER = TestHosts.TEST_USER;

    static Path secretKey;

    @BeforeAll
    static void setUp(@TempDir Path keys) throws Exception {
        IT.hosts().ensureTestUser(null);
        secretKey = keys.resolve("deploy.sec");
        Path publicKey = keys.resolve("deploy.pub");
        Cmd.run("nix-store", "--generate-binary-cache-key", "nixdeploy-test-1", secretKey.toString(),
                publicKey.toString()).orThrow();
        IT.host().reconfigureNix("trusted-users = root\nrequire-sigs = true\ntrusted-public-keys = "
                + java.nio.file.Files.readString(publicKey).trim());
    }

    private Path flake(String name) {
        return IT.flake(name, DeployFixture.nodeAs("desk", IT.host(), USER,
                "profiles.tools = { user = \"" + USER + "\"; path = profile \"" + name + "-"
                        + System.nanoTime() + "\" \"echo tools for $(id -un)\"; };"));
    }

    @Test
    void unsignedPathsAreRefusedAndSignedOnesAreDeployed() {
        Cmd.Result unsigned = IT.deployTo(flake("unsigned"), ".#desk", "--skip-checks");
        IT.deploy().env("LOCAL_KEY", secretKey.toString());
        Cmd.Result signed;
        try {
            signed = IT.deployTo(flake("signed"), ".#desk", "--skip-checks");
        } finally {
            IT.deploy().env("LOCAL_KEY", null);
        }

        assertThat(unsigned.exitCode()).as(unsigned.stdout()).isEqualTo(ExitCode.HOST_UNSUPPORTED.code);
        assertThat(unsigned.stdout()).contains("signature").contains("trusted-users");
        assertThat(signed.exitCode()).as(signed.stdout()).isZero();
        assertThat(signed.stdout()).contains("| tools for " + USER);
    }

    /** deploy-rs's -c: a root deployment (whose imports Nix never checks) has the host check them. */
    @Test
    void withChecksigsTheHostRefusesUnsignedPathsEvenFromRoot() {
        String unsignedName = "checksigs-unsigned-" + System.nanoTime();
        String signedName = "checksigs-signed-" + System.nanoTime();
        Cmd.Result unsigned = IT.deployTo(rootFlake(unsignedName), ".#box", "--skip-checks", "--checksigs");
        boolean untouched = !IT.host().sh("test -e /nix/var/nix/profiles/per-user/root/checked").ok();
        Cmd.Result plain = IT.deployTo(rootFlake(unsignedName + "-plain"), ".#box", "--skip-checks");
        IT.deploy().env("LOCAL_KEY", secretKey.toString());
        Cmd.Result signed;
        try {
            signed = IT.deployTo(rootFlake(signedName), ".#box", "--skip-checks", "-c");
        } finally {
            IT.deploy().env("LOCAL_KEY", null);
        }

        assertThat(unsigned.exitCode()).as(unsigned.stdout()).isEqualTo(ExitCode.HOST_UNSUPPORTED.code);
        assertThat(unsigned.stdout()).contains("--checksigs").contains("does not trust the signatures")
                .contains("untrusted").contains("nothing was activated");
        assertThat(untouched).as("nothing activated").isTrue();
        assertThat(plain.exitCode()).as("without -c root's copy is not checked: " + plain.stdout()).isZero();
        assertThat(signed.exitCode()).as(signed.stdout()).isZero();
        assertThat(signed.stdout()).contains("the host verified the signatures of");
        assertThat(IT.host().sh("cat /nix/var/nix/profiles/per-user/root/checked/name").stdout().trim())
                .isEqualTo(signedName);
    }

    private Path rootFlake(String name) {
        return IT.flake(name, DeployFixture.node("box", IT.host(),
                "profiles.checked = { user = \"root\"; path = profile \"" + name + "\" \"echo checked\"; };"));
    }
}
