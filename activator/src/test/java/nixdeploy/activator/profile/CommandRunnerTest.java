package nixdeploy.activator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import nixdeploy.io.HeadTailBuffer;
import org.junit.jupiter.api.Test;

/** What a command prints reaches the consumer line by line, and never more than a line's two ends. */
class CommandRunnerTest {
    private static final long LINE_BOUND = 2 * HeadTailBuffer.DEFAULT_KEEP + 64;

    @Test
    void passesEachLineOnAndReportsTheExitCode() throws IOException {
        List<String> lines = new ArrayList<>();
        CommandRunner.Outcome outcome = CommandRunner.run(List.of("sh", "-c", "echo one; echo two >&2; exit 3"),
                Map.of(), null, 60, lines::add);

        assertThat(lines).containsExactlyInAnyOrder("one", "two");
        assertThat(outcome.exitCode()).isEqualTo(3);
    }

    @Test
    void twoHundredMebibytesWithoutANewlineArriveAsOneLineOfItsTwoEnds() throws IOException {
        List<String> lines = new ArrayList<>();
        CommandRunner.Outcome outcome = CommandRunner.run(List.of("sh", "-c",
                "printf start; head -c 209715200 /dev/zero | tr '\\000' x; printf end; echo; echo after"),
                Map.of(), null, 600, lines::add);

        assertThat(outcome.ok()).isTrue();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("startxxx").endsWith("xxxend").hasSizeLessThan((int) LINE_BOUND)
                .contains("[... " + (209715200 + "startend".length() - 2 * HeadTailBuffer.DEFAULT_KEEP)
                        + " bytes dropped ...]");
        assertThat(lines.get(1)).isEqualTo("after");
    }

    @Test
    void aFailingCheckQuotesOnlyTheEndsOfWhatItPrinted() {
        assertThatThrownBy(() -> CommandRunner.check(List.of("sh", "-c",
                "echo first; i=0; while [ $i -lt 20000 ]; do echo line-$i; i=$((i+1)); done; echo last; exit 1"), 600))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited 1: first")
                .hasMessageContaining("bytes dropped")
                .hasMessageEndingWith("last")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan((int) LINE_BOUND + 200));
    }
}
