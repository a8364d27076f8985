package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import nixdeploy.protocol.DeploymentState;
import nixdeploy.testhosts.LocalNix;
import nixdeploy.testhosts.TestHost;
import nixdeploy.testhosts.TestHosts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A host that restarts inside the confirmation window. The test host is made to look like a
 * systemd host in its own mount namespace only: {@code /run/systemd/system} exists, its
 * {@code /etc/systemd/system} is an empty folder of its own, and its boot id is a file the test
 * changes to "restart" it. (systemd itself does not run, so {@code systemd-run} fails and the
 * watcher falls back to a session of its own.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RebootIT {
    @RegisterExtension
    static final TestHosts HOSTS = TestHosts.count(1);
    private static final String TOKEN = "reboot-token-0123456789abcdef";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static TestHost host;
    static HostActivator activator;
    static String systemA;
    static String systemB;

    String profile;
    String log;

    @BeforeAll
    static void setUp() {
        host = HOSTS.get(0);
        activator = new HostActivator(host);
        host.sh("mkdir -p /run/systemd /etc/systemd/system /nix/var && mount -t tmpfs tmpfs /run/systemd && mkdir -p /run/systemd/system"
                + " && mount -t tmpfs tmpfs /etc/systemd/system"
                + " && echo boot-1 > /nix/var/fake-boot-id"
                + " && mount --bind /nix/var/fake-boot-id /proc/sys/kernel/random/boot_id").orThrow();
        systemA = nixosLike("rb-system-a", "A");
        systemB = nixosLike("rb-system-b", "B");
        host.importFromLocalStore(systemA);
        host.importFromLocalStore(systemB);
    }

    /** Like a profile of lib.activate.nixos: `test` when activated, the boot default only once confirmed. */
    private static String nixosLike(String name, String label) {
        String builder = "mkdir -p $out"
                + " && printf '#!/bin/sh\\necho test " + label + " >> /tmp/$(basename $PROFILE).log\\n' > $out/deploy-rs-activate"
                + " && printf '#!/bin/sh\\necho " + label + " > /tmp/$(basename $PROFILE).boot-default\\n' > $out/nixdeploy-confirmed"
                + " && chmod +x $out/deploy-rs-activate $out/nixdeploy-confirmed";
        return LocalNix.build("derivation { name = " + LocalNix.nixString(name) + "; system = builtins.currentSystem;"
                + " builder = sh; PATH = bin; args = [ \"-c\" " + LocalNix.nixString(builder)
                + " ]; }");
    }

    @BeforeEach
    void freshProfile() {
        String name = "rb" + COUNTER.incrementAndGet();
        profile = "/nix/var/nix/profiles/per-user/root/" + name;
        log = "/tmp/" + name;
        host.sh("rm -f " + log + ".log " + log + ".boot-default").orThrow();
    }

    @Test
    void aHostRestartedInsideTheWindowRollsBackRightAfterBootAndKeepsItsBootDefault() {
        activate(systemA);
        HostActivator.Run run = magic(systemB);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("systemd-run could not start the watcher");
        assertThat(unitFiles()).as("the boot-time settle unit, enabled").hasSize(2);

        restart();
        long start = System.nanoTime();
        host.sh("sh -c \"$(sed -n 's/^ExecStart=//p' /etc/systemd/system/nixdeploy-settle-*.service)\"").orThrow();
        System.out.printf("fault matrix: restart inside the window: settled by the boot unit in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

        assertThat(target()).isEqualTo(systemA);
        assertThat(generations()).isEqualTo("1");
        assertThat(bootDefault()).as("B was never confirmed, so never the boot default").isEqualTo("A");
        HostActivator.Run status = activator.run(null, "status", "--profile", profile);
        assertThat(status.result().state).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(status.result().message).contains("the host restarted before the deployment was confirmed");
        assertThat(unitFiles()).as("the unit goes once the deployment is settled").isEmpty();
    }

    @Test
    void aTempPathThatTheRestartEmptiesLosesNoJournal() {
        activate(systemA);
        HostActivator.Run run = activator.run(TOKEN, "activate", "--profile", profile, "--closure", systemB,
                "--magic-rollback", "--confirm-timeout", "600", "--state-dir", "/nix/var/rb-tmp");
        assertThat(run.exitCode()).as(run.stderr()).isZero();

        restart();
        host.sh("rm -rf /nix/var/rb-tmp").orThrow();
        host.sh("sh -c \"$(sed -n 's/^ExecStart=//p' /etc/systemd/system/nixdeploy-settle-*.service)\"").orThrow();

        assertThat(target()).isEqualTo(systemA);
        assertThat(generations()).isEqualTo("1");
    }

    @Test
    void aConfirmedGenerationBecomesTheBootDefaultAndItsUnitGoes() {
        activate(systemA);
        magic(systemB);
        assertThat(bootDefault()).isEqualTo("A");

        HostActivator.Run confirm = activator.run(TOKEN, "confirm", "--profile", profile);

        assertThat(confirm.exitCode()).as(confirm.stderr()).isZero();
        assertThat(confirm.result().message).contains("ran its nixdeploy-confirmed step");
        assertThat(bootDefault()).isEqualTo("B");
        assertThat(unitFiles()).isEmpty();
    }

    @Test
    void undoingAConfirmedGenerationGivesTheBootDefaultBack() {
        activate(systemA);
        magic(systemB);
        activator.run(TOKEN, "confirm", "--profile", profile);

        HostActivator.Run undo = activator.run(TOKEN, "rollback", "--profile", profile, "--confirmed");

        assertThat(undo.exitCode()).as(undo.stderr()).isZero();
        assertThat(target()).isEqualTo(systemA);
        assertThat(bootDefault()).isEqualTo("A");
        assertThat(host.sh("cat " + log + ".log").stdout()).isEqualTo("test A\ntest B\ntest A\n");
    }

    private void restart() {
        host.sh("pkill -9 -f '[w]atch --profile " + profile + " '; echo boot-" + COUNTER.incrementAndGet()
                + " > /nix/var/fake-boot-id").orThrow();
    }

    private HostActivator.Run magic(String closure) {
        return activator.run(TOKEN, "activate", "--profile", profile, "--closure", closure, "--magic-rollback",
                "--auto-rollback", "--confirm-timeout", "600");
    }

    private void activate(String closure) {
        HostActivator.Run run = activator.run(null, "activate", "--profile", profile, "--closure", closure,
                "--auto-rollback");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
    }

    private java.util.List<String> unitFiles() {
        return host.sh("find /etc/systemd/system -name 'nixdeploy-settle-*'").stdout().lines().toList();
    }

    private String bootDefault() {
        return host.sh("cat " + log + ".boot-default").stdout().trim();
    }

    private String target() {
        return host.resolve(profile);
    }

    private String generations() {
        return host.generations(profile);
    }
}
