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
        StatusBoard board = new StatusBoard(80);
        board.update("web1.system", "copying", false, 0);
        board.update("db.system", "activating", false, 0);
        board.redraw(out, 65_000);
        assertThat(screen()).isEqualTo("* web1.system   1:05  copying\n* db.system     1:05  activating\n");

        board.printAbove(out, "[12:00:00] web1.system  copied", 66_000);

        assertThat(screen()).startsWith("\r\033[2A\033[J[12:00:00] web1.system  copied\n* web1.system   1:06");
    }

    @Test
    void aFinishedProfileKeepsItsTimeAndLosesItsStar() {
        StatusBoard board = new StatusBoard(80);
        board.update("web1.system", "copying", false, 0);
        board.update("web1.system", "confirmed", true, 3_000);

        board.redraw(out, 60_000);

        assertThat(screen()).isEqualTo("  web1.system   0:03  confirmed\n");
    }

    @Test
    void longLinesAreCutToTheTerminalSoTheyCannotWrap() {
        StatusBoard board = new StatusBoard(30);
        board.update("web1.system", "activating /nix/store/aaaaaaaaaaaaaaaa-system", false, 0);

        board.redraw(out, 0);

        assertThat(screen()).isEqualTo("* web1.system   0:00  activat\n");
    }

    @Test
    void closingErasesTheBoardForGood() {
        StatusBoard board = new StatusBoard(80);
        board.update("web1.system", "copying", false, 0);
        board.redraw(out, 0);
        screen();

        board.close(out);
        board.redraw(out, 0);

        assertThat(screen()).isEqualTo("\r\033[1A\033[J");
        assertThat(board.isEmpty()).isTrue();
    }
}
