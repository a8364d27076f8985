package nixdeploy.deployer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code deploy rollback}'s own refusals: exit 2 before any flake is evaluated or host reached. */
class RollbackCommandTest {
    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    private String said() {
        return output.all();
    }

    @Test
    void aTargetWithoutANodeIsRefused() {
        assertThat(Main.run(new String[] {"rollback", "/nonexistent-flake"})).isEqualTo(2);
        assertThat(said()).contains("takes one node");
    }

    @Test
    void generationZeroIsRefused() {
        assertThat(Main.run(new String[] {"rollback", "/nonexistent-flake#web", "--to", "0"})).isEqualTo(2);
        assertThat(said()).contains("--to takes a generation number from 1");
    }

    @Test
    void aTargetIsRequired() {
        assertThat(Main.run(new String[] {"rollback"})).isEqualTo(2);
        assertThat(said()).contains("TARGET");
    }

    @Test
    void theHelpListsRollbackAndDryRun() {
        assertThat(Main.run(new String[] {"--help"})).isZero();
        assertThat(said()).contains("rollback").contains("--dry-run");
    }

    @Test
    void theSharedOptionsStandInDeploysOrderAndHelpAndVersionComeLast() {
        assertThat(Main.run(new String[] {"--help"})).isZero();
        String help = said();
        assertThat(at(help, "--hostname=")).isLessThan(at(help, "--fast-connection="));
        assertThat(at(help, "--fast-connection=")).isLessThan(at(help, "--auto-rollback="));
        assertThat(at(help, "--temp-path=")).isLessThan(at(help, "--dry-activate "));
        assertThat(at(help, "--json ")).isLessThan(at(help, "-h, --help"));
        assertThat(at(help, "-h, --help")).isLessThan(at(help, "-V, --version"));
    }

    @Test
    void rollbackTakesTheSharedOptionsWithHelpAndVersionLast() {
        assertThat(Main.run(new String[] {"rollback", "--help"})).isZero();
        String help = said();
        assertThat(help).contains("--ssh-opts=", "--magic-rollback=", "--check-http=", "--skip-health-checks",
                "--json", "--debug-logs");
        assertThat(at(help, "--to=")).isLessThan(at(help, "--ssh-user="));
        assertThat(at(help, "--json ")).isLessThan(at(help, "-h, --help"));
    }

    /** Where {@code option} starts its line in the option list (the synopsis names it too). */
    private static int at(String help, String option) {
        int at = help.indexOf((option.startsWith("--") ? "\n      " : "\n  ") + option);
        assertThat(at).as(option + " in the option list").isPositive();
        return at;
    }
}
