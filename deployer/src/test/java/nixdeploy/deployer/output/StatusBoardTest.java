package nixdeploy.deployer.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusBoardTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String screen() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    @Test
    void aLogLineGoesAboveTheBoardWhichIsErasedAndDrawnAgain() {
        StatusBoard board = new StatusBoard(80, 24);
        board.update("web1.system", "copying", false, 0);
        board.update("db.system", "activating", false, 0);
        board.redraw(out, 65_000);
        assertThat(screen()).isEqualTo("* web1.system   1:05  copying\n* db.system     1:05  activating\n");

        board.printAbove(out, "[12:00:00] web1.system  copied", 66_000);

        assertThat(screen()).startsWith("\r\033[2A\033[J[12:00:00] web1.system  copied\n* web1.system   1:06");
    }

    @Test
    void aFinishedProfileKeepsItsTimeAndLosesItsStar() {
        StatusBoard board = new StatusBoard(80, 24);
        board.update("web1.system", "copying", false, 0);
        board.update("web1.system", "confirmed", true, 3_000);

        board.redraw(out, 60_000);

        assertThat(screen()).isEqualTo("  web1.system   0:03  confirmed\n");
    }

    @Test
    void longLinesAreCutToTheTerminalSoTheyCannotWrap() {
        StatusBoard board = new StatusBoard(30, 24);
        board.update("web1.system", "activating /nix/store/aaaaaaaaaaaaaaaa-system", false, 0);

        board.redraw(out, 0);

        assertThat(screen()).isEqualTo("* web1.system   0:00  activat\n");
    }

    @Test
    void closingErasesTheBoardForGood() {
        StatusBoard board = new StatusBoard(80, 24);
        board.update("web1.system", "copying", false, 0);
        board.redraw(out, 0);
        screen();

        board.close(out);
        board.redraw(out, 0);

        assertThat(screen()).isEqualTo("\r\033[1A\033[J");
        assertThat(board.isEmpty()).isTrue();
    }

    @Test
    void moreProfilesThanRowsShowTheRunningOnesAndCountTheRest() {
        StatusBoard board = new StatusBoard(80, 6);
        for (int i = 1; i <= 6; i++) {
            board.update("host" + i + ".system", "copying", false, 0);
        }
        board.update("host1.system", "confirmed", true, 0);
        board.update("host2.system", "confirmed", true, 0);

        board.redraw(out, 0);

        assertThat(screen().lines().toList()).as("at most rows - 2 lines, so they can all be erased").containsExactly(
                "* host3.system   0:00  copying",
                "* host4.system   0:00  copying",
                "* host5.system   0:00  copying",
                "  ... 3 more (1 running); 4 running, 2 done in all");
    }

    @Test
    void aHostsMultiLineOrEscapeLadenTextTakesOneCleanLine() {
        StatusBoard board = new StatusBoard(80, 24);
        board.update("web.system", "failed: \033[2Jboom\nsecond line", true, 0);

        board.redraw(out, 0);

        assertThat(screen()).isEqualTo("  web.system   0:00  failed: ?[2Jboom\n");
    }
}
