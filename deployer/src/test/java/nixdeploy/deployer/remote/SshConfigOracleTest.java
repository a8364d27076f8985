package nixdeploy.deployer.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenSSH is the oracle: for each ssh_config fixture and host, the settings nixdeploy resolves
 * must be what {@code ssh -G -F FIXTURE HOST} prints (no network needed). {@code DIR} in a
 * fixture stands for the test's folder.
 */
class SshConfigOracleTest {
    static final String HOME = System.getProperty("user.home");

    @TempDir
    Path dir;

    @BeforeEach
    void needsOpenSsh() {
        Assumptions.assumeTrue(run(List.of("sh", "-c", "command -v ssh")).exitCode == 0, "needs OpenSSH's ssh");
    }

    static final String CORPUS = String.join("\n",
            "Include DIR/included/*.conf",
            "Host web-* !web-legacy",
            "  User deploy",
            "  Port 2222",
            "  IdentityFile ~/.ssh/web_key",
            "  IdentitiesOnly yes",
            "Host alias",
            "  HostName 10.1.2.3",
            "  ProxyJump jump@bastion:2200",
            "Host v6",
            "  HostName fd00:213:153::2",
            "Match originalhost matched user root",
            "  ConnectTimeout 7",
            "Match host 10.1.2.*",
            "  UserKnownHostsFile DIR/kh_%h DIR/second",
            "Match exec \"test %h = exec-yes\"",
            "  Port 2022",
            "Match localuser nobody-here",
            "  Port 1",
            "Host pattern?",
            "  HostKeyAlgorithms +ssh-rsa",
            "  StrictHostKeyChecking accept-new",
            "Host truthy",
            "  StrictHostKeyChecking true",
            "Host falsy",
            "  StrictHostKeyChecking false",
            "Host *",
            "  User fallback",
            "  IdentityFile DIR/any_key",
            "  GlobalKnownHostsFile DIR/global",
            "");

    @ParameterizedTest
    @ValueSource(strings = {"web-1", "web-legacy", "alias", "v6", "matched", "exec-yes", "exec-no", "pattern1",
            "truthy", "falsy", "included-host", "other"})
    void resolvesEveryHostAsSshDashGDoes(String host) throws IOException {
        Path config = fixture(CORPUS);
        Files.createDirectories(dir.resolve("included"));
        Files.writeString(dir.resolve("included/a.conf"), "Host included-host\n  HostName 192.0.2.9\n  Port 2299\n");

        assertThat(ours(config, host, List.of())).isEqualTo(openSsh(config, host, List.of()));
    }

    @Test
    void commandLineOptionsComeFirstAsWithOpenSsh() throws IOException {
        Path config = fixture(CORPUS);
        Files.writeString(dir.resolve("cli_key"), "");  // ssh leaves out an -i file that does not exist
        List<String> opts = List.of("-p", "2400", "-l", "someone", "-i", "DIR/cli_key", "-o", "Port=2500");

        assertThat(ours(config, "web-1", opts)).isEqualTo(openSsh(config, "web-1", opts));
    }

    @Test
    void aMatchBlockAboutOtherHostsNeverBreaksThisOne() throws IOException {
        // localnetwork (OpenSSH 9.4) is not decided by nixdeploy, but the host criterion before it already failed
        Path config = fixture("Match host elsewhere localnetwork 10.0.0.0/8\n  Port 99\nHost *\n  User u\n");

        SshSettings settings = resolve(config, "here", List.of());

        assertThat(settings.port()).isEqualTo(22);
        assertThat(settings.user()).isEqualTo("u");
    }

    @Test
    void aMatchCriterionThatCannotBeDecidedIsAnErrorNamingTheLine() throws IOException {
        Path config = fixture("Host *\n  User u\nMatch localnetwork 10.0.0.0/8\n  Port 99\n");

        assertThatThrownBy(() -> resolve(config, "here", List.of()))
                .hasMessageContaining("line 3").hasMessageContaining("Match localnetwork");
    }

