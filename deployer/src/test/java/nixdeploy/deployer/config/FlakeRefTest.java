package nixdeploy.deployer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlakeRefTest {

    @Test
    void aBareFlakeSelectsEveryNode() {
        assertThat(FlakeRef.parse(".")).isEqualTo(new FlakeRef(".", Optional.empty(), Optional.empty()));
    }

    @Test
    void aFragmentNamesANode() {
        assertThat(FlakeRef.parse(".#web")).isEqualTo(new FlakeRef(".", Optional.of("web"), Optional.empty()));
    }

    @Test
    void aDotAfterTheNodeNamesAProfile() {
        assertThat(FlakeRef.parse(".#web.system"))
                .isEqualTo(new FlakeRef(".", Optional.of("web"), Optional.of("system")));
    }

    @Test
    void anEmptyFlakeMeansTheCurrentDirectory() {
        assertThat(FlakeRef.parse("#web")).isEqualTo(new FlakeRef(".", Optional.of("web"), Optional.empty()));
    }

    @Test
    void anEmptyFragmentSelectsEveryNode() {
        assertThat(FlakeRef.parse(".#")).isEqualTo(new FlakeRef(".", Optional.empty(), Optional.empty()));
    }

    @Test
    void aRemoteFlakeKeepsItsWholeReference() {
        assertThat(FlakeRef.parse("github:me/infra#web"))
                .isEqualTo(new FlakeRef("github:me/infra", Optional.of("web"), Optional.empty()));
    }

    @Test
    void aQuotedNodeNameMayContainDots() {
        assertThat(FlakeRef.parse("path:/x#\"web.eu\".system"))
                .isEqualTo(new FlakeRef("path:/x", Optional.of("web.eu"), Optional.of("system")));
    }

    @Test
    void aQuotedNodeNameNeedNotBeFollowedByAProfile() {
        assertThat(FlakeRef.parse(".#\"web.eu\""))
                .isEqualTo(new FlakeRef(".", Optional.of("web.eu"), Optional.empty()));
    }

    @Test
    void aQuotedProfileNameLosesItsQuotes() {
        assertThat(FlakeRef.parse(".#web.\"a.b\""))
                .isEqualTo(new FlakeRef(".", Optional.of("web"), Optional.of("a.b")));
    }

    @Test
    void everythingAfterTheFirstDotIsTheProfile() {
        assertThat(FlakeRef.parse(".#web.eu.system").profile()).contains("eu.system");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void refusesAnEmptyTarget(String text) {
        assertThatThrownBy(() -> FlakeRef.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty target");
    }

    @Test
    void refusesANullTarget() {
        assertThatThrownBy(() -> FlakeRef.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnUnterminatedQuote() {
        assertThatThrownBy(() -> FlakeRef.parse(".#\"web.eu.system"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated quote")
                .hasMessageContaining(".#\"web.eu.system");
    }

    @Test
    void refusesTextGluedToAQuotedNodeName() {
        assertThatThrownBy(() -> FlakeRef.parse(".#\"web.eu\"system"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected '.'");
    }

    @ParameterizedTest
    @ValueSource(strings = {".#.system", ".#\"\"", ".#\"\".system"})
    void refusesAnEmptyNodeName(String text) {
        assertThatThrownBy(() -> FlakeRef.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty node name");
    }

    @Test
    void printsAsTheTargetItWasParsedFrom() {
        assertThat(FlakeRef.parse("github:me/infra#web.system")).hasToString("github:me/infra#web.system");
        assertThat(FlakeRef.parse(".")).hasToString(".");
    }
}
