package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.Poll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real {@code deploy} under faults between the deployer and the host, one per test. Each ends
 * with the host on exactly one of {the previous generation, the new one confirmed}, SSH working,
 * no generation lost, and the deployer's exit code agreeing with the host. Each prints how long the
 * host took to heal.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeployFaultMatrixIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1);
    /** The steady generation's activation also undoes what the faulty ones break. */
    static String steady;

    @BeforeAll
    static void setUp() {
        Path key = IT.host().dir().resolve("host_key");
        IT.host().sh("cp " + key + " " + key + ".orig && ssh-keygen -q -t ed25519 -N '' -f " + key + ".other").orThrow();
        steady = "kill -CONT " + IT.host().sshdPid() + "; if ! cmp -s " + key + ".orig " + key + "; then cp " + key
                + ".orig " + key + "; kill -HUP " + IT.host().sshdPid() + "; fi; echo steady";
    }

    @BeforeEach
    void steadyHost() {
        Cmd.Result first = IT.deployTo(flake("steady", steady, ""), ".#web", "--skip-checks");
        assertThat(first.exitCode()).as(first.stdout()).isZero();
    }

    @Test
    void theDeployerKilledDuringTheCopyLeavesTheHostAsItWas() throws Exception {
        Path flake = flake("big", "echo big", "confirmTimeout = 5;", "head -c 157286400 /dev/urandom > $out/blob");
        Process deployer = start(flake);

        waitForLog("copying");
        kill(deployer);
        long start = System.nanoTime();

        waitFor(() -> !IT.host().sh("pgrep -f '[n]ixdeploy.activator.Main watch'").ok(), "no watcher left");
        assertSteady("deployer killed during the copy", start);
    }

    @Test
    void theDeployerKilledRightAfterTheSwitchIsRolledBackByTheHost() throws Exception {
        Process deployer = start(flake("orphan", "echo orphan", "confirmTimeout = 5;"));

        waitForLog("switched /nix/var/nix/profiles/system to generation 2");
        kill(deployer);
        long start = System.nanoTime();

        waitFor(() -> name().equals("steady"), "the host back on the steady generation");
        assertSteady("deployer killed right after the switch", start);
    }

    @Test
    void theDeployerKilledWhileConfirmingIsRolledBackByTheHost() throws Exception {
        Process deployer = start(flake("unconfirmed", "echo unconfirmed", "confirmTimeout = 5; confirmHostname = \""
                + IT.host().gatewayAddress().replaceAll("\\.1$", ".3") + "\";"));

        waitForLog("over a new connection before");
        kill(deployer);
        long start = System.nanoTime();

        waitFor(() -> name().equals("steady"), "the host back on the steady generation");
        assertSteady("deployer killed while confirming", start);
    }

    @Test
    void theHostsLinkDownThroughTheConfirmWindowEndsRolledBack() throws Exception {
        // a health check here that answers after 1.5 s holds the confirmation back until the link
        // is down (without one, a fast confirmation can reach the host before the link goes)
        HttpServer slowCheck = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slowCheck.createContext("/", exchange -> {
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        slowCheck.start();
        try {
            Process deployer = start(flake("cut-off", "echo cut off", "confirmTimeout = 9; healthChecks = [ { http = {"
                    + " url = \"http://127.0.0.1:" + slowCheck.getAddress().getPort() + "/\"; timeout = 3; };"
                    + " retries = 0; } ];"));
            String link = IT.host().namespace().replace("-", "") + "n";

            waitForLog("activated generation 2");
            IT.host().sh("ip link set " + link + " down").orThrow();
            long start = System.nanoTime();
            Thread.sleep(11_000);
            IT.host().sh("ip link set " + link + " up").orThrow();
            int exit = finish(deployer);

            assertThat(log()).as("the check passed before the confirmation").contains("running 1 health check");
            assertThat(exit).as(log()).isEqualTo(ExitCode.ROLLED_BACK.code);
            // read back over the link as it came up, or after giving up on it: both say the host did it
            assertThat(log()).containsPattern("the host rolled back at|the host rolled back by itself to generation 1");
            assertSteady("link down through the confirm window", start);
        } finally {
            slowCheck.stop(0);
        }
    }

    @Test
    void sshdStoppedByTheActivationIsRolledBackAndStartedAgain() {
        long start = System.nanoTime();
        Cmd.Result result = IT.deployTo(flake("no-sshd", "kill -STOP " + IT.host().sshdPid() + "; echo sshd stopped",
                "confirmTimeout = 6;"), ".#web", "--skip-checks");

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ROLLED_BACK.code);
        assertThat(result.stdout()).contains("sshd stopped").contains("rolled back by itself");
        assertSteady("sshd stopped by the activation", start);
    }

    @Test
    void aHostKeyChangedBetweenTheDeployAndTheConfirmationIsNeverConfirmed() {
        Path key = IT.host().dir().resolve("host_key");
        long start = System.nanoTime();
        Cmd.Result result = IT.deployTo(flake("new-key", "cp " + key + ".other " + key + " && kill -HUP "
                + IT.host().sshdPid() + " && echo host key replaced", "confirmTimeout = 6;"), ".#web", "--skip-checks");

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ROLLED_BACK.code);
        assertThat(result.stdout()).contains("host key replaced").doesNotContain("confirmed over a new connection");
        assertSteady("host key changed before the confirmation", start);
    }

    @Test
    void aSecondDeployOfTheSameProfileIsRefusedAndNamesTheHolder() throws Exception {
        Process first = start(flake("slow", "sleep 4; echo slow done", "confirmTimeout = 30;"));
        waitForLog("switched /nix/var/nix/profiles/system to generation 2");

        Cmd.Result second = IT.deployTo(flake("eager", "echo eager", ""), ".#web", "--skip-checks");
        int firstExit = finish(first);

        assertThat(second.exitCode()).as(second.stdout()).isNotZero();
        assertThat(second.stdout()).contains("is being deployed by pid").doesNotContain("eager\n");
        assertThat(firstExit).as(log()).isZero();
        assertThat(name()).isEqualTo("slow");
        assertThat(generations()).isEqualTo("1 2");
    }

    private Path flake(String name, String script, String profileAttrs) {
        return flake(name, script, profileAttrs, null);
    }

    private Path flake(String name, String script, String profileAttrs, String extraBuild) {
        String path = "profile \"" + name + "\" " + DeployFixture.nixString(script);
        if (extraBuild != null) {
            path = "builtins.derivation { name = \"" + name + "\"; system = \"x86_64-linux\"; builder = sh;"
                    + " PATH = bin; script = " + DeployFixture.nixString(script) + "; args = [ \"-c\" "
                    + DeployFixture.nixString("mkdir -p $out && echo $name > $out/name && printf '%s\\n' '#!/bin/sh' \"$script\""
                    + " > $out/deploy-rs-activate && chmod +x $out/deploy-rs-activate && " + extraBuild) + " ]; }";
        }
        return IT.flake(name, DeployFixture.node("web", IT.host(), "activationTimeout = 30;",
                "profiles.system = { user = \"root\"; path = " + path + "; " + profileAttrs + " };"));
    }

    private Process start(Path flake) throws Exception {
        return IT.deploy().start(flake, IT.work().resolve("deploy.log"), ".#web", "--skip-checks", "--ssh-opts",
                DeployCli.sshOpts(IT.host()));
    }

    private int finish(Process deployer) throws Exception {
        try {
            assertThat(deployer.waitFor(150, TimeUnit.SECONDS)).as("the deployer ends").isTrue();
            return deployer.exitValue();
        } finally {
            deployer.destroyForcibly();
            System.out.println(log());
        }
    }

    private static void kill(Process deployer) throws Exception {
        Cmd.run("kill", "-KILL", Long.toString(deployer.pid())).orThrow();
        deployer.waitFor(10, TimeUnit.SECONDS);
    }

    /** The host runs the steady generation, kept all along, reachable over SSH, with no deployment pending. */
    private void assertSteady(String fault, long startNanos) {
        waitFor(() -> name().equals("steady"), "the steady generation");
        System.out.printf("fault matrix: %s: healed in %d ms%n", fault,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        // the rollback goes on after the switch back (old activation, then deleting the failed generation)
        waitFor(() -> !IT.host().sh("pgrep -f '[n]ixdeploy.activator.* (activate|watch) '").ok(),
                "no activator or watcher left");
        assertThat(generations()).as("the failed generation deleted, the steady one kept").isEqualTo("1");
        Cmd.Result ssh = Cmd.run(java.util.List.of("ssh", "-i", IT.host().clientKey().toString(), "-o",
                "UserKnownHostsFile=" + IT.host().knownHostsFile(), "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
                "root@" + IT.host().address(), "readlink /nix/var/nix/profiles/system"), null, 30);
        assertThat(ssh.exitCode()).as("SSH works: " + ssh.stderr()).isZero();
        assertThat(ssh.stdout().trim()).isEqualTo("system-1-link");
    }

    private String log() {
        try {
            return Files.readString(IT.work().resolve("deploy.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void waitForLog(String text) {
        try {
            waitFor(() -> log().contains(text), "deploy to print '" + text + "'");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it printed:\n" + log(), e);
        }
    }

    private String name() {
        return IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim();
    }

    private String generations() {
        return IT.host().generations("/nix/var/nix/profiles/system");
    }


    private static void waitFor(BooleanSupplier condition, String what) {
        Poll.until(condition, what, Duration.ofSeconds(90));
    }
}
