package nixdeploy.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeadTailBufferTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void keepsEverythingThatFits() {
        HeadTailBuffer buffer = new HeadTailBuffer(4, 4);
        buffer.write("abcdefgh".getBytes(StandardCharsets.UTF_8));

        assertThat(buffer.toString()).isEqualTo("abcdefgh");
        assertThat(buffer.dropped()).isZero();
    }

    @Test
    void keepsTheHeadAndTheTailAndNamesWhatItDropped() {
        HeadTailBuffer buffer = new HeadTailBuffer(4, 4);
        buffer.write("abcd-the middle-wxyz".getBytes(StandardCharsets.UTF_8));

        assertThat(buffer.toString()).isEqualTo("abcd[... 12 bytes dropped ...]wxyz");
        assertThat(buffer.size()).isEqualTo(20);
    }

    @Test
    void theTailFollowsWritesOfEverySize() {
        HeadTailBuffer buffer = new HeadTailBuffer(2, 5);
        for (byte b : "ab0123".getBytes(StandardCharsets.UTF_8)) {
            buffer.write(b);
        }
        buffer.write("45678".getBytes(StandardCharsets.UTF_8), 0, 3);
        buffer.write("9XYZW".getBytes(StandardCharsets.UTF_8));

        assertThat(buffer.toString()).isEqualTo("ab[... 7 bytes dropped ...]9XYZW");
    }

    @Test
    void aTailStartingInsideACharacterSkipsItsRest() {
        HeadTailBuffer buffer = new HeadTailBuffer(1, 3);
        buffer.write("a\u00e9\u00e9".getBytes(StandardCharsets.UTF_8));

        assertThat(buffer.toString()).isEqualTo("a[... 1 bytes dropped ...]\u00e9");
    }

    @Test
    void resetStartsOver() {
        HeadTailBuffer buffer = new HeadTailBuffer(2, 2);
        buffer.write("abcdef".getBytes(StandardCharsets.UTF_8));
        buffer.reset();
        buffer.write("xy".getBytes(StandardCharsets.UTF_8));

        assertThat(buffer.toString()).isEqualTo("xy");
    }

    @Test
    void hundredsOfMebibytesCostNoMoreThanItsTwoEnds() {
        HeadTailBuffer buffer = new HeadTailBuffer();
        byte[] chunk = new byte[(int) MIB];
        java.util.Arrays.fill(chunk, (byte) 'x');
        long before = Allocation.ofThisThread();
        for (int i = 0; i < 512; i++) {
            buffer.write(chunk);
        }
        long allocated = Allocation.ofThisThread() - before;

        assertThat(buffer.size()).isEqualTo(512 * MIB);
        assertThat(buffer.retained()).isEqualTo(2 * HeadTailBuffer.DEFAULT_KEEP);
        assertThat(allocated).as("bytes allocated while 512 MiB were written").isLessThan(MIB);
        assertThat(buffer.toString()).contains("[... " + (512 * MIB - 2 * HeadTailBuffer.DEFAULT_KEEP)
                + " bytes dropped ...]");
    }
}
