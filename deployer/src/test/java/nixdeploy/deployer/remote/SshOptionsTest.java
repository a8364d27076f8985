package nixdeploy.deployer.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshOptionsTest {
    static final SshTarget BASE = SshTarget.of("web.example.org", null);
    static final Path HOME = Path.of(System.getProperty("user.home"));

    private final List<String> warnings = new ArrayList<>();

    SshTarget apply(String... args) {
        return SshOptions.apply(BASE, List.of(args), warnings::add);
    }

    @Test
    void noArgumentsKeepTheTarget() {
        assertThat(apply()).isEqualTo(BASE);
        assertThat(warnings).isEmpty();
    }

    @Test
    void setsThePortFromASeparateOrGluedValue() {
        assertThat(apply("-p", "22").port()).isEqualTo(22);
        assertThat(apply("-p2222").port()).isEqualTo(2222);
        assertThat(warnings).isEmpty();
    }

    @Test
    void addsIdentityFilesInOrder() {
        SshTarget target = apply("-i", "/keys/a", "-i/keys/b", "-o", "IdentityFile=~/.ssh/c");

        assertThat(target.identityFiles())
                .containsExactly(Path.of("/keys/a"), Path.of("/keys/b"), HOME.resolve(".ssh/c"));
    }

    @Test
    void keepsTheBaseTargetsIdentityFiles() {
        SshTarget base = SshOptions.apply(SshTarget.of("h", null), List.of("-i", "/base"), warnings::add);

        assertThat(SshOptions.apply(base, List.of("-i", "/extra"), warnings::add).identityFiles())
                .containsExactly(Path.of("/base"), Path.of("/extra"));
    }

    @Test
    void setsTheUserWithDashLOrUserOption() {
        assertThat(apply("-l", "deploy").effectiveUser()).isEqualTo("deploy");
        assertThat(apply("-o", "User=admin").effectiveUser()).isEqualTo("admin");
        assertThat(SshOptions.apply(SshTarget.of("h", "root"), List.of("-l", "deploy"), warnings::add)
                .effectiveUser()).as("-l wins over user@host, as with OpenSSH").isEqualTo("deploy");
    }

    @Test
    void setsAJumpHostAndTheFirstValueWinsAsWithOpenSsh() {
        assertThat(apply("-J", "bastion.example.org").proxyJump()).contains("bastion.example.org");
        // ssh -G -J bastion -o ProxyJump=none prints "proxyjump bastion"
        assertThat(apply("-J", "bastion", "-o", "ProxyJump=none").proxyJump()).contains("bastion");
        assertThat(apply("-o", "ProxyJump=none", "-J", "bastion").proxyJump()).isEmpty();
        assertThat(apply("-o", "ProxyJump=jump@bastion:2200").proxyJump()).contains("jump@bastion:2200");
    }

    @Test
    void readsOptionsWrittenAsKeyEqualsValueOrKeySpaceValue() {
        assertThat(apply("-o", "Port=2200").port()).isEqualTo(2200);
        assertThat(apply("-o", "Port 2201").port()).isEqualTo(2201);
        assertThat(apply("-oPort=2202").port()).isEqualTo(2202);
    }

    @Test
    void optionKeysIgnoreCase() {
        assertThat(apply("-o", "connecttimeout=3").connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void userKnownHostsFileExpandsTheHomeDirectoryAndTakesSeveralFiles() {
        SshTarget target = apply("-o", "UserKnownHostsFile=~/.ssh/known_hosts /etc/ssh/extra_hosts");

        assertThat(target.knownHostsFiles())
                .containsExactly(HOME.resolve(".ssh/known_hosts"), Path.of("/etc/ssh/extra_hosts"));
    }

    @Test
    void strictHostKeyCheckingIsOnByDefault() {
        assertThat(apply().hostKeyPolicy()).isEqualTo(HostKeyPolicy.STRICT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "ask", "YES", "true"})
    void strictHostKeyCheckingYesRefusesUnknownKeys(String value) {
        SshTarget strict = SshOptions.apply(BASE, List.of("-o", "StrictHostKeyChecking=" + value), warnings::add);

        assertThat(SshOptions.apply(strict, List.of("-o", "StrictHostKeyChecking=accept-new"), warnings::add)
                .hostKeyPolicy()).as("the first value wins, as with OpenSSH").isEqualTo(HostKeyPolicy.STRICT);
        assertThat(warnings).isEmpty();
    }

    @Test
    void strictHostKeyCheckingAcceptNewAcceptsUnknownKeysSilently() {
        assertThat(apply("-o", "StrictHostKeyChecking=accept-new").hostKeyPolicy())
                .isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(warnings).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"no", "off", "false"})
    void strictHostKeyCheckingNoAcceptsAnyKeyWithAWarning(String value) {
        assertThat(apply("-o", "StrictHostKeyChecking=" + value).hostKeyPolicy())
                .isEqualTo(HostKeyPolicy.ACCEPT_ANY);
        assertThat(warnings).singleElement().asString()
                .contains("StrictHostKeyChecking=" + value)
                .contains("any key is accepted")
                .contains("accept-new");
    }

    @Test
    void deployRsOwnTestOptionsAreAcceptedAsOpenSshWouldTakeThem() {
        SshTarget target = apply("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null");

        assertThat(target.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_ANY);
        assertThat(target.knownHostsFiles()).containsExactly(java.nio.file.Path.of("/dev/null"));
        assertThat(warnings).singleElement().asString().contains("StrictHostKeyChecking=no");
    }

    @Test
    void refusesAnUnknownStrictHostKeyCheckingValue() {
        assertThatThrownBy(() -> apply("-o", "StrictHostKeyChecking=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StrictHostKeyChecking must be yes, accept-new or no, not 'maybe'");
    }

    @Test
    void connectTimeoutSetsTheConnectTimeout() {
        assertThat(apply().connectTimeout()).isEqualTo(SshTarget.DEFAULT_CONNECT_TIMEOUT);
        assertThat(apply("-o", "ConnectTimeout=7").connectTimeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void refusesAConnectTimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> apply("-o", "ConnectTimeout=0"))
                .hasMessageContaining("ConnectTimeout must be a positive number, not '0'");
    }

    @Test
    void optionsWithoutEffectAreReportedNotDropped() {
        SshTarget target = apply("-o", "BatchMode=yes", "-o", "ControlMaster=auto");

        assertThat(target).isEqualTo(BASE);
        assertThat(warnings).containsExactly(
                "ssh option -o BatchMode has no effect in nixdeploy",
                "ssh option -o ControlMaster has no effect in nixdeploy (it never reuses connections)");
    }

    @Test
    void unsupportedOptionsAreReportedNotDropped() {
        SshTarget target = apply("-o", "Tunnel=yes", "-p", "22");

        assertThat(target.port()).isEqualTo(22);
        assertThat(warnings).containsExactly("ssh option -o Tunnel is not supported and was ignored");
    }

    @Test
    void unsupportedArgumentsAreReportedNotDropped() {
        apply("-v", "-A", "--foo");

        assertThat(warnings).containsExactly(
                "ssh argument '-v' is not supported and was ignored",
                "ssh argument '-A' is not supported and was ignored",
                "ssh argument '--foo' is not supported and was ignored");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "ssh", "", "22x"})
    void refusesAPortThatIsNotAPositiveNumber(String port) {
        assertThatThrownBy(() -> apply("-p", port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssh port must be a positive number, not '" + port + "'");
    }

    @Test
    void refusesAPortOutOfRange() {
        assertThatThrownBy(() -> apply("-p", "65536"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssh port 65536 is out of range (1-65535)");
        assertThatThrownBy(() -> apply("-o", "Port=99999")).hasMessageContaining("out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-p", "-i", "-l", "-J", "-o"})
    void refusesAFlagWithoutItsValue(String flag) {
        assertThatThrownBy(() -> apply(flag))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssh option " + flag + " needs a value");
    }

    @Test
    void refusesAnOptionThatIsNotKeyValue() {
        assertThatThrownBy(() -> apply("-o", "BatchMode"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not Key=Value");
    }

    @Test
    void describesTheTargetAsUserAtHostColonPort() {
        assertThat(apply("-l", "deploy", "-p", "2222").describe()).isEqualTo("deploy@web.example.org:2222");
        assertThat(apply().describe()).isEqualTo("web.example.org");
    }
}
