package nixdeploy.deployer.remote;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The names OpenSSH 9.6's valid_hostname and valid_ruser accept and refuse. */
class SshNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"web1", "web-1.example.org", "10.0.0.1", "fd00:213:153::2", "Web_1", "h%"})
    void acceptsOrdinaryHostNames(String host) {
        assertThatCode(() -> SshNames.checkHost(host)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x;touch /tmp/pwn", "-oProxyCommand=x", "a b", "a$(id)", "a`id`", "a|b", "a&b", "a\\b",
            "a'b", "a\"b", "a<b", "a>b", "a(b", "a{b", "a\tb", "a\nb", ""})
    void refusesHostNamesAShellWouldReadAsMore(String host) {
        assertThatThrownBy(() -> SshNames.checkHost(host)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + host + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"root", "deploy", "first.last", "DOMAIN\\user", "a b", "user@corp"})
    void acceptsOrdinaryUserNames(String user) {
        assertThatCode(() -> SshNames.checkUser(user)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"u;id", "u`id`", "u'", "u\"", "u|id", "u&", "u<", "u>", "u(", "u{", "a -oX", "u\\", ""})
    void refusesUserNamesAShellWouldReadAsMore(String user) {
        assertThatThrownBy(() -> SshNames.checkUser(user)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user name");
    }
}
