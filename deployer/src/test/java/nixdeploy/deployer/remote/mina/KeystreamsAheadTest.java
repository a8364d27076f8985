package nixdeploy.deployer.remote.mina;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeystreamsAheadTest {
    private final SecretKeySpec key = new SecretKeySpec(randomBytes(32), "ChaCha20");

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    /** Block 0 and the {@code length} bytes after it of ChaCha20 with the packet's nonce, as the JDK makes them. */
    private byte[] expected(long sequence, int length) throws Exception {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (sequence >>> (56 - 8 * i));
        }
        Cipher cipher = Cipher.getInstance("ChaCha20");
        cipher.init(Cipher.ENCRYPT_MODE, key, new ChaCha20ParameterSpec(nonce, 0));
        return cipher.update(new byte[64 + length]);
    }

    @Test
    void givesEachPacketTheKeystreamOfItsSequenceNumberMadeAheadOrNot() throws Exception {
        KeystreamsAhead keystreams = new KeystreamsAhead(key);
        long[] sequences = {5, 6, 7, 8, 12, 13, 14, 0xffffffffL, 0, 1};
        int[] lengths = {100, 32_768, 32_768, 32_800, 32_768, 20, 32_768, 32_768, 32_768, 50_000};
        for (int i = 0; i < sequences.length; i++) {
            byte[] stream = keystreams.take(sequences[i], lengths[i]);
            assertThat(Arrays.copyOf(stream, 64 + lengths[i])).as("packet %d", sequences[i])
                    .isEqualTo(expected(sequences[i], lengths[i]));
            keystreams.giveBack(stream);
        }
    }

    @Test
    void aKeystreamTheSenderMadeAheadAndThenDroppedIsMadeAgainForItsPacket() throws Exception {
        // slow helpers: while one makes packet 2, the sender makes packet 4 ahead itself
        SecretKeySpec slowOnHelpers = new SecretKeySpec(key.getEncoded(), "ChaCha20") {
            @Override
            public byte[] getEncoded() {
                if (Thread.currentThread().getName().equals("ssh-keystream")) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.getEncoded();
            }
        };
        KeystreamsAhead keystreams = new KeystreamsAhead(slowOnHelpers);
        keystreams.giveBack(keystreams.take(1, 32_768));
        Thread.sleep(50);
        byte[] second = keystreams.take(2, 32_768);
        keystreams.giveBack(second);
        Thread.sleep(800);
        // a small packet ends the bulk transfer, dropping packet 4's keystream; then packet 4 comes
        keystreams.giveBack(keystreams.take(3, 200));
        byte[] fourth = keystreams.take(4, 32_768);

        assertThat(Arrays.copyOf(second, 64 + 32_768)).isEqualTo(expected(2, 32_768));
        assertThat(Arrays.copyOf(fourth, 64 + 32_768)).isEqualTo(expected(4, 32_768));
    }

    @Test
    void aBulkPacketsSuccessorsAreMadeByAHelperWhileTheSenderWorks() throws Exception {
        KeystreamsAhead keystreams = new KeystreamsAhead(key);
        keystreams.giveBack(keystreams.take(1, 32_768));
        for (int i = 0; i < 1000 && keystreams.madeByHelpers() < 3; i++) {
            Thread.sleep(10);
        }

        byte[] second = keystreams.take(2, 32_768);

        assertThat(keystreams.madeByTaker()).isEqualTo(1);
        assertThat(Arrays.copyOf(second, 64 + 32_768)).isEqualTo(expected(2, 32_768));
    }

    @Test
    void aKeystreamAHelperFailedToMakeEvenWithAnErrorIsMadeAgainByTheSender() throws Exception {
        // the key itself fails on the helpers' threads, as a heap exhausted there would
        SecretKeySpec failingOnHelpers = new SecretKeySpec(key.getEncoded(), "ChaCha20") {
            @Override
            public byte[] getEncoded() {
                if (Thread.currentThread().getName().equals("ssh-keystream")) {
                    throw new OutOfMemoryError("Java heap space (a test's)");
                }
                return super.getEncoded();
            }
        };
        KeystreamsAhead keystreams = new KeystreamsAhead(failingOnHelpers);
        keystreams.giveBack(keystreams.take(1, 32_768));
        Thread.sleep(300);

        for (long sequence = 2; sequence <= 4; sequence++) {
            byte[] stream = keystreams.take(sequence, 32_768);
            assertThat(Arrays.copyOf(stream, 64 + 32_768)).as("packet %d", sequence).isEqualTo(expected(sequence, 32_768));
            keystreams.giveBack(stream);
        }
        assertThat(keystreams.madeByHelpers()).isZero();
    }

    @Test
    void packetsThatComeOneAtATimeAreMadeByTheSenderAndNoneAhead() throws Exception {
        KeystreamsAhead keystreams = new KeystreamsAhead(key);
        for (long sequence = 1; sequence <= 3; sequence++) {
            keystreams.giveBack(keystreams.take(sequence, 200));
        }

        Thread.sleep(100);
        assertThat(keystreams.madeByTaker()).isEqualTo(3);
        assertThat(keystreams.madeByHelpers()).isZero();
    }

    @Test
    void xorsTheBodyFromBlockOneWhateverItsLength() {
        byte[] stream = new byte[64 + 21];
        Arrays.fill(stream, 0, 64, (byte) 0x55);
        for (int i = 0; i < 21; i++) {
            stream[64 + i] = (byte) (i + 1);
        }
        byte[] data = new byte[25];

        KeystreamsAhead.xorBody(stream, data, 2, 21);

        for (int i = 0; i < 25; i++) {
            assertThat(data[i]).as("byte %d", i).isEqualTo((byte) (i >= 2 && i < 23 ? i - 1 : 0));
        }
    }
}
