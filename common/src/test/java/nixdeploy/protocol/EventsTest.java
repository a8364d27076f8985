package nixdeploy.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventsTest {
    @Test
    void decodeReadsBackEveryFieldEncodeWrote() {
        Event event = Event.of(EventType.AWAITING_CONFIRMATION)
                .message("waiting <30 s> for \"web1\" & 'db' ✓\nsecond line")
                .line("\ttab\\backslash")
                .generation(12L)
                .previousGeneration(11L)
                .deadline(1_767_225_600_000L)
                .state(DeploymentState.AWAITING)
                .exitCode(0);
        event.protocol = Events.PROTOCOL_VERSION;

        Optional<Event> decoded = Events.decode(Events.encode(event));

        assertThat(decoded).get().usingRecursiveComparison().isEqualTo(event);
    }

    @Test
    void encodingIsOneLineWithNullFieldsLeftOut() {
        String json = Events.encode(Event.of(EventType.OUTPUT).line("a\nb"));

        assertThat(json).isEqualTo("{\"type\":\"OUTPUT\",\"line\":\"a\\nb\"}");
    }

    @Test
    void encodingKeepsHtmlCharactersReadable() {
        assertThat(Events.encode(Event.of(EventType.OUTPUT).line("<a href='x'>&</a>")))
                .contains("<a href='x'>&</a>");
    }

    @Test
    void decodeAcceptsSurroundingWhitespace() {
        assertThat(Events.decode("  {\"type\":\"HELLO\",\"protocol\":1}\r\n"))
                .get().satisfies(e -> {
                    assertThat(e.type).isEqualTo(EventType.HELLO);
                    assertThat(e.protocol).isEqualTo(1);
                });
    }

    @Test
    void decodeIgnoresFieldsItDoesNotKnow() {
        assertThat(Events.decode("{\"type\":\"SWITCHED\",\"generation\":3,\"fromTheFuture\":[1,{}]}"))
                .get().extracting(e -> e.generation).isEqualTo(3L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "activating the configuration...", "building '/nix/store/abc-foo.drv'", "[1,2]", "null",
        "\"HELLO\"", "{", "{\"type\":", "{not json at all", "{}", "{\"type\":null}", "{\"message\":\"no type\"}",
        "{\"type\":\"NO_SUCH_TYPE\"}", "{\"type\":\"HELLO\",\"protocol\":\"one\"}",
        "{\"type\":\"HELLO\",\"generation\":1.5}", "{\"type\":\"HELLO\",\"message\":{}}",
        "{\"type\":\"HELLO\"} trailing", "{\"type\":\"HELLO\"}{\"type\":\"HELLO\"}"
    })
    void linesThatAreNotEventsDecodeToEmpty(String line) {
        assertThat(Events.decode(line)).isEmpty();
    }
}
