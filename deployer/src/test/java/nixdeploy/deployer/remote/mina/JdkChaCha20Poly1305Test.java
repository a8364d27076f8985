package nixdeploy.deployer.remote.mina;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.junit.jupiter.api.Test;

class JdkChaCha20Poly1305Test {
    private final Random random = new Random(42);
    private final byte[] key = bytes(64);
    private final byte[] iv = {0, 0, 0, 0, 0, 0, 0, 3};

    @Test
    void encryptsPacketAfterPacketExactlyAsMinasOwnCipher() throws Exception {
        Cipher ours = new JdkChaCha20Poly1305();
        Cipher minas = BuiltinCiphers.cc20p1305_openssh.create();
        ours.init(Cipher.Mode.Encrypt, key, iv);
        minas.init(Cipher.Mode.Encrypt, key, iv);
        for (int length : new int[] {0, 12, 64, 65, 1000, 32768}) {
            byte[] packet = packet(length);
            byte[] copy = packet.clone();
            ours.updateWithAAD(packet, 0, 4, length);
            minas.updateWithAAD(copy, 0, 4, length);
            assertThat(packet).as("packet of %d bytes", length).isEqualTo(copy);
        }
    }

    @Test
    void decryptsWhatMinasOwnCipherEncrypted() throws Exception {
        Cipher minas = BuiltinCiphers.cc20p1305_openssh.create();
        Cipher ours = new JdkChaCha20Poly1305();
        minas.init(Cipher.Mode.Encrypt, key, iv);
        ours.init(Cipher.Mode.Decrypt, key, iv);
        for (int length : new int[] {8, 300, 32768, 16}) {
            byte[] plain = packet(length);
            byte[] packet = plain.clone();
            minas.updateWithAAD(packet, 0, 4, length);
            ours.updateWithAAD(packet, 0, 4, length);
            assertThat(Arrays.copyOf(packet, 4 + length)).isEqualTo(Arrays.copyOf(plain, 4 + length));
        }
    }

    @Test
    void refusesAPacketWhoseTagDoesNotMatch() throws Exception {
        Cipher sender = new JdkChaCha20Poly1305();
        Cipher receiver = new JdkChaCha20Poly1305();
        sender.init(Cipher.Mode.Encrypt, key, iv);
        receiver.init(Cipher.Mode.Decrypt, key, iv);
        byte[] packet = packet(100);
        sender.updateWithAAD(packet, 0, 4, 100);
        packet[50] ^= 1;
        assertThatThrownBy(() -> receiver.updateWithAAD(packet, 0, 4, 100)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void replacesOnlyMinasChaChaKeepingTheOrderOfPreference() {
        var factories = org.apache.sshd.client.SshClient.setUpDefaultClient().getCipherFactories();
        var replaced = JdkChaCha20Poly1305.replacing(factories);
        assertThat(replaced).extracting(f -> f.getName())
                .containsExactlyElementsOf(factories.stream().map(f -> f.getName()).toList());
        assertThat(replaced).contains(JdkChaCha20Poly1305.FACTORY);
        assertThat(replaced.get(replaced.indexOf(JdkChaCha20Poly1305.FACTORY)).create())
                .isInstanceOf(JdkChaCha20Poly1305.class);
    }

    /** A 4-byte length, {@code length} bytes of payload, room for the 16-byte tag. */
    private byte[] packet(int length) {
        byte[] packet = bytes(4 + length + 16);
        Arrays.fill(packet, 4 + length, packet.length, (byte) 0);
        return packet;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
