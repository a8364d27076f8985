package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenTest {
    private static final String TOKEN = "test-token_0123456789abcdef";

    @ParameterizedTest
    @ValueSource(strings = {TOKEN + "\n", TOKEN, TOKEN + "\r\n", "  " + TOKEN + "  \n"})
    void readsTheTokenOnTheFirstLine(String stdin) throws IOException {
        assertThat(Token.read(stdin(stdin))).contains(TOKEN);
    }

    @Test
    void readsOnlyTheFirstLine() throws IOException {
        InputStream in = stdin(TOKEN + "\nrest of input");

        assertThat(Token.read(in)).contains(TOKEN);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("rest of input");
    }

    @Test
    void emptyInputMeansNoToken() throws IOException {
        assertThat(Token.read(stdin(""))).isEmpty();
        assertThat(Token.read(stdin("  \t"))).isEmpty();
    }

    @Test
    void acceptsTheShortestAndLongestTokens() throws IOException {
        assertThat(Token.read(stdin("a".repeat(16)))).contains("a".repeat(16));
        assertThat(Token.read(stdin("a".repeat(256)))).contains("a".repeat(256));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "short-token\n", "has spaces inside it\n", "token/with/slashes12\n",
        "token$(reboot)123456\n", "tökenwithumlaut12345\n"})
    void rejectsInputThatIsNotAToken(String stdin) {
        assertThatThrownBy(() -> Token.read(stdin(stdin)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("confirmation token");
    }

    @Test
    void rejectsATokenOneCharacterTooLong() {
        assertThatThrownBy(() -> Token.read(stdin("a".repeat(257)))).isInstanceOf(IOException.class);
    }

    @Test
    void stopsReadingAnEndlessLine() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };

        assertThatThrownBy(() -> Token.read(endless))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("longer than 1024 bytes");
    }

    @Test
    void hashIsLowerCaseHexSha256() {
        assertThat(Token.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Token.hash(TOKEN)).matches("[0-9a-f]{64}").doesNotContain(TOKEN);
    }

    @Test
    void matchesOnlyTheHashOfTheSameToken() {
        String stored = Token.hash(TOKEN);

        assertThat(Token.matches(TOKEN, stored)).isTrue();
        assertThat(Token.matches(TOKEN + "x", stored)).isFalse();
        assertThat(Token.matches(TOKEN, stored.substring(1))).isFalse();
        assertThat(Token.matches(TOKEN, "")).isFalse();
        assertThat(Token.matches(TOKEN, null)).isFalse();
    }

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