    @Test
    void includeWithARelativePathIsUnderTheUsersSshFolder() throws IOException {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".ssh/conf.d"));
        Files.writeString(home.resolve(".ssh/config"), "Include conf.d/*\n");
        Files.writeString(home.resolve(".ssh/conf.d/b"), "Host box\n  HostName 192.0.2.7\n");

        SshSettings settings = SshSettings.resolve(SshTarget.of("box", null),
                new SshConfig(home, List.of(home.resolve(".ssh/config"))));

        assertThat(settings.hostName()).isEqualTo("192.0.2.7");
    }

    @Test
    void proxyCommandIsRefusedNamingWhereItWasSet() throws IOException {
        Path config = fixture("Host *\n  ProxyCommand nc %h %p\n");

        assertThatThrownBy(() -> resolve(config, "h", List.of()))
                .hasMessageContaining("ProxyCommand").hasMessageContaining("line 2").hasMessageContaining("ProxyJump");
    }

    @Test
    void proxyJumpBeforeProxyCommandWinsAsWithOpenSsh() throws IOException {
        Path config = fixture("Host *\n  ProxyJump bastion\n  ProxyCommand nc %h %p\n");

        assertThat(resolve(config, "h", List.of()).proxyJump()).contains("bastion");
    }

    @Test
    void settingsNotHonouredAreWarnings() throws IOException {
        Path config = fixture("Host *\n  SendEnv LANG\n  Tunnel yes\n  User u\n");

        assertThat(resolve(config, "h", List.of()).warnings()).containsExactly(
                "ssh config settings not supported by nixdeploy, ignored: tunnel (" + dir + "/config line 3)",
                "ssh config settings with no effect in nixdeploy: sendenv (" + dir + "/config line 2)");
    }

    @Test
    void aHostNameThatCouldBreakOutOfMatchExecIsRefusedBeforeAnyCommandRuns() throws IOException {
        assertThatThrownBy(() -> resolve(fixture("Host *\n  User u\n"), "x;touch /tmp/pwn", List.of()))
                .hasMessageContaining("'x;touch /tmp/pwn'").hasMessageContaining("host name");

        Path config = fixture("Match exec \"test %h = x\"\n  Port 2022\n");
        assertThatThrownBy(() -> resolve(config, "x;touch DIR/pwn".replace("DIR", dir.toString()), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("pwn")).doesNotExist();
    }

    @Test
    void aUserNameThatCouldBreakOutOfMatchExecIsRefusedBeforeAnyCommandRuns() throws IOException {
        Path config = fixture("Match exec \"test %r = x\"\n  Port 2022\n");
        String user = "u;touch DIR/pwn_user".replace("DIR", dir.toString());

        assertThatThrownBy(() -> SshSettings.resolve(SshTarget.of("h", user),
                new SshConfig(Path.of(HOME), List.of(config))))
                .hasMessageContaining("user name").hasMessageContaining("pwn_user");
        assertThat(dir.resolve("pwn_user")).doesNotExist();
    }

    @Test
    void aMatchExecCommandRunsOncePerConfigurationForTheSameHost() throws IOException {
        Path config = fixture("Match exec \"echo run >> DIR/runs\"\n  Port 2022\n");
        SshConfig shared = new SshConfig(Path.of(HOME), List.of(config));

        for (int i = 0; i < 3; i++) {
            assertThat(SshSettings.resolve(SshTarget.of("h", null), shared).port()).isEqualTo(2022);
        }

        assertThat(Files.readAllLines(dir.resolve("runs"))).containsExactly("run");
    }

    @Test
    void strictHostKeyCheckingNoFromAConfigFileIsAWarningNamingTheLine() throws IOException {
        Path config = fixture("Host *\n  User u\n  StrictHostKeyChecking no\n");

        SshSettings settings = resolve(config, "h", List.of());

        assertThat(settings.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_ANY);
        assertThat(settings.hostKeyPolicySource()).isEqualTo(dir + "/config line 3");
        assertThat(settings.warnings()).anySatisfy(w -> assertThat(w).contains("StrictHostKeyChecking=no")
                .contains("not checked").contains(dir + "/config line 3"));
    }

    @Test
    void harmlessSettingsOfTheSystemWideConfigAreDebugNotesOthersStayWarnings() throws IOException {
        Path user = dir.resolve("user_config");
        Files.writeString(user, "Host *\n  Compression yes\n");
        Path system = dir.resolve("ssh_config");
        Files.createDirectories(dir.resolve("ssh_config.d"));
        Files.writeString(dir.resolve("ssh_config.d/10-debian.conf"), "Host *\n  GSSAPIAuthentication yes\n");
        Files.writeString(system, "Include " + dir + "/ssh_config.d/*.conf\nHost *\n  SendEnv LANG LC_*\n"
                + "  ForwardAgent no\n  ForwardX11 yes\n  CheckHostIP yes\n  HashKnownHosts yes\n");

        SshSettings settings = SshSettings.resolve(SshTarget.of("h", null),
                new SshConfig(Path.of(HOME), List.of(user, system)));

        assertThat(String.join("\n", settings.warnings())).contains("compression", "forwardx11", "checkhostip")
                .doesNotContain("sendenv", "gssapiauthentication", "forwardagent");
        assertThat(settings.debugNotes()).singleElement().asString()
                .contains("sendenv", "gssapiauthentication", "forwardagent").doesNotContain("compression");
    }

    @Test
    void harmlessSettingsOfTheUsersOwnConfigAreStillWarnings() throws IOException {
        Path config = fixture("Host *\n  SendEnv LANG\n  GSSAPIAuthentication yes\n");

        assertThat(String.join("\n", resolve(config, "h", List.of()).warnings()))
                .contains("sendenv", "gssapiauthentication");
    }

    private Path fixture(String text) throws IOException {
        Path config = dir.resolve("config");
        Files.writeString(config, text.replace("DIR", dir.toString()));
        return config;
    }

    private SshSettings resolve(Path config, String host, List<String> opts) {
        SshTarget target = SshOptions.apply(SshTarget.of(host, null),
                opts.stream().map(o -> o.replace("DIR", dir.toString())).toList(), w -> {});
        return SshSettings.resolve(target, new SshConfig(Path.of(HOME), List.of(config)));
    }

    private Map<String, String> ours(Path config, String host, List<String> opts) {
        SshSettings s = resolve(config, host, opts);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("hostname", s.hostName());
        out.put("user", s.user());
        out.put("port", Integer.toString(s.port()));
        out.put("identityfile", String.join(" ", s.identityFiles().stream().map(Path::toString).toList()));
        out.put("identitiesonly", s.identitiesOnly() ? "yes" : "no");
        out.put("proxyjump", s.proxyJump().orElse("none"));
        out.put("userknownhostsfile", String.join(" ", s.userKnownHostsFiles().stream().map(Path::toString).toList()));
        out.put("globalknownhostsfile",
                String.join(" ", s.globalKnownHostsFiles().stream().map(Path::toString).toList()));
        out.put("stricthostkeychecking", switch (s.hostKeyPolicy()) {
            case STRICT -> "strict";
            case ACCEPT_NEW -> "accept-new";
            case ACCEPT_ANY -> "false";
        });
        out.put("connecttimeout", s.connectTimeout().equals(SshTarget.DEFAULT_CONNECT_TIMEOUT) ? "none"
                : Long.toString(s.connectTimeout().toSeconds()));
        out.put("hostkeyalgorithms.ssh-rsa", Boolean.toString(s.hostKeyAlgorithms().orElse("").contains("ssh-rsa")));
        return out;
    }

    private Map<String, String> openSsh(Path config, String host, List<String> opts) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-G", "-F", config.toString()));
        opts.forEach(o -> argv.add(o.replace("DIR", dir.toString())));
        argv.add(host);
        Result result = run(argv);
        assertThat(result.exitCode).as(result.output).isZero();
        Map<String, List<String>> printed = new LinkedHashMap<>();
        for (String line : result.output.split("\n")) {
            String[] kv = line.split(" ", 2);
            if (kv.length == 2) {
                printed.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1].replaceFirst("^~", HOME));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("hostname", printed.get("hostname").get(0));
        out.put("user", printed.get("user").get(0));
        out.put("port", printed.get("port").get(0));
        out.put("identityfile", String.join(" ", printed.get("identityfile")));
        out.put("identitiesonly", printed.get("identitiesonly").get(0));
        out.put("proxyjump", printed.getOrDefault("proxyjump", List.of("none")).get(0));
        out.put("userknownhostsfile", printed.get("userknownhostsfile").get(0));
        out.put("globalknownhostsfile", printed.get("globalknownhostsfile").get(0));
        String strict = printed.get("stricthostkeychecking").get(0);
        out.put("stricthostkeychecking", strict.equals("ask") || strict.equals("true") ? "strict" : strict);
        out.put("connecttimeout", printed.get("connecttimeout").get(0));
        out.put("hostkeyalgorithms.ssh-rsa",
                Boolean.toString(List.of(printed.get("hostkeyalgorithms").get(0).split(",")).contains("ssh-rsa")));
        return out;
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(false)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.getErrorStream().readAllBytes();
            p.waitFor(20, TimeUnit.SECONDS);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
