package nixdeploy.deployer.remote.mina;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import nixdeploy.deployer.Background;
import org.apache.sshd.client.kex.DHGClient;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.digest.Digest;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.DHFactory;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.kex.MontgomeryCurve;
import org.apache.sshd.common.kex.XDH;

/**
 * OpenSSH's default key exchange, {@code sntrup761x25519-sha512}, with the client's sntrup761 key
 * pair made ahead of the connection that uses it. Making one takes Bouncy Castle 20 to 70 ms of
 * CPU (the X25519 half well under 1), which MINA spends inside the key exchange, on the critical
 * path of every connection; here a background thread makes the next pair while the deployer
 * evaluates, builds or waits, and each connection takes one. Each pair is used for one connection
 * only and lives in memory only, as an ephemeral key made at the key exchange does.
 */
final class SntrupKeysAhead {
    private static final Set<String> NAMES = Set.of(BuiltinDHFactories.sntrup761x25519_openssh.getName(),
            BuiltinDHFactories.sntrup761x25519.getName());
    private static CompletableFuture<KeyEncapsulationMethod.Client> next;

    private SntrupKeysAhead() {}

    /** Starts making the first key pair, if none is on its way. */
    static synchronized void prime() {
        if (next == null && BuiltinKEM.sntrup761.isSupported()) {
            next = Background.supply(SntrupKeysAhead::make);
        }
    }

    /** A key pair made ahead (or now, if none was), and the next one started. */
    private static KeyEncapsulationMethod.Client take() {
        CompletableFuture<KeyEncapsulationMethod.Client> mine;
        synchronized (SntrupKeysAhead.class) {
            mine = next != null ? next : Background.supply(SntrupKeysAhead::make);
            next = Background.supply(SntrupKeysAhead::make);
        }
        return mine.join();
    }

    private static KeyEncapsulationMethod.Client make() {
        KeyEncapsulationMethod.Client client = BuiltinKEM.sntrup761.getClient();
        client.init();
        return client;
    }

    /** MINA's key exchanges, with the sntrup761 ones (both names) replaced by these. */
    static List<KeyExchangeFactory> replacing(List<KeyExchangeFactory> factories) {
        return factories.stream()
                .map(f -> NAMES.contains(f.getName()) ? DHGClient.newFactory(new Factory(f.getName())) : f)
                .toList();
    }

    record Factory(String getName) implements DHFactory {
        @Override
        public boolean isGroupExchange() {
            return false;
        }

        @Override
        public boolean isSupported() {
            return BuiltinDHFactories.sntrup761x25519_openssh.isSupported();
        }

        @Override
        public AbstractDH create(Object... params) throws Exception {
            if (params != null && params.length > 0) {
                throw new IllegalArgumentException("no parameters for " + getName);
            }
            return new XDH(MontgomeryCurve.x25519, true) {
                @Override
                public KeyEncapsulationMethod getKeyEncapsulation() {
                    return new Prepared();
                }

                @Override
                public Digest getHash() throws Exception {
                    return BuiltinDigests.sha512.create();
                }
            };
        }
    }

    /** The client side only: a key pair taken when the key exchange asks for it; its init() is done. */
    private static final class Prepared implements KeyEncapsulationMethod {
        @Override
        public Client getClient() {
            KeyEncapsulationMethod.Client made = take();
            return new Client() {
                @Override
                public void init() {
                    // made ahead
                }

                @Override
                public byte[] getPublicKey() {
                    return made.getPublicKey();
                }

                @Override
                public byte[] extractSecret(byte[] server) {
                    return made.extractSecret(server);
                }

                @Override
                public int getEncapsulationLength() {
                    return made.getEncapsulationLength();
                }
            };
        }

        @Override
        public Server getServer() {
            throw new UnsupportedOperationException("the deployer is a client");
        }
    }
}
