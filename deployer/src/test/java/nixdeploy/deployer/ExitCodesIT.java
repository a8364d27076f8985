package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exit codes no other integration test produced, each from a real {@code deploy} against a
 * test host, checking the host agrees with the code. {@link ExitCodeDocsTest} lists which test
 * produces each code.
 */
class ExitCodesIT {
    static final String MARKER = "/nix/var/exit-codes-it";
    /** Cuts the host off from everything but itself, the activations' own runs included. */
    static final String BLACKOUT = "nft add table inet blackout && "
            + "nft add chain inet blackout input '{ type filter hook input priority -10; policy drop; }' && "
            + "nft add chain inet blackout output '{ type filter hook output priority -10; policy drop; }' && "
            + "nft add rule inet blackout input iif lo accept && nft add rule inet blackout output oif lo accept";

    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(1).cleanedWith(DeployFixture.CLEAN + " " + MARKER
            + "; nft delete table inet lockout 2>/dev/null; nft delete table inet blackout 2>/dev/null; true");

    @Test
    void aFailingConfirmedStepIsExit11AndTheGenerationStaysConfirmed() {
        assertThat(deploy(flake("steady", "echo steady", null, "")).exitCode()).isZero();

        Cmd.Result result = deploy(flake("no-boot-entry", "echo running", "echo cannot write the boot entry; exit 4",
                ""));

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.CONFIRMED_STEP_FAILED.code);
        assertThat(result.stdout()).contains("| running").contains("nixdeploy-confirmed");
        assertThat(name()).as("confirmed: it stays").isEqualTo("no-boot-entry");
        assertThat(generations()).isEqualTo("1 2");
    }

    @Test
    void aPreviousGenerationThatNoLongerActivatesIsExit10() {
        String onceOnly = "if [ -e " + MARKER + " ]; then echo old generation will not start again; exit 1; fi; "
                + "touch " + MARKER + "; echo old generation up";
        assertThat(deploy(flake("once-only", onceOnly, null, "")).exitCode()).isZero();

        Cmd.Result result = deploy(flake("broken", "echo broken; exit 1", null, ""));

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ROLLBACK_FAILED.code);
        assertThat(result.stdout()).contains("| broken").contains("old generation will not start again");
        assertThat(status()).as("the host's journal").contains("ROLLBACK_FAILED");
        assertThat(name()).as("switched back, though its activation failed").isEqualTo("once-only");
        assertThat(generations()).as("the failed generation kept for a person to look at").isEqualTo("1 2");
    }

    @Test
    void aHostUnreachablePastItsDeadlineIsExit8AndRollsBackByItself() throws Exception {
        assertThat(deploy(flake("v1", DeployIT.GOOD, null, "")).exitCode()).isZero();
        Path log = IT.work().resolve("deploy.log");
        // the activation refuses new SSH connections, so the confirmation cannot win the race with the
        // blackout below; the blackout then keeps even the read-back out until the deployer gives up
        Process deployer = start(flake("cut-off", DeployIT.LOCKOUT, null, "confirmTimeout = 6;"), log);
        int exit;
        try {
            waitForLog(log, "over a new connection before");
            IT.host().sh(BLACKOUT).orThrow();
            assertThat(deployer.waitFor(240, TimeUnit.SECONDS)).as("the deployer gives up").isTrue();
            exit = deployer.exitValue();
        } finally {
            deployer.destroyForcibly();
            IT.host().sh("nft delete table inet blackout");
            System.out.println(Files.readString(log));
        }

        assertThat(exit).isEqualTo(ExitCode.STATE_UNKNOWN.code);
        assertThat(Files.readString(log)).contains("firewall closed").contains("still unreachable")
                .contains("state is unknown");
        Poll.until(() -> name().equals("v1"), "the host back on v1", Duration.ofSeconds(60));
        assertThat(IT.host().sh("nft list table inet lockout").ok()).as("v1's activation ran again").isFalse();
    }

    @Test
    void ctrlCDuringActivationIsExit9AndTheHostRollsBackAtOnce() throws Exception {
        assertThat(deploy(flake("steady", "echo steady", null, "")).exitCode()).isZero();
        Path log = IT.work().resolve("deploy.log");
        // a cache of its own: the run that makes the launcher's class-data archive gets the signal too
        IT.deploy().env("XDG_CACHE_HOME", IT.work().resolve("fresh-cache").toString());
        Process deployer = start(flake("slow", "echo activation under way; sleep 5; echo activation done", null,
                "confirmTimeout = 120;"), log);
        IT.deploy().env("XDG_CACHE_HOME", null);
        int exit;
        try {
            waitForLog(log, "| activation under way");
            assertThat(log(log)).doesNotContain("confirming generation");
            Cmd.run("kill", "-INT", Long.toString(deployer.pid())).orThrow();
            assertThat(deployer.waitFor(120, TimeUnit.SECONDS)).as("the deployer ends").isTrue();
            exit = deployer.exitValue();
        } finally {
            deployer.destroyForcibly();
            System.out.println(log(log));
        }

        assertThat(exit).isEqualTo(ExitCode.INTERRUPTED.code);
        assertThat(log(log)).contains("roll back now").contains("rolled back").contains("the deployer was interrupted")
                .as("no confirmation is attempted after the interrupt").doesNotContain("confirming generation");
        // read as soon as the deployer ended, long before the 120 s deadline: the host was asked, not timed out
        assertThat(name()).isEqualTo("steady");
        assertThat(status()).contains("ROLLED_BACK").contains("the deployer was interrupted");
    }

    @Test
    void aSecondCtrlCStopsWaitingForTheHostWhichStillRollsBack() throws Exception {
        assertThat(deploy(flake("steady", "echo steady", null, "")).exitCode()).isZero();
        Path log = IT.work().resolve("deploy-twice.log");
        // the host answers the rollback request only once this activation ends, 25 s on
        Process deployer = start(flake("slower", "echo activation under way; sleep 25; echo activation done", null,
                "confirmTimeout = 20;"), log);
        int exit;
        try {
            waitForLog(log, "| activation under way");
            Cmd.run("kill", "-INT", Long.toString(deployer.pid())).orThrow();
            waitForLog(log, "roll back now");
            Thread.sleep(1500); // a second Ctrl-C within a second of the first is taken for its echo
            Cmd.run("kill", "-INT", Long.toString(deployer.pid())).orThrow();
            assertThat(deployer.waitFor(10, TimeUnit.SECONDS)).as("the deployer ends without the host's answer")
                    .isTrue();
            exit = deployer.exitValue();
        } finally {
            deployer.destroyForcibly();
            System.out.println(log(log));
        }

        assertThat(exit).isEqualTo(ExitCode.INTERRUPTED.code);
        assertThat(log(log)).contains("interrupted again").contains("no answer yet");
        Poll.until(() -> name().equals("steady"), "the host back on steady by itself", Duration.ofSeconds(90));
    }

    /**
     * Node {@code web}'s root {@code system} profile {@code name}, activated by {@code script}, with
     * {@code confirmed} as its nixdeploy-confirmed step (null: none).
     */
    private Path flake(String name, String script, String confirmed, String profileAttrs) {
        String build = "mkdir -p $out && echo $name > $out/name && printf '%s\\n' '#!/bin/sh' \"$script\" > "
                + "$out/deploy-rs-activate && chmod +x $out/deploy-rs-activate"
                + (confirmed == null ? "" : " && printf '%s\\n' '#!/bin/sh' \"$confirmed\" > $out/nixdeploy-confirmed"
                + " && chmod +x $out/nixdeploy-confirmed");
        String path = "builtins.derivation { name = \"" + name + "\"; inherit system; builder = sh; PATH = bin; "
                + "script = " + DeployFixture.nixString(script) + "; confirmed = "
                + DeployFixture.nixString(confirmed == null ? "" : confirmed) + "; args = [ \"-c\" "
                + DeployFixture.nixString(build) + " ]; }";
        return IT.flake(name, DeployFixture.node("web", IT.host(), "activationTimeout = 30;",
                "profiles.system = { user = \"root\"; path = " + path + "; " + profileAttrs + " };"));
    }

    private Cmd.Result deploy(Path flake) {
        return IT.deployTo(flake, ".#web", "--skip-checks");
    }

    private Process start(Path flake, Path log) throws Exception {
        return IT.deploy().start(flake, log, ".#web", "--skip-checks", "--ssh-opts", DeployCli.sshOpts(IT.host()));
    }

    private String name() {
        return IT.host().sh("cat /nix/var/nix/profiles/system/name").stdout().trim();
    }

    private String generations() {
        return IT.host().generations("/nix/var/nix/profiles/system");
    }

    /** The last deployment's journal as the host keeps it. */
    private String status() {
        return IT.host().sh("cat \"$(cat /nix/var/nix/profiles/system.nixdeploy-state)\"/*.journal.json").orThrow()
                .stdout();
    }

    private static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void waitForLog(Path log, String text) {
        Poll.until(() -> log(log).contains(text), "deploy to print '" + text + "'", Duration.ofSeconds(120));
    }
}
