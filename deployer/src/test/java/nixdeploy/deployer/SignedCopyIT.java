package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An SSH user the host's Nix does not trust can deploy paths signed with LOCAL_KEY, and only those. */
class SignedCopyIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(1);
    static final String USER = TestHosts.TEST_USER;

    static TestHost host;
    static DeployCli deploy;
    static Path secretKey;

    @BeforeAll
    static void setUp(@TempDir Path home, @TempDir Path keys) throws Exception {
        host = HOSTS.get(0);
        deploy = new DeployCli(home);
        HOSTS.ensureTestUser(null);
        secretKey = keys.resolve("deploy.sec");
        Path publicKey = keys.resolve("deploy.pub");
        Cmd.run("nix-store", "--generate-binary-cache-key", "nixdeploy-test-1", secretKey.toString(),
                publicKey.toString()).orThrow();
        host.reconfigureNix("trusted-users = root\nrequire-sigs = true\ntrusted-public-keys = "
                + java.nio.file.Files.readString(publicKey).trim());
    }

    private Path flake(Path work, String name) {
        return TestFlake.write(work.resolve(name), String.join("\n",
                "    deploy.nodes.desk = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"" + USER + "\";",
                "      profiles.tools = { user = \"" + USER + "\"; path = profile \"" + name + "-"
                        + System.nanoTime() + "\" \"echo tools for $(id -un)\"; };",
                "    };"));
    }

    @Test
    void unsignedPathsAreRefusedAndSignedOnesAreDeployed(@TempDir Path work) {
        Cmd.Result unsigned = deploy.to(host, flake(work, "unsigned"), ".#desk", "--skip-checks");
        deploy.env("LOCAL_KEY", secretKey.toString());
        Cmd.Result signed;
        try {
            signed = deploy.to(host, flake(work, "signed"), ".#desk", "--skip-checks");
        } finally {
            deploy.env("LOCAL_KEY", null);
        }

        assertThat(unsigned.exitCode()).as(unsigned.stdout()).isEqualTo(ExitCode.HOST_UNSUPPORTED.code);
        assertThat(unsigned.stdout()).contains("signature").contains("trusted-users");
        assertThat(signed.exitCode()).as(signed.stdout()).isZero();
        assertThat(signed.stdout()).contains("| tools for " + USER);
    }

    /** deploy-rs's -c: a root deployment (whose imports Nix never checks) has the host check them. */
    @Test
    void withChecksigsTheHostRefusesUnsignedPathsEvenFromRoot(@TempDir Path work) {
        String unsignedName = "checksigs-unsigned-" + System.nanoTime();
        String signedName = "checksigs-signed-" + System.nanoTime();
        Cmd.Result unsigned = deploy.to(host, rootFlake(work, unsignedName), ".#box", "--skip-checks", "--checksigs");
        boolean untouched = !host.sh("test -e /nix/var/nix/profiles/per-user/root/checked").ok();
        Cmd.Result plain = deploy.to(host, rootFlake(work, unsignedName + "-plain"), ".#box", "--skip-checks");
        deploy.env("LOCAL_KEY", secretKey.toString());
        Cmd.Result signed;
        try {
            signed = deploy.to(host, rootFlake(work, signedName), ".#box", "--skip-checks", "-c");
        } finally {
            deploy.env("LOCAL_KEY", null);
        }

        assertThat(unsigned.exitCode()).as(unsigned.stdout()).isEqualTo(ExitCode.HOST_UNSUPPORTED.code);
        assertThat(unsigned.stdout()).contains("--checksigs").contains("does not trust the signatures")
                .contains("untrusted").contains("nothing was activated");
        assertThat(untouched).as("nothing activated").isTrue();
        assertThat(plain.exitCode()).as("without -c root's copy is not checked: " + plain.stdout()).isZero();
        assertThat(signed.exitCode()).as(signed.stdout()).isZero();
        assertThat(signed.stdout()).contains("the host verified the signatures of");
        assertThat(host.sh("cat /nix/var/nix/profiles/per-user/root/checked/name").stdout().trim())
                .isEqualTo(signedName);
    }

    private Path rootFlake(Path work, String name) {
        return TestFlake.write(work.resolve(name), String.join("\n",
                "    deploy.nodes.box = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"root\";",
                "      profiles.checked = { user = \"root\"; path = profile \"" + name + "\" \"echo checked\"; };",
                "    };"));
    }
}
