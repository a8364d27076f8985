package nixdeploy.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import nixdeploy.protocol.ActivatorExit;
import org.junit.jupiter.api.Test;

class AwaitGoTest {

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theGoLineIsReadAloneSoTheTokenAfterItStaysForTheCommand() throws Exception {
        InputStream in = stdin("go\nthe-token\n");

        assertThat(Main.awaitGo(in)).isTrue();
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("the-token\n");
    }

    @Test
    void endOfInputOrAnyOtherLineIsNoGo() {
        assertThat(Main.awaitGo(stdin(""))).isFalse();
        assertThat(Main.awaitGo(stdin("go"))).as("a go cut off before its line break").isFalse();
        assertThat(Main.awaitGo(stdin("stop\ngo\n"))).isFalse();
        assertThat(Main.awaitGo(stdin("gone\n"))).isFalse();
    }

    @Test
    void withoutAGoNothingRuns() {
        InputStream before = System.in;
        try {
            System.setIn(stdin(""));
            assertThat(Main.run(List.of(Main.AWAIT_GO, "activate", "--profile", "/nonexistent/p", "--closure",
                    "/nix/store/x"))).isEqualTo(ActivatorExit.BAD_INPUT);
        } finally {
            System.setIn(before);
        }
    }
}
