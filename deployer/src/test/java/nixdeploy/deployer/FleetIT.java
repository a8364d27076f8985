package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import nixdeploy.testhosts.Cmd;
import nixdeploy.testhosts.TestHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several hosts in one run: {@code --on} selectors, {@code --parallel}, rolling {@code --batch-size}. */
class FleetIT {
    @RegisterExtension
    static final DeployFixture IT = DeployFixture.hosts(3);

    static String sshOpts;
    static TestHost db;
    static TestHost web1;
    static TestHost web2;

    Path marks;

    @BeforeAll
    static void setUp() throws Exception {
        db = IT.host(0);
        web1 = IT.host(1);
        web2 = IT.host(2);
        Path knownHosts = IT.deploy().home().resolve("fleet_known_hosts");
        Files.writeString(knownHosts, db.knownHostsLine() + "\n" + web1.knownHostsLine() + "\n"
                + web2.knownHostsLine() + "\n");
        sshOpts = "-i " + db.clientKey() + " -o UserKnownHostsFile=" + knownHosts;
    }

    @BeforeEach
    void makeMarks() throws Exception {
        marks = Files.createDirectories(IT.work().resolve("marks"));
    }

    @Test
    void aTagSelectsItsNodesWhichDeployAtTheSameTime() throws Exception {
        Path flake = fleet("v1", "true");

        Cmd.Result result = run(flake, "--on", "@web", "--parallel", "2");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(profileName(web1)).isEqualTo("web1-v1");
        assertThat(profileName(web2)).isEqualTo("web2-v1");
        assertThat(profileName(db)).as("@db is not selected").isEmpty();
        // each activation records when it ran: with two hosts at once, the two intervals overlap
        assertThat(mark("web1.start")).isLessThan(mark("web2.end"));
        assertThat(mark("web2.start")).isLessThan(mark("web1.end"));
    }

    @Test
    void parallelOneDeploysTheHostsOneAfterAnother() throws Exception {
        Path flake = fleet("v1", "true");

        Cmd.Result result = run(flake, "--on", "web*", "--parallel", "1");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(mark("web1.end")).isLessThanOrEqualTo(mark("web2.start"));
    }

    @Test
    void aFailedBatchStopsTheBatchesAfterIt() throws Exception {
        // nodes go in name order: db first, alone in its batch
        Path flake = fleet("v2", "echo db will not start; exit 1");

        Cmd.Result result = run(flake, "--batch-size", "1");

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ACTIVATION_FAILED.code);
        assertThat(result.stdout()).contains("skipped: an earlier batch failed");
        assertThat(profileName(db)).as("db's first activation failed and was removed").isEmpty();
        assertThat(profileName(web1)).isEmpty();
        assertThat(profileName(web2)).isEmpty();
    }

    @Test
    void whenOneHostFailsTheHostsConfirmedInTheSameRunAreRolledBack() throws Exception {
        assertThat(run(fleet("v1", "true"), "--on", "web1").exitCode()).isZero();

        Cmd.Result result = run(fleet("v2", "exit 1"), "--on", "web1,db");

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(ExitCode.ACTIVATION_FAILED.code);
        assertThat(result.stdout()).contains("rolled back because another profile failed");
        assertThat(profileName(web1)).isEqualTo("web1-v1");
    }

    @Test
    void onATerminalEachHostHasALiveLineAboveWhichTheLogScrolls() {
        String[] args = {".", "--skip-checks", "--on", "@web", "--ssh-opts", sshOpts};

        Cmd.Result result = IT.deploy().runInTerminal(fleet("v1", "true"), args);

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        String screen = result.stdout();
        assertThat(screen).contains("* web1.system").contains("* web2.system").as("erased and drawn again")
                .contains("\033[J");
        assertThat(screen).containsPattern("  web1.system +\\d+:\\d\\d  confirmed: ")
                .as("the log lines are all there too").contains("] web2.system  confirmed: generation 1");
        assertThat(screen.substring(screen.lastIndexOf("Summary:"))).doesNotContain("\033[");
    }

    @Test
    void nodesThatShareAHostDeployOneAfterTheOtherEvenInParallel() throws Exception {
        Path flake = IT.flake("shared", String.join("\n",
                node("app", web1, "web", "v1", "true").replace("profiles.system", "profiles.app"),
                node("tools", web1, "web", "v1", "true").replace("profiles.system", "profiles.tools")));

        Cmd.Result result = run(flake, "--parallel", "4");

        assertThat(result.exitCode()).as(result.stdout()).isZero();
        assertThat(mark("app.end") <= mark("tools.start") || mark("tools.end") <= mark("app.start"))
                .as("two activations never run on one host at once").isTrue();
    }

    @Test
    void aSelectorThatMatchesNothingListsNodesAndTagsAndTouchesNothing() {
        Cmd.Result result = run(fleet("v1", "true"), "--on", "@api");

        assertThat(result.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
        assertThat(result.stdout() + result.stderr()).contains("matches no node").contains("db, web1, web2")
                .contains("@db, @web");
        assertThat(profileName(web1)).isEmpty();
    }

    private Cmd.Result run(Path flake, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = ".";
        all[1] = "--skip-checks";
        System.arraycopy(args, 0, all, 2, args.length);
        all[args.length + 2] = "--ssh-opts";
        all[args.length + 3] = sshOpts;
        return IT.deploy().run(flake, all);
    }

    /** Nodes db (@db), web1 and web2 (@web); each activation marks its start and end; db's runs {@code dbScript}. */
    private Path fleet(String version, String dbScript) {
        return IT.flake(version, String.join("\n",
                node("db", db, "db", version, dbScript),
                node("web1", web1, "web", version, "true"),
                node("web2", web2, "web", version, "true")));
    }

    private String node(String name, TestHost host, String tag, String version, String script) {
        String activation = "date +%s%N > " + marks.resolve(name + ".start") + "; sleep 2; " + script + "; date +%s%N > "
                + marks.resolve(name + ".end");
        return String.join("\n",
                "    deploy.nodes." + name + " = {",
                "      hostname = \"" + host.address() + "\";",
                "      sshUser = \"root\";",
                "      tags = [ \"" + tag + "\" ];",
                "      profiles.system = { user = \"root\"; path = profile \"" + name + "-" + version + "\" "
                        + DeployFixture.nixString(activation) + "; };",
                "    };");
    }

    private long mark(String name) throws Exception {
        return Long.parseLong(Files.readString(marks.resolve(name)).trim());
    }

    private static String profileName(TestHost host) {
        return host.sh("cat /nix/var/nix/profiles/system/name 2>/dev/null || true").stdout().trim();
    }
}
