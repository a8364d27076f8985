package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command line's own answers, none of which evaluate a flake or reach a host. */
class MainTest {
    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    String out() {
        return output.out();
    }

    String err() {
        return output.err();
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertThat(Main.run(new String[] {"--help"})).isZero();
        assertThat(out()).contains("Usage: deploy").contains("--dry-activate").contains("Exit codes (").contains(" 13  a host cannot run this deploy");
    }

    @Test
    void versionPrintsTheVersionAndSucceeds() {
        assertThat(Main.run(new String[] {"--version"})).isZero();
        assertThat(out()).startsWith("nixdeploy ").contains("activator protocol");
    }

    @Test
    void anUnknownOptionIsBadInputAndPointsToHelp() {
        assertThat(Main.run(new String[] {"--frobnicate", ".#web"})).isEqualTo(2);
        assertThat(err()).contains("error: ").contains("--frobnicate").contains("Run 'deploy --help'");
    }

    @Test
    void aBadOptionValueIsBadInput() {
        assertThat(Main.run(new String[] {"--confirm-timeout", "soon"})).isEqualTo(2);
        assertThat(err()).contains("Run 'deploy --help'");
    }

    @Test
    void argumentsAfterADoubleDashAreNotOptionsOfDeploy() {
        assertThat(Main.run(new String[] {"--help", "--", "--frobnicate"})).isZero();
    }

    @Test
    void dryActivateAndBootTogetherAreBadInputBeforeAnythingIsEvaluated() {
        assertThat(Main.run(new String[] {"--dry-activate", "--boot", "./does-not-exist#web"})).isEqualTo(2);
        assertThat(out()).contains("error: --dry-activate and --boot exclude each other")
                .doesNotContain("evaluating");
    }

    @Test
    void anUnterminatedQuoteInSshOptsIsBadInputBeforeAnythingIsEvaluated() {
        assertThat(Main.run(new String[] {"--ssh-opts", "-o 'User=root", "./does-not-exist#web"})).isEqualTo(2);
        assertThat(out()).contains("error: --ssh-opts: unterminated '").doesNotContain("evaluating");
    }

    @Test
    void aTimeoutOutOfRangeIsBadInputBeforeAnythingIsEvaluated() {
        assertThat(Main.run(new String[] {"--confirm-timeout", "0", "./does-not-exist#web"})).isEqualTo(2);
        assertThat(out()).contains("seconds from 1 to 86400").doesNotContain("evaluating");
    }

    @Test
    void jsonModeReportsTheErrorAsAnEvent() {
        assertThat(Main.run(new String[] {"--json", "--dry-activate", "--boot"})).isEqualTo(2);
        assertThat(out()).contains("\"type\":\"error\"").contains("exclude each other");
    }

    @Test
    void jsonModeReportsAnUnknownOptionAsAnEventAndPrintsNothingElseOnStdout() {
        assertThat(Main.run(new String[] {"--json", "--frobnicate", ".#web"})).isEqualTo(2);
        assertThat(out().lines()).singleElement().satisfies(line -> assertThat(
                com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("type").getAsString())
                .isEqualTo("error"));
        assertThat(out()).contains("--frobnicate").contains("deploy --help");
        assertThat(err()).contains("error: ");
    }

    @Test
    void jsonModeReportsABadOptionValueAsAnEvent() {
        assertThat(Main.run(new String[] {"--confirm-timeout", "soon", "--json"})).isEqualTo(2);
        assertThat(out().lines()).singleElement().asString().startsWith("{\"type\":\"error\"").contains("soon");
    }

    @Test
    void jsonModeOfStatusReportsAnUnknownOptionAsAnEvent() {
        assertThat(Main.run(new String[] {"status", "--json", "--frobnicate"})).isEqualTo(2);
        assertThat(out().lines()).singleElement().asString().startsWith("{\"type\":\"error\"")
                .contains("--frobnicate");
    }

    @Test
    void withoutJsonAnUnknownOptionPrintsNothingOnStdout() {
        assertThat(Main.run(new String[] {"--frobnicate"})).isEqualTo(2);
        assertThat(out()).isEmpty();
    }
}
