package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellWordsTest {

    @Test
    void splitsOnRunsOfWhitespaceAndKeepsLeadingHyphens() {
        assertThat(ShellWords.split("  -p 22\t-o   Foo=bar \n")).containsExactly("-p", "22", "-o", "Foo=bar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void anEmptyOrBlankStringHasNoWords(String text) {
        assertThat(ShellWords.split(text)).isEmpty();
    }

    @Test
    void singleQuotesKeepEverythingLiterally() {
        assertThat(ShellWords.split("-o 'ProxyCommand ssh -W %h:%p \"jump\" \\n $HOME'"))
                .containsExactly("-o", "ProxyCommand ssh -W %h:%p \"jump\" \\n $HOME");
    }

    @Test
    void doubleQuotesKeepSpacesAndUnescapeOnlyShellSpecials() {
        assertThat(ShellWords.split("\"a b\" \"q\\\"d\" \"back\\\\slash\" \"\\$x\" \"\\`y\\`\" \"keep\\n\""))
                .containsExactly("a b", "q\"d", "back\\slash", "$x", "`y`", "keep\\n");
    }

    @Test
    void aBackslashOutsideQuotesEscapesTheNextCharacter() {
        assertThat(ShellWords.split("a\\ b \\'c\\' d\\\"")).containsExactly("a b", "'c'", "d\"");
    }

    @Test
    void aTrailingBackslashIsKept() {
        assertThat(ShellWords.split("a\\")).containsExactly("a\\");
    }

    @Test
    void quotedPartsJoinTheWordAroundThem() {
        assertThat(ShellWords.split("-o'User'=\"root\"x")).containsExactly("-oUser=rootx");
    }

    @Test
    void emptyQuotesMakeAnEmptyWord() {
        assertThat(ShellWords.split("a '' \"\" b")).containsExactly("a", "", "", "b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-o 'Foo=bar", "'", "it's"})
    void refusesAnUnterminatedSingleQuote(String text) {
        assertThatThrownBy(() -> ShellWords.split(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated '");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-o \"Foo=bar", "\"", "\"ends with escaped quote\\\""})
    void refusesAnUnterminatedDoubleQuote(String text) {
        assertThatThrownBy(() -> ShellWords.split(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated \"");
    }
}
