package nixdeploy.io;

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

    @Test
    void dropsTheCarriageReturnOfAWindowsLineEnding() throws IOException {
        write("a\r\nb\rc\r");
        sink.close();

        assertThat(lines).containsExactly("a", "b\rc\r");
    }

    @Test
    void aLongLineKeepsItsStartAndEndAndSaysWhatWasDropped() throws IOException {
        LineSink small = new LineSink(lines::add, 3);
        small.write("start-middle-end\nnext\n".getBytes(StandardCharsets.UTF_8));

        assertThat(lines).containsExactly("sta[... 10 bytes dropped ...]end", "next");
    }

    @Test
    void hundredsOfMebibytesWithoutANewlineDoNotGrowTheHeap() throws IOException {
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        chunk[chunk.length - 1] = '\n';
        long before = Allocation.ofThisThread();
        for (int i = 0; i < 511; i++) {
            chunk[chunk.length - 1] = 'x';
            sink.write(chunk);
        }
        chunk[chunk.length - 1] = '\n';
        sink.write(chunk);
        long allocated = Allocation.ofThisThread() - before;

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).hasSizeLessThan(2 * HeadTailBuffer.DEFAULT_KEEP + 64)
                .contains("[... " + (512L * 1024 * 1024 - 1 - 2 * HeadTailBuffer.DEFAULT_KEEP) + " bytes dropped ...]");
        assertThat(allocated).as("bytes allocated while a 512 MiB line was written").isLessThan(4L * 1024 * 1024);
    }

    @Test
    void manyShortLinesStreamOutAsTheyCome() throws IOException {
        byte[] chunk = "0123456789abcde\n".repeat(65536).getBytes(StandardCharsets.UTF_8);
        long[] count = {0};
        LineSink counting = new LineSink(line -> count[0]++);
        for (int i = 0; i < 256; i++) {
            counting.write(chunk);
        }

        assertThat(count[0]).isEqualTo(256L * 65536);
    }
}
