package nixdeploy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Quoting checked against real shells: whatever goes in must come out of printf unchanged. */
class ShellQuoteTest {
    private static final List<String> HOSTILE = List.of(
            "", " ", "a b", "  padded  ", "\t", "\n", "line1\nline2", "\r\n",
            "'", "''", "it's", "'\\''", "\"", "\"quoted\"", "\\", "a\\nb", "\\'",
            "$HOME", "${PATH}", "$(id)", "`id`", "$((1+1))", "$'\\x41'", "x'$(id)'y",
            ";", "a; rm -rf /", "&&", "||", "|", "&", "> /tmp/out", "<", "2>&1",
            "*", "?", "[a-z]*", "/nix/store/*", "{a,b}", "~", "~root", "#comment", "a=b",
            "!", "!!", "-n", "-e", "--help", "-", "%s", "%%", "%d",
            "\u0001\u001b[31m\u007f");

    static Stream<Arguments> hostileInEachShell() {
        return shells().stream().flatMap(shell -> HOSTILE.stream().map(s -> Arguments.of(shell, s)));
    }

    @ParameterizedTest(name = "{0}: [{1}]")
    @MethodSource("hostileInEachShell")
    void quotedWordReachesTheCommandUnchanged(String shell, String arg) throws Exception {
        assertThat(run(shell, "printf '%s' " + ShellQuote.quote(arg))).isEqualTo(arg);
    }

    @Test
    void nonAsciiTextReachesTheCommandUnchanged() throws Exception {
        Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                "the JVM can pass only UTF-8 command lines to a child unchanged");
        String arg = "héllo wörld ✓ 'ü'";
        assertThat(run("/bin/sh", "printf '%s' " + ShellQuote.quote(arg))).isEqualTo(arg);
    }

    @Test
    void commandKeepsEveryArgumentOneWordIncludingEmptyOnes() throws Exception {
        List<String> argv = new ArrayList<>(List.of("printf", "[%s]"));
        argv.addAll(HOSTILE);
        String expected = HOSTILE.stream().map(s -> "[" + s + "]").collect(Collectors.joining());

        for (String shell : shells()) {
            assertThat(run(shell, ShellQuote.command(argv))).as(shell).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nix/store/0c0123456789abcdfghijklmnpqrsvwx-hello-2.12", "--profile", "a=b,c:d@e%f+g"})
    void plainWordsStayUnquoted(String word) {
        assertThat(ShellQuote.quote(word)).isEqualTo(word);
    }

    @Test
    void emptyStringBecomesAnEmptyQuotedWord() {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
    }

    @Test
    void nulByteIsRejected() {
        assertThatThrownBy(() -> ShellQuote.quote("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void emptyCommandIsRejected() {
        assertThatThrownBy(() -> ShellQuote.command(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> shells() {
        return Stream.of("/bin/sh", "/bin/bash").filter(p -> Files.isExecutable(Path.of(p))).collect(Collectors.toList());
    }

    private static String run(String shell, String script) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(shell, "-c", script)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).as("exit status of %s -c %s", shell, script).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
