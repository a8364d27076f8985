package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import nixdeploy.protocol.ActivatorExit;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.protocol.EventType;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.LocalNix;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real activator jar against real profiles in a test host's private store. */
class ActivatorIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(1);
    static final String TOKEN = "test-token-0123456789abcdef";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static TestHost host;
    static HostActivator activator;
    static String good;
    static String good2;
    static String failing;
    static String slow;
    static String plain;

    String profile;

    @BeforeAll
    static void buildProfiles() {
        host = HOSTS.get(0);
        activator = new HostActivator(host);
        good = LocalNix.profile("good", "echo activating good; echo run >> /tmp/activations-$(basename $PROFILE)");
        good2 = LocalNix.profile("good2", "echo activating good2");
        failing = LocalNix.profile("failing", "echo about to fail; exit 1");
        slow = LocalNix.profile("slow", "echo sleeping; sleep 30");
        plain = LocalNix.profile("plain", null);
        for (String path : new String[] {good, good2, failing, slow, plain}) {
            host.importFromLocalStore(path);
        }
    }

    @BeforeEach
    void freshProfile(TestInfo info) {
        profile = "/nix/var/nix/profiles/per-user/root/t" + COUNTER.incrementAndGet();
    }

    @Test
    void activateSwitchesTheProfileAndStreamsTheScriptOutput() {
        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", good,
                "--auto-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.output()).contains("activating good");
        assertThat(run.first(EventType.SWITCHED)).hasValueSatisfying(e -> assertThat(e.generation).isEqualTo(1L));
        assertThat(run.result().state).isEqualTo(DeploymentState.CONFIRMED);
        assertThat(target(profile)).isEqualTo(good);
    }

    @Test
    void aProfileWithoutActivationScriptIsActivatedBySwitchingAlone() {
        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", plain);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(target(profile)).isEqualTo(plain);
    }

    @Test
    void aFailedFirstActivationRemovesTheProfile() {
        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", failing,
                "--auto-rollback");

        assertThat(run.exitCode()).isEqualTo(ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK.code);
        assertThat(run.output()).contains("about to fail");
        assertThat(run.result().message).contains("removed profile");
        assertThat(host.sh("test -e " + profile + " || test -L " + profile).ok()).isFalse();
        assertThat(host.sh("ls " + profile + "-*-link").ok()).isFalse();
    }

    @Test
    void aFailedActivationRestoresTheExactPreviousGenerationAndReactivatesIt() {
        activate(good);
        activate(good2);
        host.sh("rm -f /tmp/activations-" + name(profile)).orThrow();

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", failing,
                "--auto-rollback");

        assertThat(run.exitCode()).isEqualTo(ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK.code);
        assertThat(target(profile)).isEqualTo(good2);
        assertThat(generations(profile)).isEqualTo("1 2");
        assertThat(run.output()).contains("activating good2");
    }

    @Test
    void anActivationThatHangsIsStoppedAtItsTimeoutAndRolledBack() {
        activate(good);
        long start = System.nanoTime();

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", slow,
                "--auto-rollback", "--activation-timeout", "2");

        assertThat(run.exitCode()).isEqualTo(ActivatorExit.ACTIVATION_FAILED_ROLLED_BACK.code);
        assertThat(run.result().message).contains("timed out");
        assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(20);
        assertThat(target(profile)).isEqualTo(good);
    }

    @Test
    void withoutAutoRollbackAFailedActivationStaysInPlace() {
        activate(good);

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", failing);

        assertThat(run.exitCode()).isEqualTo(ActivatorExit.ACTIVATION_FAILED.code);
        assertThat(run.result().message).contains("stays active");
        assertThat(target(profile)).isEqualTo(failing);
    }

    @Test
    void aConfirmationBeforeTheDeadlineKeepsTheNewGeneration() throws Exception {
        activate(good);
        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                "--auto-rollback", "--magic-rollback", "--confirm-timeout", "20", "--deployment-id", "0123456789abcdef");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.first(EventType.AWAITING_CONFIRMATION)).isPresent();

        HostActivator.Run confirm = activator.run(TOKEN, "confirm", "--profile", profile);

        assertThat(confirm.exitCode()).as(confirm.stderr()).isZero();
        assertThat(confirm.result().state).isEqualTo(DeploymentState.CONFIRMED);
        waitForNoWatcher();
        assertThat(target(profile)).isEqualTo(good2);
        assertThat(status().result().state).isEqualTo(DeploymentState.CONFIRMED);
        assertThat(status().result().deploymentId).as("the caller's id, to tell its deployment from older ones")
                .isEqualTo("0123456789abcdef");
    }

    @Test
    void withoutConfirmationTheWatcherRollsBackAtTheDeadlineAndALateConfirmIsRefused() throws Exception {
        activate(good);
        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                "--auto-rollback", "--magic-rollback", "--confirm-timeout", "2");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(target(profile)).isEqualTo(good2);

        waitUntilTargetIs(good, 10);
        HostActivator.Run late = activator.run(TOKEN, "confirm", "--profile", profile);

        assertThat(late.exitCode()).isEqualTo(ActivatorExit.ROLLED_BACK.code);
        assertThat(late.stderr()).contains("too late").contains("rolled back at");
        assertThat(generations(profile)).isEqualTo("1");
        assertThat(host.sh("grep -r " + TOKEN + " /nix/var/nixdeploy").ok()).as("token stored in clear").isFalse();
    }

    @Test
    void theProfileAsItIsIsActivatedAgainWithoutNixEnvOrANewGenerationAndItsRollbackSwitchesNothing()
            throws Exception {
        activate(good);
        host.sh("rm -f /tmp/activations-" + name(profile)).orThrow();
        String link = host.sh("stat -c %i " + profile).stdout().trim();

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good,
                "--auto-rollback", "--magic-rollback", "--confirm-timeout", "1");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.first(EventType.SWITCHED)).hasValueSatisfying(e -> {
            assertThat(e.generation).isEqualTo(1L);
            assertThat(e.previousGeneration).isEqualTo(1L);
        });
        assertThat(host.sh("stat -c %i " + profile).stdout().trim()).as("the same link: nix-env replaces it")
                .isEqualTo(link);
        waitForNoWatcher();
        assertThat(status().result().state).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(target(profile)).isEqualTo(good);
        assertThat(generations(profile)).isEqualTo("1");
        assertThat(status().result().message).contains("was already active; nothing to switch back");
        assertThat(host.sh("cat /tmp/activations-" + name(profile)).stdout().lines().count()).isEqualTo(1);
    }

    @Test
    void aWrongTokenConfirmsNothing() {
        activator.run(TOKEN, "activate", "--profile", profile, "--closure", good, "--magic-rollback",
                "--confirm-timeout", "20");

        HostActivator.Run wrong = activator.run("wrong-token-0123456789abcdef", "confirm", "--profile", profile);
        HostActivator.Run right = activator.run(TOKEN, "confirm", "--profile", profile);

        assertThat(wrong.exitCode()).isEqualTo(ActivatorExit.NOTHING_PENDING.code);
        assertThat(right.exitCode()).as(right.stderr()).isZero();
    }

    @Test
    void aRollbackRequestUndoesThePendingDeploymentAtOnce() {
        activate(good);
        activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2, "--magic-rollback",
                "--auto-rollback", "--confirm-timeout", "60");

        HostActivator.Run rollback = activator.run(TOKEN, "rollback", "--profile", profile, "--reason",
                "health check failed");

        assertThat(rollback.exitCode()).as(rollback.stderr()).isZero();
        assertThat(rollback.result().state).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(rollback.result().message).contains("health check failed");
        assertThat(target(profile)).isEqualTo(good);
        assertThat(activator.run(TOKEN, "confirm", "--profile", profile).exitCode())
                .isEqualTo(ActivatorExit.ROLLED_BACK.code);
    }

    @Test
    void theWatcherSurvivesHangupAndTheEndOfItsCaller() throws Exception {
        activate(good);
        activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2, "--magic-rollback",
                "--auto-rollback", "--confirm-timeout", "3");
        String pid = watcherPid();

        host.sh("kill -HUP " + pid).orThrow();
        Thread.sleep(300);

        assertThat(host.sh("kill -0 " + pid).ok()).as("watcher alive after SIGHUP").isTrue();
        waitUntilTargetIs(good, 10);
    }

    @Test
    void aKilledWatchersDeploymentIsRolledBackByTheNextActivatorRun() throws Exception {
        activate(good);
        activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2, "--magic-rollback",
                "--auto-rollback", "--confirm-timeout", "2");
        host.sh("kill -9 " + watcherPid()).orThrow();
        Thread.sleep(2500);
        assertThat(target(profile)).as("nobody rolled back yet").isEqualTo(good2);

        HostActivator.Run status = status();

        assertThat(status.first(EventType.RECOVERED)).isPresent();
        assertThat(status.result().state).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(target(profile)).isEqualTo(good);
    }

    @Test
    void afterARebootThePendingDeploymentIsRolledBackBeforeTheNextOneStarts() throws Exception {
        activate(good);
        activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2, "--magic-rollback",
                "--auto-rollback", "--confirm-timeout", "1");
        host.sh("kill -9 " + watcherPid()).orThrow();
        Thread.sleep(1500);

        HostActivator.Run next = activator.run(null, "activate", "--profile", profile, "--closure", plain,
                "--auto-rollback");

        assertThat(next.exitCode()).as(next.stderr()).isZero();
        assertThat(next.first(EventType.RECOVERED)).isPresent();
        assertThat(next.first(EventType.SWITCHED).get().previousGeneration).isEqualTo(1L);
        assertThat(target(profile)).isEqualTo(plain);
    }

    @Test
    void aSecondActivationOfTheSameProfileIsRefusedWhileOneRuns() throws Exception {
        String other = profile + "-other";
        Thread first = new Thread(() -> activator.run(null, "activate", "--profile", profile, "--closure", slow,
                "--activation-timeout", "4", "--auto-rollback"));
        first.start();
        waitForLock();

        HostActivator.Run second = activator.run(null, "activate", "--profile", profile, "--closure", good);
        HostActivator.Run unrelated = activator.run(null, "activate", "--profile", other, "--closure", good);

        assertThat(second.exitCode()).isEqualTo(ActivatorExit.LOCKED.code);
        assertThat(second.stderr()).contains("is being deployed by pid").contains("since");
        assertThat(unrelated.exitCode()).as(unrelated.stderr()).isZero();
        first.join();
    }

    @Test
    void anActivationWhileAnotherAwaitsConfirmationIsRefused() {
        activator.run(TOKEN, "activate", "--profile", profile, "--closure", good, "--magic-rollback",
                "--confirm-timeout", "30");

        HostActivator.Run second = activator.run(null, "activate", "--profile", profile, "--closure", good2);

        assertThat(second.exitCode()).isEqualTo(ActivatorExit.LOCKED.code);
        assertThat(second.stderr()).contains("awaiting confirmation");
        assertThat(target(profile)).isEqualTo(good);
        activator.run(TOKEN, "confirm", "--profile", profile);
    }

    @Test
    void rollingBackAReusedGenerationSwitchesBackWithoutDeletingIt() throws Exception {
        activate(good);
        activate(good2);
        host.sh("nix-env -p " + profile + " --switch-generation 1").orThrow();

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                "--magic-rollback", "--auto-rollback", "--confirm-timeout", "1");

        assertThat(run.first(EventType.SWITCHED).get().generation).as("nix-env reused generation 2").isEqualTo(2L);
        waitUntilTargetIs(good, 10);
        assertThat(generations(profile)).isEqualTo("1 2");
    }

    @Test
    void goingBackToAGenerationWhoseStorePathIsGoneIsRefusedAndChangesNothing() {
        activate(good);
        activate(good2);
        host.sh("ln -sfn /nix/store/00000000000000000000000000000000-gone " + profile + "-1-link").orThrow();

        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--generation", "previous",
                "--magic-rollback", "--auto-rollback");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ActivatorExit.NO_SUCH_GENERATION.code);
        assertThat(run.stderr()).contains("not a valid path").contains("Nothing was changed");
        assertThat(host.sh("readlink " + profile).stdout().trim()).isEqualTo(name(profile) + "-2-link");
        assertThat(target(profile)).isEqualTo(good2);
        assertThat(generations(profile)).isEqualTo("1 2");
    }

    @Test
    void aPathThatIsNotAProfileIsNeitherReplacedNorDeleted() {
        host.sh("mkdir -p /tmp/not-a-profile && ln -sfn /tmp/not-a-profile " + profile).orThrow();

        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", good,
                "--auto-rollback");

        assertBadInput(run, "is not a Nix profile");
        assertThat(host.sh("readlink " + profile).stdout().trim()).isEqualTo("/tmp/not-a-profile");
    }

    @Test
    void anActivatorAwaitingItsGoHasItsWatcherStandByToGuardTheDeploymentThatFollows() throws Exception {
        activate(good);
        String go = startAwaitingGo(good2, "00000000000000a1");
        waitUntil(() -> watchers() == 1, "the watcher, before the go");
        assertThat(target(profile)).as("nothing switched before the go").isEqualTo(good);

        host.sh("printf 'go\\n%s\\n' " + TOKEN + " > " + go).orThrow();
        waitUntil(() -> host.sh("grep -q AWAITING_CONFIRMATION " + go + ".out").ok(), "the confirmation window");

        assertThat(watchers()).as("the activation used the watcher it had started").isEqualTo(1);
        HostActivator.Run confirm = activator.run(TOKEN, "confirm", "--profile", profile);
        assertThat(confirm.result().state).as(confirm.stderr()).isEqualTo(DeploymentState.CONFIRMED);
        waitForNoWatcher();
        assertThat(target(profile)).isEqualTo(good2);
    }

    @Test
    void whenNoGoComesTheWatcherStartedBeforeItLeavesAndNothingChanges() throws Exception {
        activate(good);
        String go = startAwaitingGo(good2, "00000000000000a2");
        waitUntil(() -> watchers() == 1, "the watcher, before the go");

        host.sh("printf 'stop\\n' > " + go).orThrow();

        waitUntil(() -> watchers() == 0, "the watcher to leave");
        assertThat(host.sh("cat " + go + ".out").stdout()).contains("no go from the deployer");
        assertThat(target(profile)).isEqualTo(good);
        assertThat(status().result().deploymentId).as("no deployment was recorded").isNotEqualTo("00000000000000a2");
    }

    @Test
    void whenTheWatcherStartedBeforeTheGoIsKilledTheActivationStartsAnotherThatRollsBack() throws Exception {
        activate(good);
        String go = startAwaitingGo(good2, "00000000000000a3", 3);
        waitUntil(() -> host.sh("ls /nix/var/nixdeploy/*" + name(profile) + "-*.ready").ok(), "the watcher, ready");
        host.sh("pkill -9 -f '[w]atch --profile " + profile + " '").orThrow();
        waitUntil(() -> watchers() == 0, "the killed watcher to be gone");

        host.sh("printf 'go\\n%s\\n' " + TOKEN + " > " + go).orThrow();
        waitUntil(() -> host.sh("grep -q AWAITING_CONFIRMATION " + go + ".out").ok(), "the confirmation window");

        assertThat(host.sh("cat " + go + ".out").stdout()).contains("starting another");
        waitUntilTargetIs(good, 20);
        assertThat(status().result().state).isEqualTo(DeploymentState.ROLLED_BACK);
    }

    @Test
    void aProfileNameThatResolvesElsewhereByTheGoIsGuardedByAWatcherOfItsOwnThere() throws Exception {
        // a normal user's profile named by --profile-name: the XDG path while Nix has made no per-user
        // folder for the user, the per-user one once it has (as the daemon does during a copy)
        HOSTS.ensureTestUser(null);
        String user = TestHosts.TEST_USER;
        String perUser = "/nix/var/nix/profiles/per-user/" + user;
        String name = "race" + COUNTER.incrementAndGet();
        host.sh("rm -rf " + perUser).orThrow();
        String go = "/tmp/go-race-" + name;
        String asUser = "runuser -u " + user + " -- ";
        String jar = "/tmp/" + name + "-activator.jar";  // the build's may sit in a home only root enters
        host.sh("install -m 644 " + HostActivator.JAR + " " + jar).orThrow();
        host.sh("rm -f " + go + " && mkfifo -m 666 " + go + " && { sleep 120 > " + go + " 2>/dev/null & } && { cd / && "
                + asUser + "java -jar " + jar + " --await-go activate --profile-name " + name
                + " --closure " + good2 + " --magic-rollback --auto-rollback --confirm-timeout 30 --deployment-id "
                + "00000000000000b1 < " + go + " > " + go + ".out 2>&1 & }").orThrow();
        String early = "pgrep -u " + user + " -f '[w]atch --profile /home/" + user + "/.local/state/nix/profiles/" + name + " '";
        try {
            waitUntil(() -> host.sh(early).ok(), "the watcher of the XDG path, before the go");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the activator said: " + host.sh("cat " + go + ".out").stdout(), e);
        }

        host.sh("install -d -o " + user + " " + perUser).orThrow();
        host.sh("printf 'go\\n%s\\n' " + TOKEN + " > " + go).orThrow();
        waitUntil(() -> host.sh("grep -q AWAITING_CONFIRMATION " + go + ".out").ok(), "the confirmation window");

        assertThat(host.sh("pgrep -u " + user + " -f '[w]atch --profile " + perUser + "/" + name + " '").ok())
                .as("a watcher guards the per-user path: " + host.sh("cat " + go + ".out").stdout()).isTrue();
        Cmd.Result confirm = host.execWithInput(TOKEN, List.of("runuser", "-u", user, "--", "java", "-jar", jar,
                "confirm", "--profile-name", name));
        assertThat(HostActivator.parse(confirm).result().state).as(confirm.stdout() + confirm.stderr())
                .isEqualTo(DeploymentState.CONFIRMED);
        assertThat(host.sh("readlink -f " + perUser + "/" + name).stdout().trim()).isEqualTo(good2);
        waitUntil(() -> !host.sh(early).ok(), "the XDG path's watcher to leave");
    }

    private String startAwaitingGo(String closure, String deploymentId) {
        return startAwaitingGo(closure, deploymentId, 30);
    }

    /** Starts the activator as the deployer does before its copy ends; returns the fifo its go is written to. */
    private String startAwaitingGo(String closure, String deploymentId, int confirmTimeout) {
        String go = "/tmp/go-" + deploymentId;
        host.sh("rm -f " + go + " && mkfifo " + go + " && { sleep 120 > " + go + " 2>/dev/null & } && { java -jar "
                + HostActivator.JAR + " --await-go activate --profile " + profile + " --closure " + closure
                + " --magic-rollback --auto-rollback --confirm-timeout " + confirmTimeout + " --deployment-id "
                + deploymentId + " < "
                + go + " > " + go + ".out 2>&1 & }").orThrow();
        return go;
    }

    private int watchers() {
        return (int) host.sh("pgrep -f '[w]atch --profile " + profile + " '").stdout().lines().count();
    }

    @Test
    void aRefusedActivationLeavesNoWatcherBehind() throws Exception {
        activator.run(TOKEN, "activate", "--profile", profile, "--closure", good, "--magic-rollback",
                "--confirm-timeout", "30");

        HostActivator.Run refused = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                "--magic-rollback", "--confirm-timeout", "30");
        activator.run(TOKEN, "confirm", "--profile", profile);

        assertThat(refused.exitCode()).isEqualTo(ActivatorExit.LOCKED.code);
        boolean watcherLeft = true;
        for (int i = 0; i < 50 && watcherLeft; i++) {
            Thread.sleep(100);
            watcherLeft = host.sh("pgrep -f '[w]atch --profile " + profile + " '").ok();
        }
        assertThat(watcherLeft).as("a watcher of " + profile + " still runs").isFalse();
    }

    @Test
    void exactlyOneOfConfirmAndRollbackWinsAtTheDeadline() throws Exception {
        activate(good);
        for (int i = 0; i < 8; i++) {
            HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", good2,
                    "--magic-rollback", "--auto-rollback", "--confirm-timeout", "1");
            long deadline = run.first(EventType.AWAITING_CONFIRMATION).orElseThrow().deadline;
            // aim the confirmation's arrival around the deadline, a little earlier or later each time
            long aim = deadline - 350 + i * 80L;
            Thread.sleep(Math.max(0, aim - System.currentTimeMillis()));

            HostActivator.Run confirm = activator.run(TOKEN, "confirm", "--profile", profile);
            waitForNoWatcher();

            String state = status().result().state.toString();
            // each round has exactly one outcome, and the confirmer, the journal and the profile agree on it
            if (confirm.exitCode() == 0) {
                assertThat(state).isEqualTo("CONFIRMED");
                assertThat(target(profile)).isEqualTo(good2);
                activate(good);
            } else {
                assertThat(confirm.exitCode()).as(confirm.stderr()).isEqualTo(ActivatorExit.ROLLED_BACK.code);
                assertThat(state).isEqualTo("ROLLED_BACK");
                assertThat(target(profile)).isEqualTo(good);
            }
        }
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        activate(good);
        String before = generations(profile);

        assertBadInput(activator.run(null, "activate", "--profile", "relative/path", "--closure", good2),
                "plain absolute path");
        assertBadInput(activator.run(null, "activate", "--profile", profile, "--closure", "/etc/passwd"),
                "not a Nix store path");
        assertBadInput(activator.run(null, "activate", "--profile", profile, "--closure",
                good2.replaceAll("-good2$", "-absent")), "not a valid path in this host's Nix store");
        assertBadInput(activator.run("garbage; rm -rf /\n", "activate", "--profile", profile, "--closure", good2,
                "--magic-rollback"), "confirmation token");
        assertBadInput(activator.run(null, "activate", "--profile", profile, "--closure", good2,
                "--confirm-timeout", "soon"), "whole seconds");
        assertBadInput(activator.run(null, "activate", "--profile", profile, "--closure", good2, "--frobnicate"),
                "unknown argument");
        assertBadInput(activator.run(null, "activate", "--profile", profile, "--closure", good2,
                "--deployment-id", "../../etc"), "16 lowercase hex digits");
        host.sh("touch /tmp/not-a-dir").orThrow();
        assertBadInput(activator.run(null, "activate", "--profile", profile, "--closure", good2,
                "--state-dir", "/tmp/not-a-dir"), "cannot use state directory");
        assertBadInput(activator.run(null, "activate", "--profile", profile, "--closure", good2,
                "--magic-rollback", "--dry-activate"), "magic rollback cannot confirm");

        assertThat(generations(profile)).isEqualTo(before);
        assertThat(target(profile)).isEqualTo(good);
    }

    @Test
    void missingNixCommandsAreReportedClearly() {
        HostActivator.Run run = activator.runWithMinimalPath(minimalPath(false), null, "activate",
                "--profile", profile, "--closure", good);

        assertBadInput(run, "is Nix installed");
        assertThat(host.sh("test -L " + profile).ok()).isFalse();
    }

    @Test
    void itRunsWithOnlyShNixAndJavaOnPath() throws Exception {
        activate(good);
        String path = minimalPath(true);
        HostActivator.Run run = activator.runWithMinimalPath(path, TOKEN, "activate", "--profile", profile,
                "--closure", good2, "--magic-rollback", "--auto-rollback", "--confirm-timeout", "2");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(target(profile)).isEqualTo(good2);
        waitUntilTargetIs(good, 10);
    }

    @Test
    void theStateDirectoryIsPrivate() {
        activate(good);

        assertThat(host.sh("stat -c %a /nix/var/nixdeploy").stdout().trim()).isEqualTo("700");
    }

    private static void assertBadInput(HostActivator.Run run, String expected) {
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ActivatorExit.BAD_INPUT.code);
        assertThat(run.stderr()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private void activate(String closure) {
        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", closure,
                "--auto-rollback");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
    }

    private HostActivator.Run status() {
        return activator.run(null, "status", "--profile", profile);
    }

    private String minimalPath(boolean withNix) {
        String dir = "/tmp/minimal-path-" + withNix;
        String links = "ln -sf /bin/sh " + dir + "/sh && ln -sf $(readlink -f $(command -v java)) " + dir + "/java";
        if (withNix) {
            links += " && ln -sf $(command -v nix-env) " + dir + "/nix-env && ln -sf $(command -v nix-store) "
                    + dir + "/nix-store";
        }
        host.sh("rm -rf " + dir + " && mkdir -p " + dir + " && " + links).orThrow();
        return dir;
    }

    private String target(String path) {
        return host.resolve(path);
    }

    private String generations(String path) {
        return host.generations(path);
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private String watcherPid() {
        return host.sh("sed -n 's/.*\"watcherPid\": \\([0-9]*\\).*/\\1/p' /nix/var/nixdeploy/*" + name(profile)
                + "-*.journal.json").stdout().trim();
    }

    private void waitForNoWatcher() throws InterruptedException {
        waitUntil(() -> !host.sh("ls /nix/var/nixdeploy/*" + name(profile) + "-*.ready").ok(), "the watcher to end");
    }

    private void waitForLock() throws InterruptedException {
        waitUntil(() -> host.sh("grep -q 'activate " + slow + "' " + profile + ".nixdeploy-lock").ok(),
                "the activation's lock");
        Thread.sleep(300);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
        nixdeploy.testhosts.Poll.until(condition, what, java.time.Duration.ofSeconds(30));
    }

    private void waitUntilTargetIs(String expected, int seconds) throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end && !target(profile).equals(expected)) {
            Thread.sleep(100);
        }
        assertThat(target(profile)).isEqualTo(expected);
    }
}
