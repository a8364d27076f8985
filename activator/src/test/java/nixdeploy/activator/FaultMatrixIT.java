package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.testhosts.LocalNix;
import nixdeploy.testhosts.Poll;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The host side under faults, one fault per test. Each ends by checking that the profile runs
 * exactly one of {the previous generation, the new one}, that no generation the deployment did
 * not create was deleted, and that the exit code agrees with the journal. Each prints how long
 * the host took to heal.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultMatrixIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(1);
    private static final String TOKEN = "fault-token-0123456789abcdef";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static TestHost host;
    static HostActivator activator;
    static String good;
    static String good2;
    static String plain;
    static String failing;
    static String slow;
    static String killsItsActivator;
    static String notExecutable;
    static String breakableOld;
    static String fillsTheDisk;
    static String bareNixos;

    String profile;
    String marker;

    @BeforeAll
    static void buildProfiles() {
        host = HOSTS.get(0);
        activator = new HostActivator(host);
        good = LocalNix.profile("fm-good", "echo activating good");
        good2 = LocalNix.profile("fm-good2", "echo activating good2");
        plain = LocalNix.profile("fm-plain", null);
        failing = LocalNix.profile("fm-failing", "echo about to fail; exit 1");
        slow = LocalNix.profile("fm-slow", "echo hanging; sleep 60");
        killsItsActivator = LocalNix.profile("fm-kills", "echo killing my activator; sleep 1; kill -9 $PPID; sleep 3;"
                + " touch /tmp/fm-late-$(basename $PROFILE)");
        breakableOld = LocalNix.profile("fm-breakable", "if [ -e /tmp/fm-break-$(basename $PROFILE) ]; then "
                + "echo old activation broken; exit 1; fi; echo activating breakable");
        fillsTheDisk = LocalNix.profile("fm-fill", "cat /dev/zero > /nix/var/nixdeploy/fill 2>/dev/null; echo disk full");
        notExecutable = LocalNix.build("derivation { name = \"fm-noexec\"; system = builtins.currentSystem;"
                + " builder = sh; PATH = bin; args = [ \"-c\" \"mkdir -p $out && "
                + "printf '#!/bin/sh\\\\necho hi\\\\n' > $out/deploy-rs-activate && chmod 644 $out/deploy-rs-activate\" ]; }");
        bareNixos = LocalNix.build("derivation { name = \"fm-bare-nixos\"; system = builtins.currentSystem;"
                + " builder = sh; PATH = bin; args = [ \"-c\" \"mkdir -p $out/bin && "
                + "printf '#!/bin/sh\\\\necho switch-to-configuration $1 >> /tmp/fm-stc-$(basename $PROFILE)\\\\n' "
                + "> $out/bin/switch-to-configuration && chmod +x $out/bin/switch-to-configuration\" ]; }");
        for (String path : new String[] {good, good2, plain, failing, slow, killsItsActivator, notExecutable,
                breakableOld, fillsTheDisk, bareNixos}) {
            host.importFromLocalStore(path);
        }
    }

    @BeforeEach
    void freshProfile() {
        int n = COUNTER.incrementAndGet();
        profile = "/nix/var/nix/profiles/per-user/root/fm" + n;
        marker = "/tmp/fm-break-fm" + n;
    }

    @AfterEach
    void cleanUp() {
        // lazily: a watcher of a full-disk test may still hold its log open there
        host.sh("rm -f " + marker + "; umount -l /nix/var/nixdeploy 2>/dev/null; true");
    }

    @Test
    void anActivatorKilledByItsOwnActivationIsUndoneByTheWatcherWithMagicRollbackAndNoAutoRollback()
            throws InterruptedException {
        host.sh("rm -f /tmp/fm-late-" + name()).orThrow();
        activate(good);
        long start = System.nanoTime();

        HostActivator.Run run = magic(killsItsActivator, "30");

        assertThat(run.exitCode()).as("killed").isEqualTo(137);
        awaitTarget(good, "activator killed mid-activation", start);
        assertThat(generations()).isEqualTo("1");
        assertThat(state()).isEqualTo(DeploymentState.ROLLED_BACK);
        Thread.sleep(4_000);
        assertThat(host.sh("test -e /tmp/fm-late-" + name()).ok())
                .as("the orphaned activation was stopped before the rollback, not left to finish after it").isFalse();
    }

    @Test
    void aFailedActivationWithMagicRollbackAndNoAutoRollbackDoesNotStayLive() {
        activate(good);

        HostActivator.Run run = magic(failing, "30");

        assertThat(run.exitCode()).isEqualTo(ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK.code);
        assertThat(run.stderr()).contains("magic rollback never leaves an unconfirmed generation live");
        assertThat(target()).isEqualTo(good);
        assertThat(state()).isEqualTo(DeploymentState.ROLLED_BACK);
    }

    @Test
    void anActivationHangingPastItsTimeoutWithMagicRollbackAndNoAutoRollbackIsUndone() {
        activate(good);
        long start = System.nanoTime();

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", slow,
                "--magic-rollback", "--confirm-timeout", "30", "--activation-timeout", "2");

        assertThat(run.exitCode()).isEqualTo(ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK.code);
        assertThat(run.stderr()).contains("timed out");
        healed("activation hanging past activationTimeout = 2 s", start);
        assertThat(target()).isEqualTo(good);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void anActivationScriptThatIsNotExecutableEndsOnThePreviousGeneration() {
        activate(good);

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", notExecutable,
                "--auto-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK.code);
        assertThat(run.stderr()).contains("could not run");
        assertThat(target()).isEqualTo(good);
        assertThat(generations()).isEqualTo("1");
        assertThat(state()).isEqualTo(DeploymentState.ROLLED_BACK);
    }

    @Test
    void nixEnvFailingAfterItSwitchedEndsOnThePreviousGenerationAndSaysSo() {
        activate(good);
        String path = pathWithNixEnvThatFailsAfterSet();

        HostActivator.Run run = activator.runWithMinimalPath(path, null, "activate", "--profile", profile,
                "--closure", good2, "--auto-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ActivatorExit.SWITCH_FAILED.code);
        assertThat(run.stderr()).contains("after switching to generation 2").contains("switched")
                .doesNotContain("profile is unchanged");
        assertThat(target()).isEqualTo(good);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void theOldGenerationFailingToActivateOnTheWayBackIsReportedAndBothGenerationsAreKept() {
        activate(breakableOld);
        host.sh("touch " + marker).orThrow();

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", failing,
                "--auto-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ActivatorExit.ROLLBACK_FAILED.code);
        assertThat(run.output()).contains("old activation broken");
        assertThat(run.stderr()).doesNotContain("\tat ");
        assertThat(run.result().message).contains("generation 2 was kept");
        assertThat(target()).isEqualTo(breakableOld);
        assertThat(generations()).isEqualTo("1 2");
        assertThat(state()).isEqualTo(DeploymentState.ROLLBACK_FAILED);
    }

    @Test
    void rollingBackToABareNixosGenerationSwitchesToItsConfigurationAgain() {
        host.sh("nix-env -p " + profile + " --set " + bareNixos + " && rm -f /tmp/fm-stc-" + name()).orThrow();

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", failing,
                "--auto-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK.code);
        assertThat(target()).isEqualTo(bareNixos);
        assertThat(host.sh("cat /tmp/fm-stc-" + name()).stdout()).isEqualTo("switch-to-configuration switch\n");
    }

    @Test
    void goingBackToABareNixosGenerationRunsItsConfigurationForTestAndMakesItTheBootDefaultOnConfirm() {
        host.sh("nix-env -p " + profile + " --set " + bareNixos + " && rm -f /tmp/fm-stc-" + name()).orThrow();
        activate(good);

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--generation", "previous",
                "--magic-rollback", "--confirm-timeout", "30");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(target()).isEqualTo(bareNixos);
        assertThat(host.sh("cat /tmp/fm-stc-" + name()).stdout()).isEqualTo("switch-to-configuration test\n");
        HostActivator.Run confirm = activator.run(TOKEN, "confirm", "--profile", profile);
        assertThat(confirm.exitCode()).as(confirm.stderr()).isZero();
        assertThat(host.sh("cat /tmp/fm-stc-" + name()).stdout())
                .isEqualTo("switch-to-configuration test\nswitch-to-configuration boot\n");
        assertThat(state()).isEqualTo(DeploymentState.CONFIRMED);
    }

    @Test
    void goingBackToABareNixosGenerationWithoutMagicRollbackSwitchesToIt() {
        host.sh("nix-env -p " + profile + " --set " + bareNixos + " && rm -f /tmp/fm-stc-" + name()).orThrow();
        activate(good);

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--generation", "1",
                "--auto-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(target()).isEqualTo(bareNixos);
        assertThat(host.sh("cat /tmp/fm-stc-" + name()).stdout()).isEqualTo("switch-to-configuration switch\n");
    }

    @Test
    void aFullDiskUnderTheStateFolderBeforeTheFirstWriteChangesNothing() {
        activate(good);
        fullStateDisk();
        host.sh("cat /dev/zero > /nix/var/nixdeploy/fill 2>/dev/null; true");

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                "--magic-rollback", "--auto-rollback");

        assertThat(run.exitCode()).isNotZero();
        assertThat(target()).isEqualTo(good);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void aFullDiskAtTheAwaitingWriteEndsOnThePreviousGeneration() {
        activate(good);
        fullStateDisk();
        long start = System.nanoTime();

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", fillsTheDisk,
                "--magic-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isNotZero();
        assertThat(run.stderr()).contains("No space left").doesNotContain("\tat ");
        awaitTarget(good, "state folder full at the AWAITING write", start);
        host.sh("rm -f /nix/var/nixdeploy/fill").orThrow();
        HostActivator.Run status = activator.run(null, "status", "--profile", profile);
        assertThat(status.result().state).as(status.stderr()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(target()).isEqualTo(good);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void aFullDiskAtTheConfirmationLeavesItUnacknowledgedAndTheHostRollsBack() {
        activate(good);
        fullStateDisk();
        long start = System.nanoTime();
        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                "--magic-rollback", "--confirm-timeout", "3");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        host.sh("cat /dev/zero > /nix/var/nixdeploy/fill 2>/dev/null; true");

        HostActivator.Run confirm = activator.run(TOKEN, "confirm", "--profile", profile);

        assertThat(confirm.exitCode()).as("a confirmation that could not be recorded is no confirmation")
                .isNotZero();
        awaitTarget(good, "state folder full at the confirmation", start);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void aSecondDeployWithAnotherStateFolderIsRefusedWhileTheFirstAwaitsConfirmation() {
        activate(good);
        HostActivator.Run first = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                "--magic-rollback", "--confirm-timeout", "60", "--state-dir", "/nix/var/fm-state-a");
        assertThat(first.exitCode()).as(first.stderr()).isZero();

        HostActivator.Run second = activator.run(TOKEN, "activate", "--profile", profile, "--closure", plain,
                "--magic-rollback", "--confirm-timeout", "60", "--state-dir", "/nix/var/fm-state-b");

        assertThat(second.exitCode()).isEqualTo(ActivatorExit.LOCKED.code);
        assertThat(second.stderr()).contains("awaiting confirmation of generation 2");
        assertThat(target()).isEqualTo(good2);
        HostActivator.Run rollback = activator.run(TOKEN, "rollback", "--profile", profile, "--state-dir",
                "/nix/var/fm-state-a");
        assertThat(rollback.exitCode()).as(rollback.stderr()).isZero();
        assertThat(target()).isEqualTo(good);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void aSecondDeployWithAnotherStateFolderIsRefusedWhileTheFirstActivatesAndNamesTheHolder() throws Exception {
        activate(good);
        Thread first = new Thread(() -> activator.run(TOKEN, "activate", "--profile", profile, "--closure", slow,
                "--magic-rollback", "--activation-timeout", "4", "--state-dir", "/nix/var/fm-state-a"));
        first.start();
        // the file keeps its last holder's note: wait for the first deploy's own
        waitFor(() -> host.sh("grep -q 'activate " + slow + "' " + profile + ".nixdeploy-lock").ok(),
                "the first deploy's lock");

        HostActivator.Run second = activator.run(TOKEN, "activate", "--profile", profile, "--closure", plain,
                "--magic-rollback", "--state-dir", "/nix/var/fm-state-b");
        first.join(30_000);

        assertThat(second.exitCode()).isEqualTo(ActivatorExit.LOCKED.code);
        assertThat(second.stderr()).contains("is being deployed by pid").contains("activate " + slow);
        assertThat(target()).isEqualTo(good);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void aSharedStickyTempFolderKeepsItsModeAndOwner() {
        host.sh("mkdir -p /nix/var/fm-shared && chmod 1777 /nix/var/fm-shared && chown root:root /nix/var/fm-shared")
                .orThrow();

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good,
                "--magic-rollback", "--confirm-timeout", "20", "--state-dir", "/nix/var/fm-shared");
        HostActivator.Run confirm = activator.run(TOKEN, "confirm", "--profile", profile, "--state-dir",
                "/nix/var/fm-shared");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(confirm.exitCode()).as(confirm.stderr()).isZero();
        assertThat(host.sh("stat -c '%a %U %G' /nix/var/fm-shared").stdout().trim()).isEqualTo("1777 root root");
        assertThat(host.sh("stat -c %a /nix/var/fm-shared/nixdeploy-root").stdout().trim()).isEqualTo("700");
    }

    @Test
    void anAdminsGenerationMadeAfterACrashedDeploySurvivesTheNextRun() throws Exception {
        activate(good);
        HostActivator.Run run = magic(good2, "2");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        host.sh("pkill -9 -f '[w]atch --profile " + profile + " '").orThrow();
        host.sh("nix-env -p " + profile + " --set " + plain).orThrow();
        Thread.sleep(2500);

        HostActivator.Run status = activator.run(null, "status", "--profile", profile);
        HostActivator.Run next = activator.run(null, "activate", "--profile", profile, "--closure", good,
                "--auto-rollback");

        assertThat(status.result().state).as(status.stderr()).isEqualTo(DeploymentState.SUPERSEDED);
        assertThat(status.result().message).contains("now points at generation 3");
        assertThat(next.exitCode()).as(next.stderr()).isZero();
        assertThat(generations()).isEqualTo("1 2 3 4");
        assertThat(host.sh("readlink -f " + profile + "-3-link").stdout().trim()).isEqualTo(plain);
    }

    private HostActivator.Run magic(String closure, String confirmTimeout) {
        return activator.run(TOKEN, "activate", "--profile", profile, "--closure", closure, "--magic-rollback",
                "--confirm-timeout", confirmTimeout);
    }

    private void activate(String closure) {
        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", closure,
                "--auto-rollback");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
    }

    /** A 256 KiB tmpfs for the journals' folder, in the test host's own mount namespace. */
    private void fullStateDisk() {
        host.sh("mkdir -p /nix/var/nixdeploy && mount -t tmpfs -o size=256k,mode=700 tmpfs /nix/var/nixdeploy")
                .orThrow();
    }

    private String pathWithNixEnvThatFailsAfterSet() {
        String dir = "/tmp/fm-path-" + profile.substring(profile.lastIndexOf('/') + 1);
        host.sh("rm -rf " + dir + " && mkdir -p " + dir + " && ln -s /bin/sh " + dir + "/sh"
                + " && ln -s $(readlink -f $(command -v java)) " + dir + "/java"
                + " && ln -s $(command -v nix-store) " + dir + "/nix-store"
                + " && printf '#!/bin/sh\\n%s \"$@\" || exit\\ncase \" $* \" in *\" --set \"*) echo killed >&2; exit 137;; esac\\n'"
                + " $(command -v nix-env) > " + dir + "/nix-env && chmod +x " + dir + "/nix-env").orThrow();
        return dir;
    }

    private String name() {
        return profile.substring(profile.lastIndexOf('/') + 1);
    }

    private DeploymentState state() {
        return activator.run(null, "status", "--profile", profile).result().state;
    }

    private String target() {
        return host.resolve(profile);
    }

    private String generations() {
        return host.generations(profile);
    }

    private void awaitTarget(String expected, String fault, long startNanos) {
        waitFor(() -> target().equals(expected), "profile back at " + expected);
        healed(fault, startNanos);
        // the rollback goes on after the switch back: the old activation, then deleting the failed generation
        waitFor(() -> !host.sh("pgrep -f '[n]ixdeploy.activator.* (activate|watch) --profile " + profile + " '").ok(),
                "the activator and the watcher of " + profile + " to end");
    }

    private static void healed(String fault, long startNanos) {
        System.out.printf("fault matrix: %s: healed in %d ms%n", fault,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        Poll.until(condition, what, Duration.ofSeconds(60));
    }
}
