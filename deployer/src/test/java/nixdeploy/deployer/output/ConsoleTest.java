package nixdeploy.deployer.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Console console(boolean debug, boolean json) {
        return new Console(new PrintStream(bytes, true, StandardCharsets.UTF_8), debug, json);
    }

    List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    List<JsonObject> events() {
        return lines().stream().map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
    }

    @Test
    void jsonModePrintsOneObjectPerLineWithTypeTimeAndProfile() {
        Console console = console(false, true);
        console.info("web.system", "copying 3 paths");
        console.output("web.system", "starting nginx");
        console.warn("web.system", "slow host");

        List<JsonObject> events = events();
        assertThat(events).hasSize(3);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("profile").getAsString()).isEqualTo("web.system");
            assertThat(Instant.parse(e.get("time").getAsString())).isBeforeOrEqualTo(Instant.now());
        });
        assertThat(events).extracting(e -> e.get("type").getAsString())
                .containsExactly("progress", "output", "warning");
        assertThat(events.get(0).get("message").getAsString()).isEqualTo("copying 3 paths");
        assertThat(events.get(1).get("line").getAsString()).isEqualTo("starting nginx");
        assertThat(events.get(2).get("message").getAsString()).isEqualTo("slow host");
    }

    @Test
    void jsonModeStartsEachObjectWithItsType() {
        console(false, true).info("web.system", "x");

        assertThat(lines()).singleElement().asString().startsWith("{\"type\":\"progress\",\"time\":\"");
    }

    @Test
    void jsonModeLeavesOutTheProfileOfEventsAboutNoProfile() {
        Console console = console(false, true);
        console.info("", "evaluating .#deploy");
        console.error("no node 'x'");

        assertThat(events()).allSatisfy(e -> assertThat(e.has("profile")).isFalse());
        assertThat(events().get(1).get("type").getAsString()).isEqualTo("error");
        assertThat(events().get(1).get("message").getAsString()).isEqualTo("no node 'x'");
    }

    @Test
    void jsonModeKeepsMultiLineTextInOneLineAndDoesNotEscapeHtml() {
        console(false, true).output("web.system", "a <b>\n& c");

        assertThat(lines()).singleElement().asString().contains("a <b>\\n& c");
        assertThat(events().get(0).get("line").getAsString()).isEqualTo("a <b>\n& c");
    }

    @Test
    void jsonModeReportsStructuredEventsButNoPlainText() {
        Console console = console(false, true);
        console.report("result", "web.system", Map.of("ok", true, "status", "confirmed"), "confirmed");
        console.plain("Summary:");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.get("type").getAsString()).isEqualTo("result");
            assertThat(e.get("ok").getAsBoolean()).isTrue();
            assertThat(e.get("status").getAsString()).isEqualTo("confirmed");
        });
    }

    @Test
    void textModePrintsTimestampedLinesPrefixedByTheProfile() {
        Console console = console(false, false);
        console.info("web.system", "copying 3 paths");
        console.warn("web.system", "slow host");
        console.info("", "evaluating");

        assertThat(lines()).hasSize(3);
        assertThat(lines().get(0)).matches("\\[\\d\\d:\\d\\d:\\d\\d] web\\.system  copying 3 paths");
        assertThat(lines().get(1)).matches("\\[\\d\\d:\\d\\d:\\d\\d] web\\.system  warning: slow host");
        assertThat(lines().get(2)).matches("\\[\\d\\d:\\d\\d:\\d\\d] evaluating");
    }

    @Test
    void textModeIndentsScriptOutputUnderItsProfile() {
        console(false, false).output("web.system", "starting nginx");

        assertThat(lines()).containsExactly("           web.system    | starting nginx");
    }

    @Test
    void textModePrintsPlainTextAndErrorsAndTheHumanFormOfReports() {
        Console console = console(false, false);
        console.plain("Summary:");
        console.error("no node 'x'");
        console.report("result", "web.system", Map.of("ok", true), null);
        console.report("phase", "web.system", Map.of(), "activating");

        assertThat(lines()).hasSize(3);
        assertThat(lines().get(0)).isEqualTo("Summary:");
        assertThat(lines().get(1)).isEqualTo("error: no node 'x'");
        assertThat(lines().get(2)).endsWith("web.system  activating");
    }

    @Test
    void debugLinesAppearOnlyWhenEnabled() {
        console(false, false).debug("web.system", "hidden");
        console(false, true).debug("web.system", "hidden");
        assertThat(lines()).isEmpty();

        Console text = console(true, false);
        assertThat(text.debugEnabled()).isTrue();
        text.debug("web.system", "shown");
        assertThat(lines()).singleElement().asString().endsWith("web.system  debug: shown");
    }

    @Test
    void debugEventsInJsonModeHaveTheirOwnType() {
        console(true, true).debug("web.system", "shown");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.get("type").getAsString()).isEqualTo("debug");
            assertThat(e.get("message").getAsString()).isEqualTo("shown");
        });
    }

    @Test
    void aPromptOnTheTerminalGetsTheLiveLinesOutOfItsWay() {
        Console console = console(false, false);
        console.live(24, 80);
        console.info("web.system", "copying");
        bytes.reset();

        String answer = console.withoutLive(() -> {
            assertThat(bytes.toString(StandardCharsets.UTF_8)).as("the live line is erased").isEqualTo("\r\033[1A\033[J");
            return "secret";
        });

        assertThat(answer).isEqualTo("secret");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).as("and drawn again after").endsWith("copying\n");
        console.endLive();
    }

    @Test
    void withoutATerminalThereAreNoLiveLines() {
        Console console = console(false, false);
        console.info("web.system", "copying");
        console.status("web.system", "copying 1.0 MiB of 2.0 MiB");

        assertThat(lines()).singleElement().asString().endsWith("web.system  copying");
    }
}
