package nixdeploy.deployer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's exit-code table and urgency order say what {@link ExitCode} says, word for word.
 *
 * <p>Every code has a test that produces it with the real {@code deploy} against test hosts, but 1:
 * <pre>
 *  0 OK                     DeployIT#aGoodProfileIsActivatedConfirmedAndASecondDeployCopiesNothing
 *  1 INTERNAL_ERROR         OutcomeTest#aBugInOneHostsTaskIsExitOne (unit: a bug has no real scenario)
 *  2 BAD_INPUT              DeployIT, NixLibraryIT, HealthCheckIT (bad settings), FleetIT (bad --on)
 *  3 BUILD_FAILED           DeployIT, DeployScenariosIT#withRemoteBuildTheHostBuildsTheProfileItself
 *  4 CONNECT_FAILED         DeployIT#aWrongHostKeyIsRefusedBeforeAnythingIsCopied, JumpHostIT, OpenSshParityIT
 *  5 ACTIVATION_FAILED      DeployIT#aFailingActivationScriptIsRolledBack, FleetIT, NixLibraryIT
 *  6 ROLLED_BACK            DeployIT#aProfileThatLocksOutSshIsRolledBackByTheHostItself, DeployFaultMatrixIT
 *  7 HEALTH_CHECK_FAILED    HealthCheckIT#aFailingCommandCheckRollsBackAndAHangingOneIsCutAtItsTimeout,
 *                           RollbackCommandIT
 *  8 STATE_UNKNOWN          ExitCodesIT#aHostUnreachablePastItsDeadlineIsExit8AndRollsBackByItself
 *  9 INTERRUPTED            ExitCodesIT#ctrlCDuringActivationIsExit9AndTheHostRollsBackAtOnce,
 *                           DeployScenariosIT#ctrlCWhileWaitingToConfirmRollsTheHostBackAtOnce
 * 10 ROLLBACK_FAILED        ExitCodesIT#aPreviousGenerationThatNoLongerActivatesIsExit10
 * 11 CONFIRMED_STEP_FAILED  ExitCodesIT#aFailingConfirmedStepIsExit11AndTheGenerationStaysConfirmed
 * 12 DECLINED               DeployRsScenariosIT#interactiveDeploysOnlyAfterYes
 * 13 HOST_UNSUPPORTED       DeployIT#anActivatorThatCannotStartIsReportedAsNotDeployedAndChangesNothing,
 *                           SignedCopyIT, HostWithoutJavaIT
 * 14 CACHE_PUSH_FAILED      BinaryCacheIT#aFailedPushStopsTheRunBeforeAnyHostIsCopiedToOrChanged
 * </pre>
 */
class ExitCodeDocsTest {
    private static final Path README = Path.of("..", "README.md");

    private static String section() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("### Exit codes");
        return readme.substring(start, readme.indexOf("\n## ", start));
    }

    @Test
    void theReadmeTableIsExitCodeJava() throws Exception {
        Map<Integer, String> documented = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\| (.+) \\|$").matcher(section());
        while (row.find()) {
            documented.put(Integer.parseInt(row.group(1)), row.group(2).replace("`", ""));
        }
        Map<Integer, String> source = new LinkedHashMap<>();
        Arrays.stream(ExitCode.values()).forEach(e -> source.put(e.code, e.meaning));

        assertThat(documented).containsExactlyEntriesOf(source);
    }

    @Test
    void theReadmeGivesTheUrgencyOrderOfExitCodeJava() throws Exception {
        String order = String.join(", ", ExitCode.MOST_URGENT_FIRST.stream()
                .filter(e -> e != ExitCode.OK).map(e -> Integer.toString(e.code)).toList());

        assertThat(section().replaceAll("\\s+", " ")).contains("in this order: " + order + " (");
    }

    @Test
    void everyCodeHasAnUrgency() {
        assertThat(ExitCode.MOST_URGENT_FIRST).containsExactlyInAnyOrder(ExitCode.values());
    }
}
