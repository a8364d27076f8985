package nixdeploy.deployer.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSinkTest {
    private final List<String> lines = new ArrayList<>();
    private final LineSink sink = new LineSink(lines::add);

    void write(String text) throws IOException {
        sink.write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void handsOverEachCompleteLineWithoutItsNewline() throws IOException {
        write("first\nsecond\n");

        assertThat(lines).containsExactly("first", "second");
    }

    @Test
    void joinsALineSplitAcrossWrites() throws IOException {
        write("act");
        write("ivat");
        assertThat(lines).isEmpty();

        write("ing\ndone\n");
        assertThat(lines).containsExactly("activating", "done");
    }

    @Test
    void keepsEmptyLines() throws IOException {
        write("a\n\n\nb\n");

        assertThat(lines).containsExactly("a", "", "", "b");
    }

    @Test
    void emitsTheLastPartialLineOnClose() throws IOException {
        write("a\nno newline at the end");
        assertThat(lines).containsExactly("a");

        sink.close();
        assertThat(lines).containsExactly("a", "no newline at the end");
    }

    @Test
    void closingAfterACompleteLineAddsNothing() throws IOException {
        write("a\n");
        sink.close();
        sink.close();

        assertThat(lines).containsExactly("a");
    }

    @Test
    void decodesAMultiByteCharacterSplitAcrossWrites() throws IOException {
        byte[] bytes = "caf\u00e9 \u2713\n".getBytes(StandardCharsets.UTF_8);
        int middleOfE = "caf".length() + 1;
        sink.write(Arrays.copyOfRange(bytes, 0, middleOfE));
        sink.write(Arrays.copyOfRange(bytes, middleOfE, bytes.length));

        assertThat(lines).containsExactly("caf\u00e9 \u2713");
    }

    @Test
    void writesOnlyTheGivenSliceOfTheArray() throws IOException {
        byte[] bytes = "xxhello\nyy".getBytes(StandardCharsets.UTF_8);
        sink.write(bytes, 2, 6);

        assertThat(lines).containsExactly("hello");
    }

    @Test
    void acceptsSingleBytes() throws IOException {
        sink.write('o');
        sink.write('k');
        sink.write('\n');

        assertThat(lines).containsExactly("ok");
    }
}
